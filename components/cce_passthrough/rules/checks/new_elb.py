"""An ELB created for the service, by CCE (elb.autocreate: PT203-PT208) or by Pulumi (elb.managed: PT211),
with its names (PT205), bandwidth (PT206) and flavors (PT207, PT212)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from ...core import annotations as ann
from ...core.diagnostics import Diagnostic
from ...core.model import (
    DEDICATED_ONLY_AUTOCREATE_FIELDS,
    PUBLIC_AUTOCREATE_FIELDS,
    Autocreate,
    ClusterFacts,
    ManagedElb,
    ServiceConfig,
)
from ...core.paths import join as _path
from ...core.versions import GateResult, VersionGate
from ..catalogue import rule
from .annotation_context import listeners
from .version_gates import gate_findings, unproven_gate

ELB_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
# Documented with a default by one CCE page and as mandatory by another: a warning (PT216) when missing.
DEFAULTED_FIELDS = ("bandwidth_name", "bandwidth_chargemode")


# Version gates of autocreate fields (cce-elb-annotations.md §2).
AUTOCREATE_FIELD_GATES: dict[str, VersionGate] = {
    "vip_subnet_cidr_id": VersionGate.of("v1.21"),
    "vip_address": VersionGate.of("v1.23.11-r0", "v1.25.6-r0", "v1.27.3-r0"),
}


def _name_findings(service: ServiceConfig, where: str, value: str | None, what: str) -> Iterator[Diagnostic]:
    if value is not None and not ELB_NAME.match(value):
        yield rule("PT205").finding(service.name, where, f"{what} {value!r} is not 1-64 of [A-Za-z0-9_.-].")


def bandwidth_size_problem(size: int) -> str | None:
    if not 1 <= size <= 2000:
        return f"bandwidth size {size} Mbit/s is outside 1-2000."
    if 300 < size <= 1000 and size % 50:
        return f"bandwidth size {size} Mbit/s is off the 50 Mbit/s step used between 300 and 1000."
    if size > 1000 and size % 500:
        return f"bandwidth size {size} Mbit/s is off the 500 Mbit/s step used above 1000."
    return None


def _nearest_sizes(size: int) -> str:
    grid = [*range(1, 301), *range(350, 1001, 50), 1500, 2000]
    below = max((s for s in grid if s <= size), default=grid[0])
    above = min((s for s in grid if s >= size), default=grid[-1])
    return f"Use {below} or {above} Mbit/s." if below != above else f"Use {below} Mbit/s."


def _is_ipv4(text: str) -> bool:
    try:
        return isinstance(ipaddress.ip_address(text), ipaddress.IPv4Address)
    except ValueError:
        return False


# From these releases on, a dedicated ELB serves HTTP/HTTPS-only Services with a layer-7 flavor alone;
# before, it needed a layer-4 flavor as well [OTC-HTTP].
L7_ONLY_GATE = VersionGate.of("v1.19.16-r50", "v1.21.11-r10", "v1.23.9-r10", "v1.25.4-r10", "v1.27.1-r10")


# Elastic ELB flavors (billed by use rather than by size) [OTC-CREATE].
ELASTIC_FLAVOR_GATE = VersionGate.of("v1.21.10-r10", "v1.23.8-r10", "v1.25.3-r10")


# Fixed flavors are sized `L4_flavor.elb.s1.small` ...; the elastic ones are `L4_flavor.elb.pro.max` and
# `L7_flavor.elb.pro.max` (Huawei Cloud ELB API, ListFlavors). Other names are not classified.
_FIXED_FLAVOR = re.compile(r"^L[47]_flavor\.elb\.s[0-9]+\.")


_EXAMPLE_L7_FLAVOR = {"elastic": "L7_flavor.elb.pro.max", "fixed": "L7_flavor.elb.s1.small"}


_ELASTIC_FLAVOR = re.compile(r"^L[47]_flavor\.elb\.pro\.|elastic", re.IGNORECASE)


def check_autocreate(
    service: ServiceConfig, cluster: ClusterFacts | None, prefix: str
) -> Iterator[Diagnostic]:
    auto: Autocreate | None = service.elb.autocreate
    if auto is None:
        return
    where = _path(prefix, "elb.autocreate")
    public_fields = [f for f in PUBLIC_AUTOCREATE_FIELDS if getattr(auto, f) is not None]
    if auto.type != "public" and public_fields:
        yield rule("PT213").finding(
            service.name,
            f"{where}.type",
            f"{', '.join(public_fields)} set, but type is {auto.type or 'not set (inner)'}: CCE creates a private "
            "ELB without an EIP and ignores them.",
        )
    if auto.type == "public":
        yield from _public_field_findings(service, where, auto)
    if auto.vip_address is not None and not _is_ipv4(auto.vip_address):
        yield rule("PT203").finding(
            service.name,
            f"{where}.vip_address",
            f"vip_address {auto.vip_address!r} is not an IPv4 address (IPv6 is not allowed here).",
            "Give a free private IPv4 address of the ELB subnet, or leave vip_address out.",
        )
    yield from _name_findings(service, f"{where}.name", auto.name, "ELB name")
    yield from _name_findings(service, f"{where}.bandwidth_name", auto.bandwidth_name, "bandwidth name")
    if auto.bandwidth_size is not None:
        problem = bandwidth_size_problem(auto.bandwidth_size)
        if problem:
            yield rule("PT206").finding(
                service.name, f"{where}.bandwidth_size", problem, _nearest_sizes(auto.bandwidth_size)
            )
    if service.elb.dedicated:
        if not any(_given(zone) for zone in auto.available_zone or []) and not service.rejected(
            "elb.autocreate.available_zone"
        ):
            blank = " (an empty name counts as none)" if auto.available_zone else ""
            yield rule("PT207").finding(
                service.name,
                f"{where}.available_zone",
                f"a dedicated autocreated ELB needs available_zone{blank}.",
                "Add available_zone: [<az>], e.g. [cn-north-4a].",
            )
        has_l4 = (
            _given(auto.l4_flavor_name)
            or _given(auto.l4_flavor_id)
            or service.rejected("elb.autocreate.l4_flavor_name")
            or service.rejected("elb.autocreate.l4_flavor_id")
        )
        yield from _layer4_flavor_findings(
            service,
            cluster,
            f"{where}.l4_flavor_name",
            has_l4,
            "Add l4_flavor_name (e.g. L4_flavor.elb.s1.small) or l4_flavor_id.",
        )
        yield from _flavor_kind_findings(service, cluster, where, auto)
    elif service.elb.annotation_class == "union":
        for field in DEDICATED_ONLY_AUTOCREATE_FIELDS:
            if getattr(auto, field) is not None:
                yield rule("PT208").finding(
                    service.name, f"{where}.{field}", f"{field} exists only for dedicated ELBs."
                )
    if cluster is not None:
        for field, gate in AUTOCREATE_FIELD_GATES.items():
            if getattr(auto, field) is None:
                continue
            yield from gate_findings(service.name, f"{where}.{field}", f"autocreate.{field}", gate, cluster)


def _public_field_findings(service: ServiceConfig, where: str, auto: Autocreate) -> Iterator[Diagnostic]:
    # A field the parser already rejected (and reported) is not missing a second time.
    absent = [
        f
        for f in PUBLIC_AUTOCREATE_FIELDS
        if getattr(auto, f) is None and not service.rejected(f"elb.autocreate.{f}")
    ]
    missing = [f for f in absent if f not in DEFAULTED_FIELDS]
    defaulted = [f for f in absent if f in DEFAULTED_FIELDS]
    if missing:
        # One finding for an incomplete public autocreate: the fix lists every field to add.
        to_add = [f for f in PUBLIC_AUTOCREATE_FIELDS if f in missing or f in defaulted]
        yield rule("PT204").finding(
            service.name,
            where,
            f"type: public needs {', '.join(missing)}.",
            f"Add {', '.join(to_add)} (e.g. bandwidth_size: 5, bandwidth_sharetype: PER, eip_type: 5_bgp), or "
            "use type: inner.",
        )
    elif defaulted:
        yield rule("PT216").finding(
            service.name,
            where,
            f"type: public without {' and '.join(defaulted)}: Huawei Cloud fills in a default, but CCE's "
            "annotation tables list them as mandatory.",
        )


def _given(text: str | None) -> bool:
    """CCE's own examples write `""` for a value to fill in: blank counts as missing."""
    return text is not None and text.strip() != ""


