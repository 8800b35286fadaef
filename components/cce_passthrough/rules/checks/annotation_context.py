"""What every annotation rule reads: the service, the cluster facts, its config path and its listeners."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...core import annotations as ann
from ...core.diagnostics import Diagnostic
from ...core.model import ClusterFacts, ServiceConfig
from ...core.paths import join as _path
from ..catalogue import rule
from .annotation_values import TARGET_SERVICE_PORT, loaded_json, parse_protocol_ports


@dataclass(frozen=True)
class Listener:
    index: int
    port: int
    protocol: str
    """TCP, UDP or SCTP from the port; HTTP, HTTPS or TLS where protocol-port says so."""


def listeners(service: ServiceConfig) -> list[Listener]:
    layer7 = parse_protocol_ports(service.annotations.get(ann.PROTOCOL_PORT))
    result = []
    for index, port in enumerate(service.ports):
        protocol: str = port.protocol
        if protocol == "TCP" and port.port in layer7:
            protocol = layer7[port.port]
        result.append(Listener(index, port.port, protocol))
    return result


@dataclass(frozen=True)
class Context:
    service: ServiceConfig
    cluster: ClusterFacts | None
    prefix: str
    listeners: Sequence[Listener]

    @property
    def name(self) -> str:
        return self.service.name

    @property
    def annotations(self) -> Mapping[str, str]:
        return self.service.annotations

    def where(self, key: str, suffix: str = "") -> str:
        return _path(self.prefix, f'annotations["{key}"]{suffix}')

    def protocols(self) -> set[str]:
        return {listener.protocol for listener in self.listeners}

    def finding(
        self, code: str, key: str, message: str, fix: str | None = None, suffix: str = ""
    ) -> Diagnostic:
        return rule(code).finding(self.name, self.where(key, suffix), message, fix)


def layer4(protocol: str) -> str:
    """The transport under a listener: UDP, or TCP for TCP, HTTP, HTTPS and TLS."""
    return "UDP" if protocol == "UDP" else "TCP"


@dataclass(frozen=True)
class HealthCheck:
    """One health-check object: the whole `health-check-option`, or one entry of `health-check-options`."""

    key: str
    suffix: str
    """`""` for health-check-option, `[i]` for entry i of health-check-options."""
    data: Mapping[str, Any]
    ports: Sequence[Listener]
    """The listeners it probes: every one for health-check-option, the matched one for an entry."""
    target: str | None = None
    """An entry's target_service_port; None for health-check-option."""

    @property
    def matched(self) -> bool:
        return self.target is None or bool(self.ports)


def health_checks(context: Context) -> list[HealthCheck]:
    """The readable health-check objects (the unreadable ones are PT404's)."""
    found: list[HealthCheck] = []
    single = loaded_json(context.annotations.get(ann.HEALTH_CHECK_OPTION))
    if isinstance(single, dict):
        found.append(HealthCheck(ann.HEALTH_CHECK_OPTION, "", single, list(context.listeners)))
    entries = loaded_json(context.annotations.get(ann.HEALTH_CHECK_OPTIONS))
    if isinstance(entries, list):
        by_port = {(layer4(p.protocol), p.port): p for p in context.listeners}
        for index, entry in enumerate(entries):
            target = entry.get("target_service_port") if isinstance(entry, dict) else None
            match = TARGET_SERVICE_PORT.fullmatch(target) if isinstance(target, str) else None
            if not isinstance(entry, dict) or not isinstance(target, str) or match is None:
                continue
            port = by_port.get((match[1], int(match[2])))
            ports = [port] if port is not None else []
            found.append(HealthCheck(ann.HEALTH_CHECK_OPTIONS, f"[{index}]", entry, ports, target))
    return found


ContextRule = Callable[[Context], Iterator[Diagnostic]]


def each_rule(
    rules: Sequence[ContextRule], service: ServiceConfig, cluster: ClusterFacts | None, prefix: str
) -> Iterator[Diagnostic]:
    """Every finding of `rules`, over one context built once for the service."""
    context = Context(service, cluster, prefix, listeners(service))
    for rule_of_service in rules:
        yield from rule_of_service(context)
