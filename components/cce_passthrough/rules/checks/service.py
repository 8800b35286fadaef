"""Rules that read one service and the cluster facts."""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from collections.abc import Callable, Iterator

from ...core import annotations as ann
from ...core import workload
from ...core.diagnostics import Diagnostic
from ...core.model import (
    DEDICATED_ONLY_AUTOCREATE_FIELDS,
    ELB_CLASS_VALUES,
    PUBLIC_AUTOCREATE_FIELDS,
    Autocreate,
    ManagedElb,
    PortConfig,
    ServiceConfig,
)
from ...core.names import is_dns_1035_label, is_dns_1123_label, port_name_problem
from ...core.versions import GateResult, VersionGate
from ..access import service_access
from ..catalogue import rule
from ..facts import ClusterFacts
from .annotations import check_annotations, listeners
from .common import gate_findings
from .common import path as _path
from .existing_elb import check_existing
from .workload import check_labels

ELB_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")

# Version gates of autocreate fields (cce-elb-annotations.md §2).
AUTOCREATE_FIELD_GATES: dict[str, VersionGate] = {
    "vip_subnet_cidr_id": VersionGate.of("v1.21"),
    "vip_address": VersionGate.of("v1.23.11-r0", "v1.25.6-r0", "v1.27.3-r0"),
}
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
# Kubernetes turns on mixed TCP/UDP LoadBalancer Services (MixedProtocolLBService) by default from v1.24.
MIXED_PROTOCOL_MINOR = (1, 24)


Check = Callable[[ServiceConfig, ClusterFacts | None, str], Iterator[Diagnostic]]


def check_service(service: ServiceConfig, cluster: ClusterFacts | None, prefix: str = "") -> list[Diagnostic]:
    """Every single-service finding; cluster rules are skipped when the facts are unknown (already reported)."""
    return [finding for check in SERVICE_CHECKS for finding in check(service, cluster, prefix)]


def check_spec(service: ServiceConfig, _cluster: ClusterFacts | None, prefix: str) -> Iterator[Diagnostic]:
    pt401 = rule("PT401")
    name = service.name
    if not is_dns_1035_label(name):
        yield pt401.finding(
            name,
            _path(prefix, "name"),
            f"service name {name!r} is not a DNS-1035 label (lowercase letters, digits, '-', starting with a "
            "letter, at most 63 characters).",
            "Rename the service, e.g. 'web-api'.",
        )
    if not is_dns_1123_label(service.namespace):
        yield pt401.finding(
            name, _path(prefix, "namespace"), f"namespace {service.namespace!r} is not a DNS-1123 label."
        )
    if service.replicas < 0:
        yield pt401.finding(
            name, _path(prefix, "replicas"), f"replicas must be 0 or more (got {service.replicas})."
        )
    if not service.ports:
        yield pt401.finding(
            name,
            _path(prefix, "ports"),
            "a LoadBalancer Service needs at least one port.",
            "Add a port, e.g. {port: 80, targetPort: 80, protocol: TCP}.",
        )
    seen_ports = Counter((p.port, p.protocol) for p in service.ports)
    seen_names = Counter(p.name for p in service.ports if p.name)
    for index, port in enumerate(service.ports):
        where = _path(prefix, f"ports[{index}]")
        if not 1 <= port.port <= 65535:
            yield pt401.finding(name, f"{where}.port", f"port {port.port} is outside 1-65535.")
        if port.node_port is not None and not 30000 <= port.node_port <= 32767:
            yield pt401.finding(
                name,
                f"{where}.nodePort",
                f"nodePort {port.node_port} is outside 30000-32767.",
                "Use a nodePort in 30000-32767, or leave it out and let Kubernetes pick one.",
            )
        target = port.target_port
        if isinstance(target, int) and not 1 <= target <= 65535:
            yield pt401.finding(name, f"{where}.targetPort", f"targetPort {target} is outside 1-65535.")
        if isinstance(target, str) and (problem := port_name_problem(target)):
            yield pt401.finding(
                name,
                f"{where}.targetPort",
                f"targetPort {target!r} is neither a number nor a container port name ({problem}).",
            )
        if seen_ports[(port.port, port.protocol)] > 1:
            yield pt401.finding(
                name,
                f"{where}.port",
                f"{port.protocol} port {port.port} is listed twice.",
                "Remove the duplicate port.",
            )
        if port.name is None and len(service.ports) > 1:
            yield pt401.finding(
                name,
                f"{where}.name",
                "every port needs a name when a Service has several.",
                "Name the port, e.g. 'http'.",
            )
        if port.name is not None:
            yield from _port_name_findings(service, port, f"{where}.name")
            if seen_names[port.name] > 1:
                yield pt401.finding(name, f"{where}.name", f"port name {port.name!r} is used twice.")
    yield from _workload_findings(service, prefix)


