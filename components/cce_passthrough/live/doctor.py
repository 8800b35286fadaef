"""`doctor`: the stack's rules over the cluster and its ELBs as they are, read once each.

Reads (all read-only, each bounded by the clients' timeouts, each failure a coded finding):
* CCE ShowCluster (or ListClusters by name, when no cluster id is given): version with patch level,
  Standard or Turbo, kube-proxy mode, VPC, container network type. `rules.facts.reconcile` checks the
  declared facts against them: a contradiction is PT904 naming both values.
* ELB v3 ShowLoadBalancer and ListListeners, once per ELB the stack lands on (an existing id, the id
  CCE wrote onto a deployed autocreate Service, the ELB a shareWith target is on). PT209/PT210 come
  from the same rule code the lookup path runs (`LiveCloud` is a `rules.cloud.Cloud`).
* Kubernetes: every Service and Ingress in all namespaces (one list each); the events of the
  namespaces of pending stack Services (one list per namespace).

The same-ELB rules (PT302, PT303) then run over the stack's services plus the cluster's other
Services and Ingresses on those ELBs and the listeners none of them owns (`check_shared_elb`).
Deployed stack Services are compared with what the component sets: drift is PT535, values CCE wrote
are PT536 facts, a `<pending>` address is explained from its events (PT500-PT510).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core import annotations as ann
from ..core.diagnostics import Diagnostic
from ..core.model import ServiceConfig
from ..core.ownership import CCE_WRITTEN_ANNOTATIONS
from ..rules.catalogue import rule
from ..rules.checks.stack import ElbMember, check_shared_elb
from ..rules.cloud import CloudLookupError, FoundElb
from ..rules.config import ParsedStack
from ..rules.evaluate import Evaluation, evaluate
from .errors import LiveError
from .events import explain_pending, is_pending

INGRESS_PORT = "kubernetes.io/elb.port"


@dataclass(frozen=True)
class LiveElb:
    """What ShowLoadBalancer and ListListeners say about one ELB."""

    id: str
    name: str
    dedicated: bool
    vpc_id: str | None
    zones: tuple[str, ...]
    l4_flavor_id: str | None
    l7_flavor_id: str | None
    listeners: tuple[tuple[str, str, int], ...]  # (name or id, protocol, port)

    @property
    def elb_class(self) -> str:
        return "dedicated" if self.dedicated else "shared"


@dataclass
class LiveReads:
    """Everything doctor read, as plain data; `errors` holds each read that failed."""

    cluster: dict[str, Any] | None = None
    elbs: dict[str, LiveElb] = field(default_factory=dict)
    services: list[dict[str, Any]] = field(default_factory=list)
    ingresses: list[dict[str, Any]] = field(default_factory=list)
    events: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # namespace -> events
    errors: list[tuple[str, LiveError]] = field(default_factory=list)  # (field, error)


class LiveCloud:
    """`rules.cloud.Cloud` over what doctor already read: the rules' lookup code runs unchanged."""

    def __init__(self, reads: LiveReads) -> None:
        self.reads = reads

    def cluster(self, name: str) -> Mapping[str, Any]:
        if self.reads.cluster is None:
            raise CloudLookupError("the cluster could not be read")
        return self.reads.cluster

    def elb(self, elb_id: str, dedicated: bool) -> FoundElb:
        found = self.reads.elbs.get(elb_id)
        if found is None:
            # the failed read has its own coded finding; nothing is known to contradict
            return FoundElb(None)
        if found.dedicated != dedicated:
            raise CloudLookupError(f"ELB {elb_id} is a {found.elb_class} ELB")
        return FoundElb(found.vpc_id)


# -- reading ---------------------------------------------------------------------------------------------


def _get(value: Any, *path: str) -> Any:
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def cluster_from_api(cluster: Mapping[str, Any]) -> dict[str, Any]:
    """CCE's cluster JSON (ShowCluster, or an item of ListClusters) as the facts reconcile reads."""
    spec = _get(cluster, "spec") or {}
    return {
        "name": _get(cluster, "metadata", "name"),
        "cluster_version": _get(spec, "version"),
        "category": _get(spec, "category"),
        "kube_proxy_mode": _get(spec, "kubeProxyMode"),
        "vpc_id": _get(spec, "hostNetwork", "vpc"),
        "container_network_type": _get(spec, "containerNetwork", "mode"),
    }


