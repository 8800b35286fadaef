"""The ELB a stack service lands on, as ShowLoadBalancer reports it, against what the stack declares: its
class and VPC (PT539) and the zones and flavor ids of an autocreate or managed ELB (PT540). An `existing`
ELB's class and VPC are the lookup rules' (PT209, PT210, through `LiveCloud`), not repeated here. Flavor
names cannot be compared with the ids the ELB reports without another call, so they are not."""

from __future__ import annotations

from collections.abc import Sequence

from ..core.diagnostics import Diagnostic
from ..core.model import ServiceConfig
from ..core.paths import join
from ..rules.catalogue import rule
from .reads import LiveElb


def _shown(values: Sequence[str] | str | None) -> str:
    if values is None or values == () or values == []:
        return "none"
    return ", ".join(values) if not isinstance(values, str) else values


def elb_findings(
    service: ServiceConfig, elb: LiveElb, cluster_vpc: str | None, prefix: str
) -> list[Diagnostic]:
    findings: list[Diagnostic] = []
    config = service.elb
    ident = f"ELB {elb.id}"
    if config.existing is None:
        declared_class = "dedicated" if config.dedicated else "shared"
        if config.annotation_class is not None and declared_class != elb.elb_class:
            findings.append(
                rule("PT539").finding(
                    service.name,
                    join(prefix, "elb.class"),
                    f"{ident} is a {elb.elb_class} ELB (ShowLoadBalancer), the stack declares {declared_class}.",
                )
            )
        managed_vpc = config.managed.vpc_id if config.managed is not None else None
        wanted_vpc, where = (managed_vpc, "elb.managed.vpcId") if managed_vpc else (cluster_vpc, "elb")
        if wanted_vpc and elb.vpc_id and wanted_vpc != elb.vpc_id:
            whose = "the stack gives it" if managed_vpc else "of the cluster"
            findings.append(
                rule("PT539").finding(
                    service.name,
                    join(prefix, where),
                    f"{ident} is in VPC {elb.vpc_id}, not in VPC {wanted_vpc} {whose}.",
                )
            )
    zones, l4, l7, base = _declared_shape(service)
    if zones is not None and sorted(zones) != sorted(elb.zones):
        findings.append(
            rule("PT540").finding(
                service.name,
                join(
                    prefix,
                    f"{base}.{'available_zone' if base.endswith('autocreate') else 'availabilityZones'}",
                ),
                f"{ident} is in zones {_shown(elb.zones)}, the stack declares {_shown(zones)}.",
            )
        )
    for layer, declared, live in (("l4", l4, elb.l4_flavor_id), ("l7", l7, elb.l7_flavor_id)):
        if declared is not None and declared != live:
            key = f"{layer}_flavor_id" if base.endswith("autocreate") else f"{layer}FlavorId"
            findings.append(
                rule("PT540").finding(
                    service.name,
                    join(prefix, f"{base}.{key}"),
                    f"{ident} has {layer.upper()} flavor {_shown(live)}, the stack declares {declared}.",
                )
            )
    return findings


def _declared_shape(
    service: ServiceConfig,
) -> tuple[list[str] | None, str | None, str | None, str]:
    """(zones, L4 flavor id, L7 flavor id, config path) of the ELB the stack has made: autocreate or managed."""
    auto = service.elb.autocreate
    if auto is not None:
        return auto.available_zone, auto.l4_flavor_id, auto.l7_flavor_id, "elb.autocreate"
    managed = service.elb.managed
    if managed is not None:
        return managed.availability_zones, managed.l4_flavor_id, managed.l7_flavor_id, "elb.managed"
    return None, None, None, "elb"
