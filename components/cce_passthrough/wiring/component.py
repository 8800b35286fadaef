"""`PassThroughService`: the Deployment, the annotated LoadBalancer Service and the ELB, checked first."""

import ipaddress
from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from ..core import annotations as ann
from ..core import workload
from ..core.diagnostics import Diagnostic
from ..core.model import ClusterFacts, ServiceConfig, SharedElbRef
from ..core.ownership import deployment_cluster_fields, service_cluster_fields
from ..rules.checks.elb_location import elb_id_findings, missing_shared_elb_id
from ..rules.checks.spec import service_name_findings
from ..rules.config import parse_component_args
from ..rules.evaluate import evaluate
from .args import PassThroughServiceArgs
from .lookup import PulumiCloud
from .managed_elb import Addresses, managed_elb
from .publish import announce, publish

TOKEN = "cce-passthrough:index:PassThroughService"


class PassThroughService(pulumi.ComponentResource):
    """A workload on CCE behind an ELB with `kubernetes.io/elb.pass-through`, validated at preview."""

    service_name: pulumi.Output[str]
    """The Kubernetes Service (and Deployment) name."""
    namespace: pulumi.Output[str]
    """The namespace of both."""
    elb_id: pulumi.Output[str | None]
    """The ELB id: known at once for existing ELBs, after creation for managed ones, and for autocreated
    ones once CCE has written `kubernetes.io/elb.id` onto the Service (cce_10_0924 shows it there)."""
    load_balancer_ip: pulumi.Output[str | None]
    """The ELB's private address (its VIP in the cluster's VPC), from the Service's ingress once CCE has
    bound the ELB; for `share_with`, the owner's."""
    public_ip: pulumi.Output[str | None]
    """The ELB's EIP: the one Pulumi creates, or the public address in the Service's ingress; None when
    the ELB has no EIP (autocreate `inner`, managed without `eip`); for `share_with`, the owner's."""
    annotations: pulumi.Output[dict[str, str]]
    """The exact `kubernetes.io/elb.*` annotations sent."""

    def __init__(
        self, name: str, args: PassThroughServiceArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """The component used as a library (or through the provider host): its args are evaluated here."""
        if not name:
            # The SDK refuses a resource without a name before the args could be read: the name's finding.
            publish(service_name_findings(name, ""))
        super().__init__(TOKEN, name, {}, opts)
        evaluation = evaluate(
            parse_component_args(name, args), PulumiCloud(pulumi.InvokeOptions(parent=self))
        )
        announce(evaluation)
        publish(evaluation.findings, self)  # raises on any error
        [service] = evaluation.services
        self._declare(name, service, evaluation.facts, "")

    @classmethod
    def from_checked(
        cls,
        service: ServiceConfig,
        cluster: ClusterFacts,
        findings: list[Diagnostic],
        path: str,
        opts: pulumi.ResourceOptions | None = None,
        after: Sequence[pulumi.Resource] = (),
    ) -> "PassThroughService":
        """A component from a service the program has already evaluated as part of its stack (no error
        among `findings`); the findings are published on it, its children declared, its Kubernetes objects
        after `after` (the namespace the stack creates for it)."""
        component = cls.__new__(cls)
        pulumi.ComponentResource.__init__(component, TOKEN, service.name, {}, opts)
        publish(findings, component)
        component._declare(service.name, service, cluster, path, after)
        return component

    def _declare(
        self,
        name: str,
        service: ServiceConfig,
        cluster: ClusterFacts | None,
        path: str,
        after: Sequence[pulumi.Resource] = (),
    ) -> None:
        service = _check_ids_when_known(self, name, service, path)
        child = pulumi.ResourceOptions(parent=self)
        # A component's depends_on does not reach its children: the Kubernetes objects are told what to
        # wait for (their namespace); the cloud resources wait for nothing of the cluster.
        in_cluster = pulumi.ResourceOptions(parent=self, depends_on=list(after) or None)
        elb_id, managed_addresses = self._elb(name, service, cluster, child)
        deployment = self._deployment(name, service, in_cluster)
        annotations: dict[str, pulumi.Input[str]] = dict(ann.static_annotations(service))
        if elb_id is not None and ann.ID not in annotations:
            annotations[ann.ID] = elb_id
        svc = self._service(name, service, annotations, in_cluster)

        self.deployment = deployment
        self.service = svc
        self.cluster_facts = cluster
        # Known at preview (the names are plain config) yet still tied to the Service resource.
        self.service_name = svc.urn.apply(lambda _: name)
        # A copy: a lambda holding `service` would keep its parsed config alive until the Service has
        # registered, a few KiB per service while a large stack's registrations run (bench/).
        namespace = service.namespace
        self.namespace = svc.urn.apply(lambda _: namespace)
        if any(isinstance(value, pulumi.Output) for value in annotations.values()):
            self.annotations = pulumi.Output.all(**annotations)
        else:
            # Plain text, tied to the Service that carries it: one output, not one per annotation and a
            # gathering one (bench/, issue 13).
            sent = {key: str(value) for key, value in annotations.items()}
            self.annotations = svc.urn.apply(lambda _: sent)
        if elb_id is not None:
            self.elb_id = pulumi.Output.from_input(elb_id)
        else:
            # Autocreated: CCE writes the id of the ELB it created back onto the Service by the time the
            # Service has its ingress; reading it through `status` keeps it unknown in preview, as it is.
            # One apply inside the other, not `Output.all(status, metadata)`: the same value, known and
            # secret alike, without an output per field of both objects (bench/, issue 13).
            def written_id(_: Any) -> pulumi.Output[str | None]:
                return svc.metadata.apply(
                    lambda metadata: (_field(metadata, "annotations") or {}).get(ann.ID)
                )

            self.elb_id = svc.status.apply(written_id)
        self.load_balancer_ip, self.public_ip = _addresses(service, svc.status, managed_addresses)
        self.register_outputs(
            {
                "service_name": self.service_name,
                "namespace": self.namespace,
                "elb_id": self.elb_id,
                "load_balancer_ip": self.load_balancer_ip,
                "public_ip": self.public_ip,
                "annotations": self.annotations,
            }
        )

    def _elb(
        self, name: str, service: ServiceConfig, cluster: ClusterFacts | None, child: pulumi.ResourceOptions
    ) -> tuple[pulumi.Input[str] | None, Addresses | None]:
        """(the ELB id to annotate, None for autocreate; the VIP and EIP of an ELB Pulumi creates)."""
        elb = service.elb
        if elb.existing is not None:
            return elb.existing.id, None
        if isinstance(elb.share_with, SharedElbRef):
            return elb.share_with.elb_id, None
        if elb.managed is not None:
            vpc_id = elb.managed.vpc_id or (cluster.vpc_id if cluster else None)
            return managed_elb(name, elb.managed, elb.dedicated, vpc_id, child)
        return None, None

    def _deployment(
        self, name: str, service: ServiceConfig, child: pulumi.ResourceOptions
    ) -> k8s.apps.v1.Deployment:
        core = k8s.core.v1
        container_ports = [
            core.ContainerPortArgs(container_port=port.container_port, protocol=port.protocol, name=port.name)
            for port in workload.container_ports(service)
        ]
        resources = None
        if service.resources is not None:
            resources = core.ResourceRequirementsArgs(
                requests=service.resources.requests, limits=service.resources.limits
            )
        pod = core.PodSpecArgs(
            containers=[
                core.ContainerArgs(
                    name=workload.container_name(service),
                    image=service.image,
                    ports=container_ports or None,
                    resources=resources,
                )
            ],
            image_pull_secrets=[
                core.LocalObjectReferenceArgs(name=secret) for secret in service.image_pull_secrets
            ]
            or None,
            host_network=True if service.host_network else None,
        )
        opts = pulumi.ResourceOptions.merge(
            child,
            # Defaults the API server fills in are the cluster's: an adopted Deployment keeps them unchanged.
            pulumi.ResourceOptions(ignore_changes=[f.path for f in deployment_cluster_fields(service)]),
        )
        return k8s.apps.v1.Deployment(
            f"{name}-deployment",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=name, namespace=service.namespace, labels=workload.deployment_labels(service) or None
            ),
            spec=k8s.apps.v1.DeploymentSpecArgs(
                replicas=service.replicas,
                selector=k8s.meta.v1.LabelSelectorArgs(match_labels=workload.selector(service)),
                template=core.PodTemplateSpecArgs(
                    metadata=k8s.meta.v1.ObjectMetaArgs(labels=workload.pod_labels(service) or None), spec=pod
                ),
            ),
            opts=opts,
        )

    def _service(
        self,
        name: str,
        service: ServiceConfig,
        annotations: Mapping[str, pulumi.Input[str]],
        child: pulumi.ResourceOptions,
    ) -> k8s.core.v1.Service:
        core = k8s.core.v1
        ports = [
            core.ServicePortArgs(
                port=port.port,
                protocol=port.protocol,
                target_port=port.target_port if port.target_port is not None else port.port,
                name=port.name,
                node_port=port.node_port,
            )
            for port in service.ports
        ]
        opts = pulumi.ResourceOptions.merge(
            child,
            pulumi.ResourceOptions(
                # CCE rejects changes to these annotations; a named Service must go before its replacement.
                replace_on_changes=ann.replace_on_changes_paths(),
                delete_before_replace=True,
                # What the API server allocates and CCE writes back is theirs, not drift: an adopted
                # Service keeps its cluster IP, node ports and CCE's elb.id (whose change would replace it).
                ignore_changes=[f.path for f in service_cluster_fields(service, annotations)],
            ),
        )
        return core.Service(
            f"{name}-service",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=name,
                namespace=service.namespace,
                labels=workload.service_labels(service) or None,
                annotations=dict(annotations),
            ),
            spec=core.ServiceSpecArgs(
                type="LoadBalancer",
                selector=workload.selector(service),
                ports=ports,
                external_traffic_policy=service.external_traffic_policy,
            ),
            opts=opts,
        )


