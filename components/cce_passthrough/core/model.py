"""The typed model of a stack: cluster facts and services, parsed from stack config (camelCase) or from
component args (snake_case). Pure: no Pulumi engine involved.

Pydantic checks shape and types only (all problems at once, each with its path); value ranges and
cross-field constraints are rules in `rules/`, so every finding carries a catalogue code.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, model_validator
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from .versions import CceVersion


def integral_to_int(value: object) -> object:
    """An integral float as the int it stands for; anything else unchanged."""
    # Numbers that travel through Pulumi's protobuf Struct (component provider, mocks) arrive as floats.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Int = Annotated[int, BeforeValidator(integral_to_int)]
Protocol = Literal["TCP", "UDP", "SCTP"]
Flavor = Literal["standard", "turbo"]
KubeProxyMode = Literal["iptables", "ipvs"]
TrafficPolicy = Literal["Cluster", "Local"]

# CCE's annotation value of each ELB class, and the name this project's config uses for it.
ELB_CLASS_NAMES: dict[str, str] = {"union": "shared", "performance": "dedicated"}
# Accepted spellings of an ELB class (ours and CCE's), mapped to CCE's annotation value.
ELB_CLASS_VALUES: dict[str, str] = {
    **{value: value for value in ELB_CLASS_NAMES},
    **{name: value for value, name in ELB_CLASS_NAMES.items()},
}
# An ELB id, an enterprise project id: the lowercase UUIDs Huawei Cloud issues.
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class _ConfigModel(BaseModel):
    """camelCase in stack config, snake_case in Python args: both are accepted."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
    )


class ClusterConfig(_ConfigModel):
    # Keys (snake_case) whose value a shape finding already rejected, as ServiceConfig keeps them: the
    # rule that requires a key must not report a misspelt or mistyped one a second time as missing.
    _rejected: frozenset[str] = PrivateAttr(default=frozenset())

    def rejected(self, key: str) -> bool:
        return key in self._rejected

    def with_rejected(self, keys: frozenset[str]) -> ClusterConfig:
        self._rejected = self._rejected | keys
        return self

    name: str | None = None
    lookup: bool = False
    version: str | None = None
    flavor: Flavor | None = None
    kube_proxy_mode: KubeProxyMode | None = None
    vpc_id: str | None = None
    # CCE's own names (`container_network_type` of the cluster API): tunnel, VPC, Cloud Native 2.0.
    container_network_type: Literal["overlay_l2", "vpc-router", "eni"] | None = None


class PortConfig(_ConfigModel):
    port: Int
    name: str | None = None
    target_port: Int | str | None = None
    protocol: Protocol = "TCP"
    node_port: Int | None = None


class ResourcesConfig(_ConfigModel):
    requests: dict[str, str] | None = None
    limits: dict[str, str] | None = None