def elb_from_api(loadbalancer: Mapping[str, Any], listeners: Sequence[Mapping[str, Any]]) -> LiveElb:
    return LiveElb(
        id=str(loadbalancer.get("id") or ""),
        name=str(loadbalancer.get("name") or ""),
        # ELB v3: `guaranteed` is true for dedicated (performance-guaranteed) load balancers
        dedicated=bool(loadbalancer.get("guaranteed")),
        vpc_id=loadbalancer.get("vpc_id") or None,
        zones=tuple(loadbalancer.get("availability_zone_list") or ()),
        l4_flavor_id=loadbalancer.get("l4_flavor_id") or None,
        l7_flavor_id=loadbalancer.get("l7_flavor_id") or None,
        listeners=tuple(
            (
                str(item.get("name") or item.get("id")),
                str(item.get("protocol")),
                int(item.get("protocol_port") or 0),
            )
            for item in listeners
        ),
    )


class Reader:
    """The live reads through `kube.Kube` and `huawei.HuaweiCloud`; each failure is recorded, not raised,
    so that one denied call does not hide what the others found."""

    def __init__(self, kube: Any, cloud: Any, cluster_id: str | None) -> None:
        self.kube = kube
        self.cloud = cloud
        self.cluster_id = cluster_id

    def _attempt(self, reads: LiveReads, where: str, call: Callable[..., Any], *args: Any) -> Any:
        try:
            return call(*args)
        except LiveError as exc:
            reads.errors.append((where, exc))
            return None

    def _cluster(self, name: str | None) -> dict[str, Any] | None:
        from huaweicloudsdkcce.v3.model import ListClustersRequest, ShowClusterRequest

        cce = self.cloud.cce
        if self.cluster_id:
            request = ShowClusterRequest(cluster_id=self.cluster_id)
            response = self.cloud.call(
                "cce", f"show cluster {self.cluster_id}", lambda: cce().show_cluster_invoker(request)
            )
            metadata = {"name": response.metadata.name if response.metadata else None}
            return cluster_from_api({"metadata": metadata, "spec": _camel(response.spec)})
        listed = self.cloud.call(
            "cce", "list clusters", lambda: cce().list_clusters_invoker(ListClustersRequest())
        )
        for item in listed.items or []:
            if item.metadata is not None and item.metadata.name == name:
                return cluster_from_api({"metadata": {"name": name}, "spec": _camel(item.spec)})
        from .errors import Failure

        raise LiveError(
            Failure.NOT_FOUND, "cce", "list clusters", f"no cluster named {name!r} in this project"
        )

    def _elb(self, elb_id: str) -> LiveElb:
        from huaweicloudsdkelb.v3.model import ListListenersRequest, ShowLoadBalancerRequest

        elb = self.cloud.elb
        shown = self.cloud.call(
            "elb",
            f"show load balancer {elb_id}",
            lambda: elb().show_load_balancer_invoker(ShowLoadBalancerRequest(loadbalancer_id=elb_id)),
        )
        listed = self.cloud.call(
            "elb",
            f"list the listeners of load balancer {elb_id}",
            lambda: elb().list_listeners_invoker(ListListenersRequest(loadbalancer_id=[elb_id])),
        )
        listeners = [item.to_dict() for item in listed.listeners or []]
        return elb_from_api(shown.loadbalancer.to_dict(), listeners)

    def read(self, stack: ParsedStack) -> LiveReads:
        reads = LiveReads()
        kube = self.kube
        sanitize = kube.api_client.sanitize_for_serialization
        if stack.cluster is not None:
            name = stack.cluster.name
            reads.cluster = self._attempt(reads, "cluster", lambda: self._cluster(name))
        listed = self._attempt(
            reads,
            "services",
            lambda: kube.call("list Services in all namespaces", kube.core.list_service_for_all_namespaces),
        )
        reads.services = list(sanitize(listed).get("items") or []) if listed is not None else []
        ingresses = self._attempt(
            reads,
            "services",
            lambda: kube.call(
                "list Ingresses in all namespaces", kube.networking.list_ingress_for_all_namespaces
            ),
        )
        reads.ingresses = list(sanitize(ingresses).get("items") or []) if ingresses is not None else []
        deployed = deployed_services(stack.services, reads.services)
        for elb_id in sorted(stack_elb_ids(stack.services, deployed)):
            found = self._attempt(reads, f"elb {elb_id}", self._elb, elb_id)
            if found is not None:
                reads.elbs[elb_id] = found
        for namespace in sorted(
            {s.namespace for s in stack.services if is_pending(deployed.get(s.name) or {})}
        ):
            events = self._attempt(
                reads,
                f"events {namespace}",
                kube.call,
                f"list events in {namespace}",
                kube.core.list_namespaced_event,
                namespace,
            )
            reads.events[namespace] = list(sanitize(events).get("items") or []) if events is not None else []
        return reads


