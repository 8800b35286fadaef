"""Kubernetes objects as the live API lists them (plain JSON), read for what CCE makes of them: which
stack service is deployed, which ELB each is on, its ports and its pass-through setting."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from ..core import annotations as ann
from ..core.annotations import INGRESS_LISTEN_PORTS, INGRESS_PORT
from ..core.model import ServiceConfig

INGRESS_CLASS = "kubernetes.io/ingress.class"


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
    return local or value in ann.PASS_THROUGH_ON


def service_ports(obj: Mapping[str, Any]) -> tuple[tuple[int, str], ...]:
    ports = dig(obj, "spec", "ports") or []
    return tuple(
        (int(p.get("port") or 0), str(p.get("protocol") or "TCP")) for p in ports if isinstance(p, Mapping)
    )


def is_cce_ingress(obj: Mapping[str, Any]) -> bool:
    """An Ingress CCE's own controller serves (class `cce`, or no class at all); an nginx Ingress makes
    no listener on the ELB its annotations may name."""
    wanted = dig(obj, "spec", "ingressClassName") or annotations_of(obj).get(INGRESS_CLASS)
    return wanted in (None, "", "cce")


def ingress_ports(obj: Mapping[str, Any]) -> tuple[tuple[int, str], ...] | None:
    """The listeners CCE makes for an Ingress, as the object says: kubernetes.io/elb.listen-ports (a JSON
    list of {"HTTP": 80}-style entries, which wins when both are set), else kubernetes.io/elb.port
    (HTTPS when the Ingress has tls). None when neither says it in the documented form."""
    annotations = annotations_of(obj)
    listen = annotations.get(INGRESS_LISTEN_PORTS)
    if listen is not None:
        return _listen_ports(listen)
    text = annotations.get(INGRESS_PORT)
    port = _port(text)
    if port is None:
        return None
    return ((port, "HTTPS" if dig(obj, "spec", "tls") else "HTTP"),)


def _port(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 5:
        value = int(value)
    return value if isinstance(value, int) and 1 <= value <= 65535 else None


def _listen_ports(text: str) -> tuple[tuple[int, str], ...] | None:
    try:
        entries = json.loads(text)
    except ValueError:
        return None
    if not isinstance(entries, list) or not entries:
        return None
    found: list[tuple[int, str]] = []
    for entry in entries:
        if not isinstance(entry, dict) or len(entry) != 1:
            return None
        [(protocol, value)] = entry.items()
        port = _port(value)
        if protocol not in ("HTTP", "HTTPS") or port is None:
            return None
        found.append((port, protocol))
    return tuple(found)