class Autocreate(BaseModel):
    """`kubernetes.io/elb.autocreate`, CCE's own snake_case keys, pasteable from the CCE docs."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    type: Literal["public", "inner"] | None = None
    name: str | None = None
    bandwidth_name: str | None = None
    bandwidth_chargemode: Literal["bandwidth", "traffic"] | None = None
    bandwidth_size: Int | None = None
    bandwidth_sharetype: Literal["PER"] | None = None
    eip_type: str | None = None
    vip_subnet_cidr_id: str | None = None
    vip_address: str | None = None
    ipv6_vip_virsubnet_id: str | None = None
    ipv6_bandwidth_id: str | None = None
    elb_virsubnet_ids: list[str] | None = None
    available_zone: list[str] | None = None
    l4_flavor_name: str | None = None
    l7_flavor_name: str | None = None
    l4_flavor_id: str | None = None
    l7_flavor_id: str | None = None

    def to_annotation_object(self) -> dict[str, Any]:
        """Only the fields the user set, in declaration order: the JSON CCE receives."""
        return self.model_dump(exclude_none=True)


DEDICATED_ONLY_AUTOCREATE_FIELDS = (
    "ipv6_vip_virsubnet_id",
    "ipv6_bandwidth_id",
    "elb_virsubnet_ids",
    "available_zone",
    "l4_flavor_name",
    "l7_flavor_name",
    "l4_flavor_id",
    "l7_flavor_id",
)
PUBLIC_AUTOCREATE_FIELDS = (
    "bandwidth_name",
    "bandwidth_chargemode",
    "bandwidth_size",
    "bandwidth_sharetype",
    "eip_type",
)


class ExistingElb(_ConfigModel):
    # Any: a plain id from config, or an Output from another stack (checked when it resolves).
    id: Any


class ManagedBandwidth(_ConfigModel):
    """PER: a bandwidth of this EIP alone. WHOLE: a shared bandwidth, created here or given by id."""

    share_type: Literal["PER", "WHOLE"] = "PER"
    name: str | None = None
    size: Int | None = None
    charge_mode: Literal["traffic", "bandwidth"] = "traffic"
    id: str | None = None


class ManagedEip(_ConfigModel):
    type: str = "5_bgp"
    bandwidth: ManagedBandwidth


class ManagedElb(_ConfigModel):
    """An ELB Pulumi creates with pulumi-huaweicloud, optionally with an EIP."""

    subnet_id: str
    name: str | None = None
    vpc_id: str | None = None
    availability_zones: list[str] | None = None
    ipv4_subnet_id: str | None = None
    l4_flavor_id: str | None = None
    l7_flavor_id: str | None = None
    eip: ManagedEip | None = None
    protect: bool = False


class SharedElbRef(_ConfigModel):
    """Component args form of shareWith: the other service's name and the outputs of its ELB."""

    service: str
    elb_id: Any = None
    # The owner's address outputs, which this service's outputs follow: they are one ELB's addresses.
    load_balancer_ip: Any = None
    public_ip: Any = None


class ElbConfig(_ConfigModel):
    elb_class: str | None = Field(default=None, alias="class")
    autocreate: Autocreate | None = None
    autocreate_json: str | None = None
    """`autocreate` as the annotation's own text, sent byte for byte: CCE cannot change the annotation,
    so an existing Service keeps its exact bytes (another key order or spacing would replace it)."""
    existing: ExistingElb | None = None
    managed: ManagedElb | None = None
    share_with: str | SharedElbRef | None = None

    @model_validator(mode="before")
    @classmethod
    def _autocreate_from_text(cls, data: Any) -> Any:
        """`autocreateJson` is read into `autocreate`, so every check sees the same typed object."""
        if not isinstance(data, dict):
            return data
        key = next((k for k in ("autocreateJson", "autocreate_json") if k in data), None)
        text = data.get(key) if key else None
        if not isinstance(text, str):
            return data
        try:
            parsed = json.loads(text)
        except ValueError as exc:
            raise PydanticCustomError(
                "autocreate_json", "autocreateJson is not JSON: {problem}", {"problem": str(exc)}
            ) from None
        if not isinstance(parsed, dict):
            raise PydanticCustomError("autocreate_json", "autocreateJson must be a JSON object", {})
        given = data.get("autocreate")
        if given is None:
            return {**data, "autocreate": parsed}
        declared = given.to_annotation_object() if isinstance(given, Autocreate) else given
        if declared != parsed:
            raise PydanticCustomError(
                "autocreate_json", "give autocreate or autocreateJson, not both with different values", {}
            )
        return data

    @property
    def annotation_class(self) -> str | None:
        return ELB_CLASS_VALUES.get(self.elb_class or "")

    @property
    def dedicated(self) -> bool:
        return self.annotation_class == "performance"

    @property
    def sources(self) -> list[str]:
        names = ("autocreate", "existing", "managed", "share_with")
        return [name for name in names if getattr(self, name) is not None]

    @property
    def share_with_service(self) -> str | None:
        if isinstance(self.share_with, SharedElbRef):
            return self.share_with.service
        return self.share_with


