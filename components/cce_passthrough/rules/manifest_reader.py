"""Kubernetes Services, as a policy or a YAML file shows them (wire names), read into the typed model,
with what the manifests tell beyond stack config (`ManifestFacts`). Pure."""

import json
from collections.abc import Iterable, Mapping
from typing import Any

from ..core import annotations as ann
from ..core.diagnostics import Diagnostic
from ..core.model import ELB_CLASS_NAMES, ClusterConfig, ManifestFacts, ServiceConfig
from .checks.new_elb import autocreate_problem
from .config import ParsedStack, parse_service

# A Service carries no image; the model needs one, the rules never read it.
_NO_IMAGE = "(not part of a Service)"
# `kubernetes.io/elb.class: dnat` puts a Service behind a NAT gateway, not an ELB: none of these rules apply.
_NOT_AN_ELB = ("dnat",)
_WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "Pod")


def is_cce_load_balancer(props: Mapping[str, Any]) -> bool:
    spec = props.get("spec") or {}
    annotations = (props.get("metadata") or {}).get("annotations") or {}
    return spec.get("type") == "LoadBalancer" and any(str(k).startswith(ann.PREFIX) for k in annotations)


# Stands for an ELB id that only exists after `pulumi up` (a managed or shared ELB at preview).
ID_KNOWN_AFTER_APPLY = "(known after apply)"


def _known_annotations(
    metadata: Mapping[str, Any], unknown: tuple[type[Exception], ...]
) -> tuple[dict[str, Any], set[str]]:
    """The annotations whose values are known, and the keys of those that are not."""
    known: dict[str, Any] = {}
    pending: set[str] = set()
    raw = metadata.get("annotations") or {}
    for key in raw:
        try:
            known[str(key)] = raw[key]
        except unknown:
            pending.add(str(key))
    return known, pending


def manifest_name(props: Mapping[str, Any]) -> str:
    return str((props.get("metadata") or {}).get("name") or "service")


def elb_id_pending(service: ServiceConfig) -> bool:
    return service.elb.share_with_service == ID_KNOWN_AFTER_APPLY


def _mapping(value: Any) -> Mapping[str, Any]:
    """Hand-written YAML may put anything anywhere: a field that is not a mapping reads as empty."""
    return value if isinstance(value, Mapping) else {}


def _read_back(props: Mapping[str, Any], annotations: Mapping[str, Any]) -> bool:
    metadata = _mapping(props.get("metadata"))
    ingress = _mapping(_mapping(props.get("status")).get("loadBalancer")).get("ingress")
    stamped = any(metadata.get(key) for key in ("uid", "resourceVersion", "creationTimestamp"))
    return stamped or bool(ingress) or any(key in annotations for key in ann.CCE_WRITTEN)


def _pod_template(workload: Mapping[str, Any]) -> tuple[Mapping[str, Any], Mapping[str, Any]]:
    """(labels, pod spec) of a workload manifest or a pod."""
    if workload.get("kind") == "Pod":
        return _mapping(_mapping(workload.get("metadata")).get("labels")), _mapping(workload.get("spec"))
    template = _mapping(_mapping(workload.get("spec")).get("template"))
    return _mapping(_mapping(template.get("metadata")).get("labels")), _mapping(template.get("spec"))


def _selected_host_network(props: Mapping[str, Any], workloads: Iterable[Mapping[str, Any]]) -> bool | None:
    """Whether the pods the Service selects run on the host network; None when no manifest shows them."""
    selector = _mapping(_mapping(props.get("spec")).get("selector"))
    namespace = _mapping(props.get("metadata")).get("namespace") or "default"
    found: list[bool] = []
    for workload in workloads:
        if (_mapping(workload.get("metadata")).get("namespace") or "default") != namespace:
            continue
        labels, pod = _pod_template(workload)
        if selector and all(labels.get(key) == value for key, value in selector.items()):
            found.append(pod.get("hostNetwork") is True)
    return all(found) if found else None