def _workload_findings(service: ServiceConfig, prefix: str) -> Iterator[Diagnostic]:
    """Container name and selector: the API server rejects a Deployment whose selector its own pods do not
    match, and a container name that is not a DNS-1123 label."""
    pt401 = rule("PT401")
    name = service.name
    container = workload.container_name(service)
    if not is_dns_1123_label(container):
        yield pt401.finding(
            name, _path(prefix, "containerName"), f"container name {container!r} is not a DNS-1123 label."
        )
    selector, labels = workload.selector(service), workload.pod_labels(service)
    if not selector:
        yield pt401.finding(
            name,
            _path(prefix, "selector"),
            "the selector is empty: the Service would select no pod and the Deployment is invalid.",
            "Set selector to one or more of the pod labels, e.g. {app: " + name + "}.",
        )
    missing = {k: v for k, v in selector.items() if labels.get(k) != v}
    if missing:
        yield pt401.finding(
            name,
            _path(prefix, "selector"),
            f"the selector {missing} is not among the pod labels {labels}: the Deployment would not own "
            "its pods and the Service would send traffic to none.",
            "Make every selector label one of the pod labels (labels).",
        )


def reuses_port_name(port: PortConfig) -> bool:
    """The component declares a container port, named like the Service port, for each numeric target."""
    return not isinstance(port.target_port, str)


def _port_name_findings(service: ServiceConfig, port: PortConfig, where: str) -> Iterator[Diagnostic]:
    name = port.name or ""
    if not is_dns_1123_label(name):
        yield rule("PT401").finding(
            service.name,
            where,
            f"port name {name!r} is not a DNS-1123 label (lowercase letters, digits and '-', starting and "
            "ending with a letter or digit, at most 63 characters).",
            "Rename the port, e.g. 'http' or '80-tcp'.",
        )
    elif reuses_port_name(port) and (problem := port_name_problem(name)):
        yield rule("PT401").finding(
            service.name,
            where,
            f"port name {name!r} is also the name of the container port the component declares, which "
            f"Kubernetes requires to be an IANA service name: {problem}; the API server would reject the "
            "Deployment at `pulumi up`.",
            "Rename the port to at most 15 lowercase letters, digits and single '-', with a letter, e.g. "
            "'http' or 'metrics-8080'.",
        )


def check_protocols(
    service: ServiceConfig, cluster: ClusterFacts | None, prefix: str
) -> Iterator[Diagnostic]:
    for index, port in enumerate(service.ports):
        if port.protocol == "SCTP":
            yield rule("PT410").finding(
                service.name,
                _path(prefix, f"ports[{index}].protocol"),
                f"port {port.port} is SCTP; ELB listeners are TCP or UDP.",
            )
    protocols = {p.protocol for p in service.ports}
    mixed = {"TCP", "UDP"} <= protocols
    if mixed and cluster is not None and not cluster.version.at_least_minor(*MIXED_PROTOCOL_MINOR):
        yield rule("PT411").finding(
            service.name,
            _path(prefix, "ports"),
            f"TCP and UDP ports in one LoadBalancer Service need Kubernetes v1.24 or later (cluster is "
            f"{cluster.version}); older API servers reject the Service.",
        )