def _layer4_flavor_findings(
    service: ServiceConfig, cluster: ClusterFacts | None, where: str, has_l4: bool, fix: str
) -> Iterator[Diagnostic]:
    """PT207 for a dedicated ELB without the layer-4 flavor its listeners need."""
    if has_l4:
        return
    served = listeners(service)
    layer4 = [listener for listener in served if listener.protocol in ("TCP", "UDP")]
    if layer4:
        yield rule("PT207").finding(
            service.name,
            where,
            f"port {layer4[0].port}/{layer4[0].protocol} needs a layer-4 flavor on a dedicated ELB.",
            fix,
        )
        return
    http = [listener for listener in served if listener.protocol in ("HTTP", "HTTPS")]
    if not http or cluster is None:
        return
    result = L7_ONLY_GATE.evaluate(cluster.version)
    first = f"{http[0].protocol} port {http[0].port}"
    if result is GateResult.NOT_MET:
        yield rule("PT207").finding(
            service.name,
            where,
            f"before {L7_ONLY_GATE.describe().removesuffix(' or later')}, a dedicated ELB serves {first} "
            f"only with a layer-4 flavor as well (cluster is {cluster.version}).",
            fix,
        )
    elif result is GateResult.UNPROVEN:
        yield unproven_gate(
            service.name,
            where,
            f"a layer-7 flavor alone serves {first} from {L7_ONLY_GATE.describe()}; the declared "
            f"{cluster.version} cannot prove it.",
            "Declare the full cluster version (vX.Y.Z-rN), or add a layer-4 flavor as well.",
        )