def _check_ids_when_known(
    component: pulumi.Resource, name: str, service: ServiceConfig, prefix: str
) -> ServiceConfig:
    """ELB ids given as outputs are checked where they resolve: the checked output is what the Service's
    `elb.id` annotation is built from, so a bad id fails `pulumi up` with the finding a plain id gets at
    preview, before the Service is sent to CCE."""
    elb = service.elb
    if elb.existing is not None and isinstance(elb.existing.id, pulumi.Output):
        where = f"{prefix}.elb.existing.id" if prefix else "elb.existing.id"
        checked = _checked(component, elb.existing.id, name, where)
        elb = elb.model_copy(update={"existing": elb.existing.model_copy(update={"id": checked})})
    if isinstance(elb.share_with, SharedElbRef) and isinstance(elb.share_with.elb_id, pulumi.Output):
        # In stack config the setting is `shareWith`; in component args `share_with.elb_id`.
        where = f"{prefix}.elb.shareWith" if prefix else "elb.share_with.elb_id"
        checked = _checked(component, elb.share_with.elb_id, name, where, shared_from=elb.share_with.service)
        elb = elb.model_copy(update={"share_with": elb.share_with.model_copy(update={"elb_id": checked})})
    return service.model_copy(update={"elb": elb}) if elb is not service.elb else service