def service_from_manifest(
    props: Mapping[str, Any],
    unknown: tuple[type[Exception], ...] = (),
    workloads: Iterable[Mapping[str, Any]] = (),
) -> tuple[ServiceConfig | None, list[Diagnostic]]:
    """`unknown`: the exception a policy proxy raises when a value is unknown at preview; `workloads`:
    the other manifests, whose pods tell whether the Service's backends use the host network."""
    metadata = props.get("metadata") or {}
    spec = props.get("spec") or {}
    name = manifest_name(props)
    annotations, pending = _known_annotations(metadata, unknown)
    if annotations.get(ann.CLASS) in _NOT_AN_ELB:
        return None, []
    read_back = _read_back(props, annotations)
    elb: dict[str, Any] = {}
    if ann.ID in pending:
        elb["share_with"] = {"service": ID_KNOWN_AFTER_APPLY}
    if ann.CLASS in annotations:
        value = annotations.pop(ann.CLASS)
        elb["class"] = ELB_CLASS_NAMES.get(value, value)
    found: list[Diagnostic] = []
    if ann.AUTOCREATE in annotations:
        text = annotations.pop(ann.AUTOCREATE)
        try:
            json.loads(text)
            # The text itself, so that the annotation read back is the annotation sent, byte for byte.
            elb["autocreate_json"] = text
        except (TypeError, ValueError) as exc:
            found.append(
                autocreate_problem(name, f'annotations["{ann.AUTOCREATE}"]', f"not valid JSON: {exc}.")
            )
    cce_written_id: str | None = None
    if ann.ID in annotations:
        elb_id = annotations.pop(ann.ID)
        if read_back and "autocreate_json" in elb:
            # CCE writes the id of the ELB it created next to elb.autocreate: not a second source.
            cce_written_id = str(elb_id)
        else:
            elb["existing"] = {"id": elb_id}
    policy = spec.get("externalTrafficPolicy") or "Cluster"
    pass_through = annotations.get(ann.PASS_THROUGH)
    expected = ann.ONLY_LOCAL if policy == "Local" else "true"
    if pass_through == expected or (pass_through is None and policy == "Local"):
        annotations.pop(ann.PASS_THROUGH, None)
    ports = [
        {
            key: port[key]
            for key in ("name", "port", "targetPort", "protocol", "nodePort")
            if port.get(key) is not None
        }
        for port in spec.get("ports") or []
    ]
    pods_on_host = _selected_host_network(props, workloads)
    # Without the pods among the manifests, the annotation's own claim that they use the host network.
    host_network = pods_on_host if pods_on_host is not None else annotations.get(ann.HOST_NETWORK) == "true"
    raw = {
        "name": name,
        "namespace": metadata.get("namespace") or "default",
        "image": _NO_IMAGE,
        "ports": ports,
        "externalTrafficPolicy": policy,
        "passThrough": pass_through in ann.PASS_THROUGH_ON or policy == "Local",
        "hostNetwork": host_network,
        "annotations": annotations,
        "elb": elb,
    }
    service, shape = parse_service(raw, "")
    if service is None:
        return None, found + shape
    load_balancer_ip = spec.get("loadBalancerIP")
    facts = ManifestFacts(
        read_back=read_back,
        load_balancer_ip=str(load_balancer_ip) if load_balancer_ip else None,
        elb_id=cce_written_id,
        host_network_known=pods_on_host is not None,
    )
    return service.from_manifest(facts), found + shape


def stack_from_manifests(
    manifests: Iterable[Mapping[str, Any]],
    cluster: ClusterConfig | None,
    unknown: tuple[type[Exception], ...] = (),
    *,
    pending_ids: bool = True,
) -> ParsedStack:
    """The CCE LoadBalancer Services among `manifests` as a stack, each at the empty path (a manifest has
    no config path). `pending_ids=False` leaves out the services whose ELB id is known only after apply."""
    services: list[ServiceConfig] = []
    findings: list[Diagnostic] = []
    manifests = list(manifests)
    workloads = [m for m in manifests if m.get("kind") in _WORKLOAD_KINDS]
    for manifest in manifests:
        if not is_cce_load_balancer(manifest):
            continue
        service, found = service_from_manifest(manifest, unknown, workloads)
        findings += found
        if service is not None and (pending_ids or not elb_id_pending(service)):
            services.append(service)
    return ParsedStack(cluster, services, findings, {service.name: "" for service in services})