def _flavor_kind(name: str | None) -> str | None:
    if not _given(name):
        return None
    assert name is not None
    if _ELASTIC_FLAVOR.search(name):
        return "elastic"
    if _FIXED_FLAVOR.match(name):
        return "fixed"
    return None


def _flavor_kind_findings(
    service: ServiceConfig, cluster: ClusterFacts | None, where: str, auto: Autocreate
) -> Iterator[Diagnostic]:
    l4, l7 = _flavor_kind(auto.l4_flavor_name), _flavor_kind(auto.l7_flavor_name)
    if l4 and l7 and l4 != l7:
        yield rule("PT214").finding(
            service.name,
            f"{where}.l7_flavor_name",
            f"l4_flavor_name {auto.l4_flavor_name!r} is {l4} but l7_flavor_name {auto.l7_flavor_name!r} is "
            f"{l7}; both must be elastic or both fixed.",
            f"Use a {l4} layer-7 flavor, e.g. {_EXAMPLE_L7_FLAVOR[l4]}.",
        )
    if cluster is None:
        return
    for field, kind in (("l4_flavor_name", l4), ("l7_flavor_name", l7)):
        if kind == "elastic":
            yield from gate_findings(
                service.name,
                f"{where}.{field}",
                f"the elastic flavor {getattr(auto, field)!r}",
                ELASTIC_FLAVOR_GATE,
                cluster,
            )


