"""Drift of a deployed stack Service: what the component sets that the cluster holds otherwise (PT535),
and the values CCE wrote, shown as facts (PT536)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from ..core import annotations as ann
from ..core.diagnostics import Diagnostic
from ..core.model import ServiceConfig
from ..core.ownership import CCE_WRITTEN_ANNOTATIONS
from ..rules.catalogue import rule
from .members import annotations_of, dig, service_ports


def drift(service: ServiceConfig, live: Mapping[str, Any], prefix: str) -> list[Diagnostic]:
    """PT535 for each annotation or spec field the component sets that the cluster holds otherwise;
    PT536 for each value CCE wrote."""
    findings: list[Diagnostic] = []
    declared = ann.static_annotations(service)
    actual = annotations_of(live)
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
    have_policy = dig(live, "spec", "externalTrafficPolicy") or "Cluster"
    if have_policy != want_policy:
        findings.append(
            rule("PT535").finding(
                service.name,
                f"{prefix}.externalTrafficPolicy",
                f"{ident}: externalTrafficPolicy is {have_policy} in the cluster, the stack sets {want_policy}.",
            )
        )
    want_ports = sorted((p.port, p.protocol) for p in service.ports)
    have_ports = sorted(service_ports(live))
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