def _checked(
    component: pulumi.Resource,
    elb_id: pulumi.Output[Any],
    name: str,
    where: str,
    shared_from: str | None = None,
) -> pulumi.Output[Any]:
    async def check(value: Any) -> Any:
        if value is None and shared_from is not None:
            # The owner's ELB has no id to share (CCE wrote none onto its Service): stop here rather than
            # send `elb.id` empty, which CCE would answer with an address that never comes.
            publish([missing_shared_elb_id(name, where, shared_from)], component)
        if value is not None:
            # A secret id is not quoted: the finding is printed (found by fuzzing the component's args).
            secret = await elb_id.is_secret()
            publish(elb_id_findings(name, where, value, secret), component)  # raises ConstraintViolation
        return value

    return elb_id.apply(check)


def _field(value: Any, name: str) -> Any:
    """A field of an output object; the provider hands typed objects, some engines plain camelCase dicts."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        camel = name.split("_")[0] + "".join(part.title() for part in name.split("_")[1:])
        return value.get(camel, value.get(name))
    return getattr(value, name, None)


def _ingress_ips(status: Any) -> list[str]:
    return [
        str(ip)
        for ingress in _field(_field(status, "load_balancer"), "ingress") or []
        if (ip := _field(ingress, "ip"))
    ]


# The ranges a Huawei Cloud VPC subnet (and so an ELB's VIP) is drawn from; CCE lists an autocreated
# public ELB's EIP next to its VIP in the Service's ingress (cce_10_0924), so the range tells them apart.
_VPC_RANGES = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))


def _in_vpc_range(ip: str) -> bool | None:
    """True for a VPC address, False for another IPv4 address, None for anything else (IPv6, junk)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return None
    if address.version != 4:
        return None
    return any(address in network for network in _VPC_RANGES)


def _first(ips: list[str], private: bool) -> str | None:
    return next((ip for ip in ips if _in_vpc_range(ip) is private), None)


def _addresses(service: ServiceConfig, status: pulumi.Output[Any], managed: Addresses | None) -> Addresses:
    """(load_balancer_ip, public_ip) as their names say: the ELB's private VIP and its EIP. Each output
    is made only where it is returned (outputs are most of a component's memory at scale, bench/)."""
    elb = service.elb

    def from_ingress(private: bool) -> pulumi.Output[str | None]:
        return status.apply(lambda value: _first(_ingress_ips(value), private))

    if isinstance(elb.share_with, SharedElbRef):
        shared = elb.share_with
        return (
            pulumi.Output.from_input(shared.load_balancer_ip)
            if shared.load_balancer_ip is not None
            else from_ingress(private=True),
            pulumi.Output.from_input(shared.public_ip)
            if shared.public_ip is not None
            else from_ingress(private=False),
        )
    if managed is not None:
        return managed
    if elb.autocreate is not None and elb.autocreate.type != "public":
        # `inner` (CCE's default): CCE creates no EIP
        return from_ingress(private=True), pulumi.Output.from_input(None)
    return from_ingress(private=True), from_ingress(private=False)