def _camel(model: Any) -> dict[str, Any]:
    """An SDK model back to the API's own JSON keys (what `cluster_from_api` reads)."""
    if model is None:
        return {}
    result: dict[str, Any] = {}
    for attribute, key in model.attribute_map.items():
        value = getattr(model, attribute, None)
        if hasattr(value, "attribute_map"):
            value = _camel(value)
        result[key] = value
    return result


# -- pure: from reads to findings ------------------------------------------------------------------------


def _key(obj: Mapping[str, Any]) -> tuple[str, str]:
    return (str(_get(obj, "metadata", "namespace") or "default"), str(_get(obj, "metadata", "name")))


def _annotations(obj: Mapping[str, Any]) -> dict[str, str]:
    found = _get(obj, "metadata", "annotations")
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, Mapping) else {}


def deployed_services(
    services: Sequence[ServiceConfig], live: Sequence[Mapping[str, Any]]
) -> dict[str, Mapping[str, Any]]:
    """The stack's services the cluster has, by stack name."""
    by_key = {_key(item): item for item in live}
    return {s.name: by_key[(s.namespace, s.name)] for s in services if (s.namespace, s.name) in by_key}


def live_elb_of(
    service: ServiceConfig, by_name: Mapping[str, ServiceConfig], deployed: Mapping[str, Mapping[str, Any]]
) -> str | None:
    """The id of the ELB a stack service is on: declared, shared, or written by CCE once deployed."""
    elb = service.elb
    if elb.existing is not None and isinstance(elb.existing.id, str):
        return elb.existing.id
    share = elb.share_with
    if share is not None and not isinstance(share, str) and isinstance(share.elb_id, str):
        return share.elb_id
    target = elb.share_with_service
    if target is not None:
        owner = by_name.get(target)
        if owner is None or owner is service or owner.elb.share_with_service is not None:
            return None
        return live_elb_of(owner, by_name, deployed)
    written = _annotations(deployed.get(service.name) or {}).get(ann.ID)
    return written or None


def stack_elb_ids(services: Sequence[ServiceConfig], deployed: Mapping[str, Mapping[str, Any]]) -> set[str]:
    by_name = {s.name: s for s in services}
    return {elb for s in services if (elb := live_elb_of(s, by_name, deployed))}


def _service_pass_through(obj: Mapping[str, Any]) -> bool:
    value = _annotations(obj).get(ann.PASS_THROUGH)
    local = _get(obj, "spec", "externalTrafficPolicy") == "Local"
    return local or value in ("true", ann.ONLY_LOCAL)


def _service_ports(obj: Mapping[str, Any]) -> tuple[tuple[int, str], ...]:
    ports = _get(obj, "spec", "ports") or []
    return tuple(
        (int(p.get("port") or 0), str(p.get("protocol") or "TCP")) for p in ports if isinstance(p, Mapping)
    )


def _ingress_ports(obj: Mapping[str, Any]) -> tuple[tuple[int, str], ...]:
    """CCE's ingress listener: kubernetes.io/elb.port (HTTP 80 by default, HTTPS with TLS)."""
    tls = bool(_get(obj, "spec", "tls"))
    text = _annotations(obj).get(INGRESS_PORT)
    port = int(text) if text and text.isdigit() else (443 if tls else 80)
    return ((port, "HTTPS" if tls else "HTTP"),)


def outside_members(
    elb_id: str,
    stack: ParsedStack,
    reads: LiveReads,
) -> list[ElbMember]:
    """The cluster's Services and Ingresses on `elb_id` that are not the stack's, then the ELB's listeners
    that none of them, nor a deployed stack Service, accounts for (made in the console)."""
    ours = {(s.namespace, s.name) for s in stack.services}
    members: list[ElbMember] = []
    claimed: set[tuple[int, str]] = set()

    def space(protocol: str) -> str:
        return "UDP" if protocol.upper() == "UDP" else "TCP"

    for obj in reads.services:
        if _annotations(obj).get(ann.ID) != elb_id:
            continue
        ports = _service_ports(obj)
        claimed |= {(p, space(proto)) for p, proto in ports}
        if _key(obj) not in ours:
            namespace, name = _key(obj)
            members.append(ElbMember(f"Service {namespace}/{name}", _service_pass_through(obj), ports))
    for obj in reads.ingresses:
        if _annotations(obj).get(ann.ID) != elb_id:
            continue
        ports = _ingress_ports(obj)
        claimed |= {(p, space(proto)) for p, proto in ports}
        namespace, name = _key(obj)
        members.append(ElbMember(f"Ingress {namespace}/{name}", None, ports))
    found = reads.elbs.get(elb_id)
    for listener, protocol, port in found.listeners if found else ():
        if (port, space(protocol)) not in claimed:
            members.append(
                ElbMember(f"listener {listener} (no Kubernetes object)", None, ((port, protocol),))
            )
    return members