def check_elb_source(
    service: ServiceConfig, _cluster: ClusterFacts | None, prefix: str
) -> Iterator[Diagnostic]:
    elb = service.elb
    if elb.elb_class is None:
        yield rule("PT202").finding(service.name, _path(prefix, "elb.class"), "elb.class is missing.")
    elif elb.elb_class not in ELB_CLASS_VALUES:
        yield rule("PT202").finding(
            service.name,
            _path(prefix, "elb.class"),
            f"elb.class {elb.elb_class!r} is not one of shared, dedicated (or CCE's union, performance).",
        )
    sources = elb.sources
    if len(sources) != 1:
        found = ", ".join(sources) if sources else "none"
        yield rule("PT201").finding(
            service.name,
            _path(prefix, "elb"),
            f"exactly one of autocreate, existing, managed, shareWith is needed (found: {found}).",
        )
    for key in service.annotations:
        where = _path(prefix, f'annotations["{key}"]')
        if key == ann.PASS_THROUGH:
            value = service.annotations[key]
            expected = ann.pass_through_value(service)
            yield rule("PT304").finding(
                service.name,
                where,
                f"{key}: {value!r} is set by hand; the component sends {expected!r} (what CCE keeps), and "
                "a value CCE rewrites would drift forever.",
            )
        elif key in ann.OWNED:
            yield rule("PT403").finding(
                service.name, where, f"{key} is built by the component from elb settings."
            )


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
        missing = [f for f in PUBLIC_AUTOCREATE_FIELDS if getattr(auto, f) is None]
        if missing:
            yield rule("PT204").finding(
                service.name,
                where,
                f"type: public needs {', '.join(missing)}.",
                f"Add {', '.join(missing)} (e.g. bandwidth_chargemode: bandwidth, bandwidth_size: 5, "
                "bandwidth_sharetype: PER, eip_type: 5_bgp), or use type: inner.",
            )
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
        if not any(_given(zone) for zone in auto.available_zone or []):
            blank = " (an empty name counts as none)" if auto.available_zone else ""
            yield rule("PT207").finding(
                service.name,
                f"{where}.available_zone",
                f"a dedicated autocreated ELB needs available_zone{blank}.",
                "Add available_zone: [<az>], e.g. [cn-north-4a].",
            )
        has_l4 = _given(auto.l4_flavor_name) or _given(auto.l4_flavor_id)
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
        yield rule("PT107").finding(
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


def _is_ipv4(text: str) -> bool:
    try:
        return isinstance(ipaddress.ip_address(text), ipaddress.IPv4Address)
    except ValueError:
        return False


def check_managed(service: ServiceConfig, cluster: ClusterFacts | None, prefix: str) -> Iterator[Diagnostic]:
    managed: ManagedElb | None = service.elb.managed
    if managed is None:
        return
    where = _path(prefix, "elb.managed")
    pt211 = rule("PT211")
    yield from _name_findings(service, f"{where}.name", managed.name, "ELB name")
    if service.elb.dedicated:
        if not managed.availability_zones:
            yield pt211.finding(
                service.name,
                f"{where}.availabilityZones",
                "a dedicated ELB needs availabilityZones.",
                "Add availabilityZones: [<az>], e.g. [cn-north-4a].",
            )
        if not managed.vpc_id and not (cluster and cluster.vpc_id):
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
            _given(managed.l4_flavor_id),
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
    if cluster and cluster.vpc_id and managed.vpc_id and managed.vpc_id != cluster.vpc_id:
        yield rule("PT210").finding(
            service.name,
            f"{where}.vpcId",
            f"ELB VPC {managed.vpc_id!r} is not the cluster's VPC {cluster.vpc_id!r}.",
        )
    if managed.eip is not None:
        bw = managed.eip.bandwidth
        bw_where = f"{where}.eip.bandwidth"
        yield from _name_findings(service, f"{bw_where}.name", bw.name, "bandwidth name")
        if bw.share_type == "PER":
            for required, present in (("name", bw.name), ("size", bw.size)):
                if present is None:
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
            if bw.id is None and (bw.name is None or bw.size is None):
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


def check_local_pass_through(
    service: ServiceConfig, _cluster: ClusterFacts | None, prefix: str
) -> Iterator[Diagnostic]:
    if service.external_traffic_policy == "Local" and not service.pass_through:
        yield rule("PT110").finding(
            service.name,
            _path(prefix, "passThrough"),
            "passThrough is false, but with externalTrafficPolicy: Local CCE sets kubernetes.io/elb.pass-through "
            "to onlyLocal: in-cluster calls to the ELB address go through the ELB. The component sends onlyLocal "
            "itself, so the Service does not drift.",
        )


def check_cluster_support(
    service: ServiceConfig, cluster: ClusterFacts | None, prefix: str
) -> Iterator[Diagnostic]:
    if cluster is None:
        return
    version = cluster.version
    elb_class_path = _path(prefix, "elb.class")
    # The version rules judge what the user asked for: with Local and passThrough: false, CCE itself
    # turns pass-through on (PT110), and an old cluster simply ignores it.
    if service.pass_through:
        where = _path(prefix, "passThrough")
        if not version.at_least_minor(1, 16):
            yield rule("PT101").finding(
                service.name, where, f"pass-through is not supported on cluster {version} (v1.15 or older)."
            )
        elif not version.at_least_minor(1, 19):
            yield rule("PT102").finding(
                service.name, where, f"pass-through on cluster {version}: current CCE docs require v1.19+."
            )
    if service.elb.dedicated and not version.at_least_minor(1, 17):
        yield rule("PT103").finding(
            service.name,
            elb_class_path,
            f"a dedicated ELB needs cluster v1.17 or later (cluster is {version}).",
        )
    if cluster.turbo and service.external_traffic_policy == "Local" and not service.host_network:
        yield rule("PT105").finding(
            service.name,
            _path(prefix, "externalTrafficPolicy"),
            "CCE Turbo supports externalTrafficPolicy: Local only with hostNetwork pods.",
        )
    yield from _unreachable_from_pods(service, cluster, elb_class_path)


def _unreachable_from_pods(service: ServiceConfig, cluster: ClusterFacts, field: str) -> Iterator[Diagnostic]:
    """PT106 from the access matrix: pods are the clients that commonly call a Service, so a pod location
    the documentation says fails is worth a warning (the whole matrix is in `access`)."""
    failing = [cell for cell in service_access(service, cluster, {}).failing() if cell.client.is_pod]
    if not failing:
        return
    where = " and ".join(sorted({cell.client.value for cell in failing}))
    addresses = " and ".join(sorted({cell.address.value for cell in failing}))
    yield rule("PT106").finding(
        service.name,
        field,
        f"the ELB {addresses} address cannot be reached from a {where} (CCE Standard cluster, dedicated ELB, "
        "pass-through on): those requests fail.",
    )


SERVICE_CHECKS: tuple[Check, ...] = (
    check_spec,
    check_protocols,
    check_local_pass_through,
    check_elb_source,
    check_autocreate,
    check_existing,
    check_managed,
    check_cluster_support,
    check_annotations,
    check_labels,
)
