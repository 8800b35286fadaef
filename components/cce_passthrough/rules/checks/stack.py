"""Rules across the services of one stack: shared ELBs, pass-through agreement, listener ports."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from ...core import annotations as ann
from ...core.diagnostics import Diagnostic, listing
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
    if service.manifest is not None and service.manifest.elb_id:  # the id CCE wrote once it created the ELB
        return f"elb {service.manifest.elb_id}"
    if elb.autocreate is not None or elb.managed is not None:
        return f"the ELB of service {service.name!r}"
    return None


@dataclass(frozen=True)
class ElbMember:
    """One claimant of an ELB's listeners: a service of the stack, or (for the live doctor) a Service or
    Ingress of the cluster outside the stack, or a listener no Kubernetes object owns."""

    label: str
    """How a message names it: `service 'web'`, `Service team-b/api`, `listener l-1 (no Kubernetes object)`."""
    pass_through: bool | None
    """The Service's pass-through setting; None for what has none (an Ingress's or a bare listener)."""
    ports: tuple[tuple[int, str], ...]
    """(port, protocol) of each listener it holds or asks for."""
    service: ServiceConfig | None = None
    """The stack's service: findings are reported on it. None: an outside member, only named."""

    @classmethod
    def of(cls, service: ServiceConfig) -> ElbMember:
        return cls(
            f"service {service.name!r}",
            ann.pass_through_on(service),
            tuple((p.port, p.protocol) for p in service.ports),
            service,
        )

    @property
    def name(self) -> str:
        return self.service.name if self.service is not None else self.label


def check_shared_elb(
    key: str, members: Sequence[ElbMember], cluster: ClusterFacts | None, paths: Mapping[str, str]
) -> list[Diagnostic]:
    """PT302 and PT303 over every claimant of one ELB; outside members (listed first: their listeners
    exist already) are named in the messages, findings land on the stack's services only."""
    findings: list[Diagnostic] = []
    if cluster is not None and cluster.kube_proxy_mode == "ipvs":
        settings = {m.name: m.pass_through for m in members if m.pass_through is not None}
        if len(set(settings.values())) > 1:
            on = sorted(n for n, v in settings.items() if v)
            off = sorted(n for n, v in settings.items() if not v)
            message = (
                f"IPVS cluster: services on {key} disagree on pass-through (on: {listing(on)}; "
                f"off: {listing(off)})."
            )
            # One finding per member that departs from the first one's setting (an outside member, whose
            # listeners exist already, or the service the ELB belongs to): changing that member is the fix.
            reference = next(m.pass_through for m in members if m.pass_through is not None)
            for member in members:
                if member.service is None or member.pass_through in (None, reference):
                    continue
                finding = rule("PT302").finding(
                    member.service.name, path(paths.get(member.service.name, ""), "passThrough"), message
                )
                findings.append(replace(finding, related=tuple(sorted(settings))))
    claimed: dict[tuple[int, str], ElbMember] = {}
    for member in members:
        for index, (port, protocol) in enumerate(member.ports):
            slot = (port, _port_space(protocol))
            holder = claimed.setdefault(slot, member)
            if holder.name != member.name and member.service is not None:
                findings.append(
                    rule("PT303").finding(
                        member.service.name,
                        path(paths.get(member.service.name, ""), f"ports[{index}].port"),
                        f"{protocol} port {port} on {key} is already a listener of {holder.label}.",
                    )
                )
    return findings


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
        if len(members) >= 2:
            findings += check_shared_elb(key, [ElbMember.of(s) for s in members], cluster, paths)
    return findings
