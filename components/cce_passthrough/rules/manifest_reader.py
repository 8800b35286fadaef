"""A Kubernetes Service, as a policy sees it (wire names), read back into the typed model. Pure."""

import json
from collections.abc import Iterable, Mapping
from typing import Any

from ..core import annotations as ann
from ..core.diagnostics import Diagnostic
from ..core.model import ELB_CLASS_NAMES, ClusterConfig, ServiceConfig
from .checks.new_elb import autocreate_problem
from .config import ParsedStack, parse_service

# A Service carries no image; the model needs one, the rules never read it.
_NO_IMAGE = "(not part of a Service)"


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


def service_from_manifest(
    props: Mapping[str, Any], unknown: tuple[type[Exception], ...] = ()
) -> tuple[ServiceConfig | None, list[Diagnostic]]:
    """`unknown`: the exception a policy proxy raises when a value is unknown at preview."""
    metadata = props.get("metadata") or {}
    spec = props.get("spec") or {}
    name = manifest_name(props)
    annotations, pending = _known_annotations(metadata, unknown)
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
    if ann.ID in annotations:
        elb["existing"] = {"id": annotations.pop(ann.ID)}
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
    raw = {
        # The annotation says the pods use the host network; a Service has no pods to ask.
        "hostNetwork": annotations.get(ann.HOST_NETWORK) == "true",
        "name": name,
        "namespace": metadata.get("namespace") or "default",
        "image": _NO_IMAGE,
        "ports": ports,
        "externalTrafficPolicy": policy,
        "passThrough": pass_through in ("true", ann.ONLY_LOCAL) or policy == "Local",
        "annotations": annotations,
        "elb": elb,
    }
    service, shape = parse_service(raw, "")
    return service, found + shape


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
    for manifest in manifests:
        if not is_cce_load_balancer(manifest):
            continue
        service, found = service_from_manifest(manifest, unknown)
        findings += found
        if service is not None and (pending_ids or not elb_id_pending(service)):
            services.append(service)
    return ParsedStack(cluster, services, findings, {service.name: "" for service in services})
