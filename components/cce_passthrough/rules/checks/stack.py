"""Rules across the services of one stack: shared ELBs, pass-through agreement, listener ports."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from ...core import annotations as ann
from ...core.diagnostics import Diagnostic
from ...core.model import ClusterFacts, ServiceConfig
from ...core.paths import join as path
from ..catalogue import rule
from .spec import duplicate_name


# TCP, HTTP, HTTPS and TLS listeners share one port space on an ELB; only UDP may reuse a port.
def _port_space(protocol: str) -> str:
    return "UDP" if protocol == "UDP" else "TCP/HTTP/HTTPS/TLS"


def elb_key(service: ServiceConfig, by_name: Mapping[str, ServiceConfig]) -> str | None:
    """Which ELB a service lands on, as far as config tells; None when it cannot be known."""
    elb = service.elb
    target = elb.share_with_service
    if target is not None:
        owner = by_name.get(target)
        if owner is None or owner.elb.share_with_service is not None:
            return None
        return elb_key(owner, by_name)
    if elb.existing is not None:
        return f"elb {elb.existing.id}" if isinstance(elb.existing.id, str) else None
    if elb.autocreate is not None or elb.managed is not None:
        return f"the ELB of service {service.name!r}"
    return None


def check_cross_service(
    services: Sequence[ServiceConfig], cluster: ClusterFacts | None, paths: Mapping[str, str]
) -> list[Diagnostic]:
    findings: list[Diagnostic] = []
    by_name: dict[str, ServiceConfig] = {}
    for service in services:
        if service.name in by_name:
            findings.append(
                duplicate_name(
                    service.name,
                    path(paths.get(service.name, ""), "name"),
                    f"two services are named {service.name!r}.",
                )
            )
        by_name.setdefault(service.name, service)

    for service in services:
        target = service.elb.share_with_service
        if target is None:
            continue
        where = path(paths.get(service.name, ""), "elb.shareWith")
        owner = by_name.get(target)
        if owner is None:
            # The args form {service, elb_id} brings the ELB id itself: its service may be elsewhere.
            if isinstance(service.elb.share_with, str):
                findings.append(
                    rule("PT305").finding(service.name, where, f"no service named {target!r} in this stack.")
                )
        elif owner is service:
            findings.append(rule("PT305").finding(service.name, where, "a service cannot share its own ELB."))
        elif owner.elb.share_with_service is not None:
            findings.append(
                rule("PT305").finding(
                    service.name,
                    where,
                    f"{target!r} shares the ELB of {owner.elb.share_with_service!r} itself; chains are not followed.",
                    f"Set shareWith: {owner.elb.share_with_service}.",
                )
            )
        elif owner.elb.annotation_class != service.elb.annotation_class:
            findings.append(
                rule("PT305").finding(
                    service.name,
                    where,
                    f"elb.class {service.elb.elb_class!r} differs from {target!r}'s {owner.elb.elb_class!r}.",
                    f"Use elb.class: {owner.elb.elb_class} like {target!r}.",
                )
            )

    groups: dict[str, list[ServiceConfig]] = defaultdict(list)
    for service in services:
        key = elb_key(service, by_name)
        if key is not None:
            groups[key].append(service)

    for key, members in groups.items():
        if len(members) < 2:
            continue
        if cluster is not None and cluster.kube_proxy_mode == "ipvs":
            settings = {s.name: ann.pass_through_on(s) for s in members}
            if len(set(settings.values())) > 1:
                on = sorted(n for n, v in settings.items() if v)
                off = sorted(n for n, v in settings.items() if not v)
                for service in members:
                    findings.append(
                        rule("PT302").finding(
                            service.name,
                            path(paths.get(service.name, ""), "passThrough"),
                            f"IPVS cluster: services on {key} disagree on pass-through (on: {', '.join(on)}; "
                            f"off: {', '.join(off)}).",
                        )
                    )
        claimed: dict[tuple[int, str], str] = {}
        for service in members:
            for index, port in enumerate(service.ports):
                slot = (port.port, _port_space(port.protocol))
                holder = claimed.setdefault(slot, service.name)
                if holder != service.name:
                    findings.append(
                        rule("PT303").finding(
                            service.name,
                            path(paths.get(service.name, ""), f"ports[{index}].port"),
                            f"{port.protocol} port {port.port} on {key} is already a listener of service {holder!r}.",
                        )
                    )
    return findings