@dataclass(frozen=True)
class ManifestFacts:
    """What a Service manifest tells beyond the settings stack config has. A service read from a
    manifest is not rendered by the component: its port names are not reused as container port names,
    and its annotations may be ones CCE wrote."""

    read_back: bool
    """Read back from a cluster (it carries a uid, a resourceVersion, an ingress address, or annotations
    only CCE writes): annotations CCE wrote are expected, not mistakes."""
    load_balancer_ip: str | None = None
    """`spec.loadBalancerIP`, which the component never sets."""
    elb_id: str | None = None
    """`kubernetes.io/elb.id` that CCE wrote next to `elb.autocreate` after creating the ELB."""
    host_network_known: bool = False
    """Whether `host_network` comes from the pods the Service selects (else from
    `kubernetes.io/hws-hostNetwork`, the Service's own claim)."""


class ServiceConfig(_ConfigModel):
    name: str
    image: str
    ports: list[PortConfig]
    # Paths (snake_case, from the service: `elb.autocreate.bandwidth_size`) of values a shape finding
    # already rejected; they are absent from the model, and a rule must not report them again as missing.
    _rejected: frozenset[str] = PrivateAttr(default=frozenset())

    def rejected(self, path: str) -> bool:
        """Whether the value at `path`, or one that holds it, was already reported and dropped."""
        return any(path == r or path.startswith(f"{r}.") for r in self._rejected)

    def with_rejected(self, paths: frozenset[str]) -> ServiceConfig:
        self._rejected = self._rejected | paths
        return self

    elb: ElbConfig
    namespace: str = "default"
    replicas: Int = 1
    resources: ResourcesConfig | None = None
    image_pull_secrets: list[str] = Field(default_factory=lambda: ["default-secret"])
    external_traffic_policy: TrafficPolicy = "Cluster"
    pass_through: bool = True
    host_network: bool = False
    annotations: dict[str, str] = Field(default_factory=dict)
    labels: dict[str, str] | None = None
    """Labels of the pods, and by default of the Deployment and the Service; unset: the recommended
    `app.kubernetes.io/*` set."""
    service_labels: dict[str, str] | None = None
    """The Service's own labels, when they differ from `labels`."""
    deployment_labels: dict[str, str] | None = None
    """The Deployment's own labels, when they differ from `labels` (`{}`: none)."""
    selector: dict[str, str] | None = None
    """The Service selector and the Deployment's matchLabels; unset: `labels`, or the recommended
    `app.kubernetes.io/name` and `instance` pair."""
    container_name: str | None = None
    """The container's name; unset: the service name."""
    container_ports: bool = True
    """Declare the Service's target ports on the container (false: no `ports` on the container)."""
    # Not a configuration key: set only by the manifest reader.
    _manifest: ManifestFacts | None = PrivateAttr(default=None)

    @property
    def manifest(self) -> ManifestFacts | None:
        """None for a service of stack config or component args, which the component renders."""
        return self._manifest

    def from_manifest(self, facts: ManifestFacts) -> ServiceConfig:
        copy = self.model_copy()
        copy._manifest = facts
        return copy


# `container_network_type` of CCE Turbo (Cloud Native Network 2.0); the data source has no `category`.
TURBO_NETWORK_TYPE = "eni"
NetworkModel = Literal["tunnel", "vpc", "cloud-native-2.0"]
# `container_network_type` as CCE's cluster API and the Pulumi data source report it.
NETWORK_MODEL_OF_TYPE: dict[str, NetworkModel] = {
    "overlay_l2": "tunnel",
    "vpc-router": "vpc",
    TURBO_NETWORK_TYPE: "cloud-native-2.0",
}


@dataclass(frozen=True)
class ClusterFacts:
    name: str | None
    version: CceVersion
    flavor: Flavor
    kube_proxy_mode: KubeProxyMode
    vpc_id: str | None
    container_network_type: str | None = None
    """`overlay_l2`, `vpc-router` or `eni`; None when neither declared nor looked up."""

    @property
    def turbo(self) -> bool:
        return self.flavor == "turbo"

    @property
    def network_model(self) -> NetworkModel | None:
        return NETWORK_MODEL_OF_TYPE.get(self.container_network_type or "")