def drift(service: ServiceConfig, live: Mapping[str, Any], prefix: str) -> list[Diagnostic]:
    """PT535 for each annotation or spec field the component sets that the cluster holds otherwise;
    PT536 for each value CCE wrote."""
    findings: list[Diagnostic] = []
    declared = ann.static_annotations(service)
    actual = _annotations(live)
    where = f"{prefix}.annotations" if prefix else "annotations"
    ident = f"Service {service.namespace}/{service.name}"
    for key in sorted(set(declared) | (set(actual) & set(ann.OWNED))):
        if key == ann.ID and key not in declared:
            continue  # CCE's own, below
        want, have = declared.get(key), actual.get(key)
        if want == have:
            continue
        findings.append(
            rule("PT535").finding(
                service.name,
                f"{where}[{key!r}]",
                f"{ident}: {key} is {_shown(have)} in the cluster, the stack sets {_shown(want)}.",
            )
        )
    want_policy = service.external_traffic_policy
    have_policy = _get(live, "spec", "externalTrafficPolicy") or "Cluster"
    if have_policy != want_policy:
        findings.append(
            rule("PT535").finding(
                service.name,
                f"{prefix}.externalTrafficPolicy",
                f"{ident}: externalTrafficPolicy is {have_policy} in the cluster, the stack sets {want_policy}.",
            )
        )
    want_ports = sorted((p.port, p.protocol) for p in service.ports)
    have_ports = sorted(_service_ports(live))
    if want_ports != have_ports:
        findings.append(
            rule("PT535").finding(
                service.name,
                f"{prefix}.ports",
                f"{ident}: ports are {_ports(have_ports)} in the cluster, the stack sets {_ports(want_ports)}.",
            )
        )
    for key in CCE_WRITTEN_ANNOTATIONS:
        if key in actual and key not in declared:
            findings.append(
                rule("PT536").finding(
                    service.name, f"{where}[{key!r}]", f"{ident}: CCE set {key}={actual[key]}."
                )
            )
    return findings


def _shown(value: str | None) -> str:
    return "absent" if value is None else json.dumps(value)


def _ports(ports: Sequence[tuple[int, str]]) -> str:
    return ", ".join(f"{proto} {port}" for port, proto in ports) or "none"


def diagnose(stack: ParsedStack, reads: LiveReads) -> tuple[Evaluation, list[Diagnostic]]:
    """The one evaluation with the live facts, and every finding doctor reports."""
    cluster = stack.cluster
    if cluster is not None and reads.cluster is not None:
        # the live cluster replaces the lookup; the name only labels messages
        looked_up = cluster.model_copy(update={"lookup": True, "name": cluster.name or "the cluster"})
        stack = dataclasses.replace(stack, cluster=looked_up)
    elif cluster is not None and cluster.lookup:
        # the read failed (its own finding): the declared facts are all there is
        stack = dataclasses.replace(stack, cluster=cluster.model_copy(update={"lookup": False}))
    evaluation = evaluate(stack, LiveCloud(reads))
    findings = [error.diagnostic(None, where) for where, error in reads.errors]
    live_cross: list[Diagnostic] = []
    deployed = deployed_services(stack.services, reads.services)
    by_name = {s.name: s for s in stack.services}
    groups: dict[str, list[ServiceConfig]] = {}
    for service in stack.services:
        elb_id = live_elb_of(service, by_name, deployed)
        if elb_id is not None:
            groups.setdefault(elb_id, []).append(service)
    for elb_id, services in groups.items():
        outside = outside_members(elb_id, stack, reads)
        if outside:
            members = [*outside, *(ElbMember.of(s) for s in services)]
            live_cross += check_shared_elb(f"elb {elb_id}", members, evaluation.facts, stack.paths)
    replaced = {(f.code, f.resource, f.field) for f in live_cross}
    findings += [f for f in evaluation.findings if (f.code, f.resource, f.field) not in replaced]
    findings += live_cross
    for service in stack.services:
        live = deployed.get(service.name)
        if live is None:
            continue
        prefix = stack.paths.get(service.name, "")
        findings += drift(service, live, prefix)
        if is_pending(live):
            events = reads.events.get(service.namespace, [])
            findings += explain_pending(service.name, prefix, service.namespace, service.name, events)
    return evaluation, findings
