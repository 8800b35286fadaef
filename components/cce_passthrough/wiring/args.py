"""The component's public args: TypedDicts with plain types for every field a constraint reads, so they
are known at preview and work under Pulumi's component provider host. Keys are the snake_case
form of the stack config keys (interface.md §2)."""

from typing import TypedDict

import pulumi
from typing_extensions import NotRequired


class ClusterArgs(TypedDict):
    """Facts about the CCE cluster the service runs on."""

    name: NotRequired[str]
    """Cluster name, for the lookup with `huaweicloud.cce.get_cluster`."""
    lookup: NotRequired[bool]
    """True: read version, flavor and VPC from the cloud at preview; False (default): trust the facts below."""
    version: NotRequired[str]
    """`vX.Y` or `vX.Y.Z-rN`."""
    flavor: NotRequired[str]
    """CCE Standard or CCE Turbo."""
    kube_proxy_mode: str
    """kube-proxy mode; the data source cannot tell it, so it is always declared."""
    vpc_id: NotRequired[str]
    """The cluster's VPC, checked against the ELB's when both are known."""


class PortArgs(TypedDict):
    """One Service port; each becomes an ELB listener."""

    port: int
    """Listener and Service port, 1-65535."""
    name: NotRequired[str]
    """DNS-1035 name; required when there are several ports."""
    target_port: NotRequired[int]
    """Container port; defaults to `port`. (Stack config also takes a port name.)"""
    protocol: NotRequired[str]
    """Defaults to TCP."""
    node_port: NotRequired[int]
    """30000-32767; chosen by Kubernetes when absent."""


class ResourcesArgs(TypedDict):
    requests: NotRequired[dict[str, str]]
    limits: NotRequired[dict[str, str]]


class AutocreateArgs(TypedDict, total=False):
    """`kubernetes.io/elb.autocreate`, with CCE's own field names."""

    type: str
    name: str
    bandwidth_name: str
    bandwidth_chargemode: str
    bandwidth_size: int
    bandwidth_sharetype: str
    eip_type: str
    vip_subnet_cidr_id: str
    vip_address: str
    ipv6_vip_virsubnet_id: str
    ipv6_bandwidth_id: str
    elb_virsubnet_ids: list[str]
    available_zone: list[str]
    l4_flavor_name: str
    l7_flavor_name: str
    l4_flavor_id: str
    l7_flavor_id: str


class ExistingElbArgs(TypedDict):
    id: pulumi.Input[str]
    """The ELB's id; may be an output of another stack (checked once it resolves)."""


class ManagedBandwidthArgs(TypedDict):
    share_type: NotRequired[str]
    """PER: the EIP's own bandwidth. WHOLE: a shared bandwidth, created here (name, size) or given by id."""
    name: NotRequired[str]
    size: NotRequired[int]
    charge_mode: NotRequired[str]
    id: NotRequired[str]


class ManagedEipArgs(TypedDict):
    type: NotRequired[str]
    """EIP type, default 5_bgp."""
    bandwidth: ManagedBandwidthArgs


class ManagedElbArgs(TypedDict):
    """An ELB created by Pulumi (shared: elb.Loadbalancer; dedicated: dedicatedelb.Loadbalancer)."""

    subnet_id: str
    """IPv4 subnet id of the ELB's frontend."""
    name: NotRequired[str]
    vpc_id: NotRequired[str]
    availability_zones: NotRequired[list[str]]
    ipv4_subnet_id: NotRequired[str]
    l4_flavor_id: NotRequired[str]
    l7_flavor_id: NotRequired[str]
    eip: NotRequired[ManagedEipArgs]
    protect: NotRequired[bool]
    """Pulumi `protect` on the ELB, EIP and bandwidth."""


class SharedElbArgs(TypedDict):
    service: str
    """Name of the service whose ELB this one joins."""
    elb_id: pulumi.Input[str]
    """That service's `elb_id` output."""
    load_balancer_ip: NotRequired[pulumi.Input[str]]
    """That service's `load_balancer_ip` output, which this service's output then follows."""
    public_ip: NotRequired[pulumi.Input[str]]
    """That service's `public_ip` output, which this service's output then follows."""


# "class" is a Python keyword, hence the functional form for this one TypedDict.
ElbArgs = TypedDict(
    "ElbArgs",
    {
        "class": str,
        "autocreate": NotRequired[AutocreateArgs],
        "autocreate_json": NotRequired[str],
        "existing": NotRequired[ExistingElbArgs],
        "managed": NotRequired[ManagedElbArgs],
        "share_with": NotRequired[SharedElbArgs],
    },
)


class PassThroughServiceArgs(TypedDict):
    """A Deployment and a LoadBalancer Service on CCE, with ELB pass-through. The component's name is the
    Kubernetes name of both."""

    cluster: ClusterArgs
    """The cluster the service runs on."""
    image: str
    """Container image."""
    ports: list[PortArgs]
    """Service ports (ELB listeners)."""
    elb: ElbArgs
    """ELB class and source: exactly one of autocreate, existing, managed, share_with."""
    namespace: NotRequired[str]
    replicas: NotRequired[int]
    resources: NotRequired[ResourcesArgs]
    image_pull_secrets: NotRequired[list[str]]
    """Defaults to CCE's `default-secret`."""
    external_traffic_policy: NotRequired[str]
    pass_through: NotRequired[bool]
    """Send in-cluster traffic to the ELB address through the ELB (default true)."""
    host_network: NotRequired[bool]
    annotations: NotRequired[dict[str, str]]
    """Further `kubernetes.io/elb.*` annotations; validated too."""
    labels: NotRequired[dict[str, str]]
    """Pod labels, and by default the Deployment's and the Service's; unset: the recommended set."""
    service_labels: NotRequired[dict[str, str]]
    """The Service's labels when they differ from `labels`."""
    deployment_labels: NotRequired[dict[str, str]]
    """The Deployment's labels when they differ from `labels` (empty: none)."""
    selector: NotRequired[dict[str, str]]
    """Service selector and Deployment matchLabels; unset: `labels`, or the recommended name/instance pair."""
    container_name: NotRequired[str]
    """The container's name; unset: the component's name."""
    container_ports: NotRequired[bool]
    """Declare the target ports on the container (default true)."""