def check_managed(service: ServiceConfig, cluster: ClusterFacts | None, prefix: str) -> Iterator[Diagnostic]:
    managed: ManagedElb | None = service.elb.managed
    if managed is None:
        return
    where = _path(prefix, "elb.managed")
    pt211 = rule("PT211")
    yield from _name_findings(service, f"{where}.name", managed.name, "ELB name")
    if service.elb.dedicated:
        if not managed.availability_zones and not service.rejected("elb.managed.availability_zones"):
            yield pt211.finding(
                service.name,
                f"{where}.availabilityZones",
                "a dedicated ELB needs availabilityZones.",
                "Add availabilityZones: [<az>], e.g. [cn-north-4a].",
            )
        if (
            not managed.vpc_id
            and not (cluster and cluster.vpc_id)
            and not service.rejected("elb.managed.vpc_id")
        ):
            yield pt211.finding(
                service.name,
                f"{where}.vpcId",
                "a dedicated ELB needs the VPC id.",
                "Add elb.managed.vpcId, or cluster.vpcId.",
            )
        yield from _layer4_flavor_findings(
            service,
            cluster,
            f"{where}.l4FlavorId",
            _given(managed.l4_flavor_id) or service.rejected("elb.managed.l4_flavor_id"),
            "Add elb.managed.l4FlavorId (see `huaweicloud.dedicatedelb.get_flavors`).",
        )
    else:
        for key, value in (
            ("availabilityZones", managed.availability_zones),
            ("l4FlavorId", managed.l4_flavor_id),
            ("l7FlavorId", managed.l7_flavor_id),
        ):
            if value:
                yield pt211.finding(
                    service.name,
                    f"{where}.{key}",
                    f"{key} applies to dedicated ELBs only.",
                    f"Remove {key}, or use elb.class: dedicated.",
                )
    if managed.eip is not None:
        bw = managed.eip.bandwidth
        bw_where = f"{where}.eip.bandwidth"
        yield from _name_findings(service, f"{bw_where}.name", bw.name, "bandwidth name")
        if bw.share_type == "PER":
            for required, present in (("name", bw.name), ("size", bw.size)):
                if present is None and not service.rejected(f"elb.managed.eip.bandwidth.{required}"):
                    yield pt211.finding(
                        service.name, f"{bw_where}.{required}", f"a PER bandwidth needs {required}."
                    )
            if bw.id is not None:
                yield pt211.finding(
                    service.name,
                    f"{bw_where}.id",
                    "id names a shared bandwidth; PER takes none.",
                    "Use shareType: WHOLE with id, or drop id.",
                )
            if bw.size is not None and not 1 <= bw.size <= 300:
                yield rule("PT206").finding(
                    service.name,
                    f"{bw_where}.size",
                    f"an EIP's own (PER) bandwidth is 1-300 Mbit/s (got {bw.size}).",
                    "Use 1-300 Mbit/s, or a shared bandwidth (shareType: WHOLE).",
                )
        else:
            rejected = any(service.rejected(f"elb.managed.eip.bandwidth.{k}") for k in ("id", "name", "size"))
            if bw.id is None and (bw.name is None or bw.size is None) and not rejected:
                yield pt211.finding(
                    service.name,
                    bw_where,
                    "a WHOLE bandwidth needs either the id of a shared bandwidth, or name and size "
                    "to create one.",
                )
            if bw.id is None and bw.size is not None and not 5 <= bw.size <= 2000:
                yield rule("PT206").finding(
                    service.name, f"{bw_where}.size", f"a shared bandwidth is 5-2000 Mbit/s (got {bw.size})."
                )
            elif bw.id is None and bw.size is not None and (problem := bandwidth_size_problem(bw.size)):
                yield rule("PT206").finding(
                    service.name, f"{bw_where}.size", problem, _nearest_sizes(bw.size)
                )


def check_l7_flavor(
    service: ServiceConfig, _cluster: ClusterFacts | None, prefix: str
) -> Iterator[Diagnostic]:
    """PT212: protocol-port turns TCP ports into HTTP/HTTPS listeners, which need an L7 flavor."""
    # TLS listeners are layer-4 ones on an ELB: only HTTP/HTTPS need the application (layer-7) flavor.
    elb = service.elb
    protocols = {listener.protocol for listener in listeners(service)}
    if not elb.dedicated or not protocols & {"HTTP", "HTTPS"}:
        return
    auto = elb.autocreate
    if auto is not None and not (_given(auto.l7_flavor_name) or _given(auto.l7_flavor_id)):
        yield rule("PT212").finding(
            service.name,
            _path(prefix, "elb.autocreate.l7_flavor_name"),
            f"{ann.PROTOCOL_PORT} makes HTTP/HTTPS listeners, which a dedicated ELB serves only with an L7 flavor.",
            "Add l7_flavor_name (e.g. L7_flavor.elb.s1.small) or l7_flavor_id to elb.autocreate.",
        )
    if elb.managed is not None and not _given(elb.managed.l7_flavor_id):
        yield rule("PT212").finding(
            service.name,
            _path(prefix, "elb.managed.l7FlavorId"),
            f"{ann.PROTOCOL_PORT} makes HTTP/HTTPS listeners, which a dedicated ELB serves only with an L7 flavor.",
            "Add elb.managed.l7FlavorId (see `huaweicloud.dedicatedelb.get_flavors`).",
        )


def autocreate_problem(resource: str | None, where: str, message: str, fix: str | None = None) -> Diagnostic:
    """PT203 for autocreate settings that cannot be read: an unknown field, a wrong type, not JSON."""
    return rule("PT203").finding(resource, where, message, fix)
