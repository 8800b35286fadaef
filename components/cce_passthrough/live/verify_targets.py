"""The services `verify` probes: each Service's ELB id, address and port, from the stack's outputs or the
live Service (`status.loadBalancer.ingress`, CCE's `kubernetes.io/elb.id`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..core import annotations as ann
from ..core.model import ELB_CLASS_NAMES
from ..core.secrets import SECRET
from .kube import Kube


@dataclass
class Target:
    service: str
    namespace: str
    elb_id: str | None = None
    address: str | None = None
    port: int | None = None
    annotations: dict[str, str] = field(default_factory=dict)
    selector: dict[str, str] = field(default_factory=dict)
    dedicated: bool = False
    source: str = "live Service"

    @property
    def field(self) -> str:
        return f"services[{self.service}]"


def targets_from_outputs(outputs: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """`pulumi stack output --json`: one object per service with `namespace`, `elb_id`,
    `load_balancer_ip` (the program's exports); anything else in the file is ignored."""
    found: dict[str, dict[str, Any]] = {}
    for name, value in outputs.items():
        if isinstance(value, Mapping) and ("elb_id" in value or "load_balancer_ip" in value):
            found[str(name)] = dict(value)
    return found


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value and value != SECRET else None


def read_target(kube: Kube, service: str, namespace: str, output: Mapping[str, Any] | None) -> Target:
    live = kube.call(
        f"read Service {namespace}/{service}", kube.core.read_namespaced_service, service, namespace
    )
    annotations = dict(live.metadata.annotations or {})
    ingress = (live.status.load_balancer.ingress or []) if live.status and live.status.load_balancer else []
    address = next((i.ip for i in ingress if i.ip), None)
    ports = [p for p in (live.spec.ports or []) if (p.protocol or "TCP") == "TCP"]
    target = Target(
        service=service,
        namespace=namespace,
        elb_id=annotations.get(ann.ID),
        address=address,
        port=ports[0].port if ports else None,
        annotations=annotations,
        selector=dict(live.spec.selector or {}),
        dedicated=ELB_CLASS_NAMES.get(annotations.get(ann.CLASS, "")) == "dedicated",
    )
    if output is not None:
        target.elb_id = _text(output.get("elb_id")) or target.elb_id
        target.address = _text(output.get("load_balancer_ip")) or target.address
        target.source = "stack outputs"
    return target
