"""Kubernetes objects as the live API lists them (plain JSON), read for what CCE makes of them: which
stack service is deployed, which ELB each is on, its ports and its pass-through setting."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..core import annotations as ann
from ..core.model import ServiceConfig

INGRESS_PORT = "kubernetes.io/elb.port"


def dig(value: Any, *path: str) -> Any:
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def object_key(obj: Mapping[str, Any]) -> tuple[str, str]:
    return (str(dig(obj, "metadata", "namespace") or "default"), str(dig(obj, "metadata", "name")))


def annotations_of(obj: Mapping[str, Any]) -> dict[str, str]:
    found = dig(obj, "metadata", "annotations")
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, Mapping) else {}


def deployed_services(
    services: Sequence[ServiceConfig], live: Sequence[Mapping[str, Any]]
) -> dict[str, Mapping[str, Any]]:
    """The stack's services the cluster has, by stack name."""
    by_key = {object_key(item): item for item in live}
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
    written = annotations_of(deployed.get(service.name) or {}).get(ann.ID)
    return written or None


def stack_elb_ids(services: Sequence[ServiceConfig], deployed: Mapping[str, Mapping[str, Any]]) -> set[str]:
    by_name = {s.name: s for s in services}
    return {elb for s in services if (elb := live_elb_of(s, by_name, deployed))}


def service_pass_through(obj: Mapping[str, Any]) -> bool:
    value = annotations_of(obj).get(ann.PASS_THROUGH)
    local = dig(obj, "spec", "externalTrafficPolicy") == "Local"
    return local or value in ("true", ann.ONLY_LOCAL)


def service_ports(obj: Mapping[str, Any]) -> tuple[tuple[int, str], ...]:
    ports = dig(obj, "spec", "ports") or []
    return tuple(
        (int(p.get("port") or 0), str(p.get("protocol") or "TCP")) for p in ports if isinstance(p, Mapping)
    )


def ingress_ports(obj: Mapping[str, Any]) -> tuple[tuple[int, str], ...]:
    """CCE's ingress listener: kubernetes.io/elb.port (HTTP 80 by default, HTTPS with TLS)."""
    tls = bool(dig(obj, "spec", "tls"))
    text = annotations_of(obj).get(INGRESS_PORT)
    port = int(text) if text and text.isdigit() else (443 if tls else 80)
    return ((port, "HTTPS" if tls else "HTTP"),)
