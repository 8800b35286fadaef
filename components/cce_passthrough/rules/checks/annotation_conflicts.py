"""Annotations that exclude or need each other, or that do not fit the service's ports and ELB. Each
combination CCE refuses has its own code, so `cce-passthrough explain CODE` tells which one it is: PT402
for those interface.md §3 names, PT431-PT441 for the rest; PT409 for sticky sessions that do not hold
on CCE Standard."""

from __future__ import annotations

from collections.abc import Iterator

from ...core import annotations as ann
from ...core.diagnostics import Diagnostic
from ...core.model import ClusterFacts, ServiceConfig
from .annotation_context import Context, ContextRule, each_rule, health_checks, layer4
from .annotation_table import ACL_MANY_IDS_GATE, MAX_USER_TAGS, SPECS
from .annotation_values import HEALTH_CHECK_PROTOCOLS, integer_problem, parse_protocol_ports
from .version_gates import gate_findings


def autocreate_only(context: Context) -> Iterator[Diagnostic]:
    if context.service.elb.autocreate is not None:
        return
    for key in context.annotations:
        spec = SPECS.get(key)
        if spec is not None and spec.autocreate_only:
            yield context.finding(
                "PT402",
                key,
                f"{key} applies only when CCE creates the ELB (elb.autocreate); CCE ignores it otherwise.",
                f"Remove {key}, or let CCE create the ELB with elb.autocreate.",
            )


def sticky_sessions(context: Context) -> Iterator[Diagnostic]:
    if ann.SESSION_AFFINITY_MODE not in context.annotations:
        return
    if context.annotations.get(ann.LB_ALGORITHM) == "SOURCE_IP":
        yield context.finding(
            "PT402",
            ann.SESSION_AFFINITY_MODE,
            f"sticky sessions cannot be enabled with {ann.LB_ALGORITHM}: SOURCE_IP (it already pins clients).",
            f"Remove {ann.SESSION_AFFINITY_MODE}, or set {ann.LB_ALGORITHM} to ROUND_ROBIN or LEAST_CONNECTIONS.",
        )
        return  # one mistake, one finding: the mode itself has to go or change first
    cluster = context.cluster
    if cluster is not None and cluster.turbo and context.service.elb.annotation_class == "union":
        yield context.finding(
            "PT431",
            ann.SESSION_AFFINITY_MODE,
            "a shared ELB cannot do sticky sessions in a CCE Turbo cluster.",
            f"Use elb.class: dedicated, or remove {ann.SESSION_AFFINITY_MODE}.",
        )
    if cluster is not None and not cluster.turbo and context.service.external_traffic_policy == "Cluster":
        yield context.finding(
            "PT409",
            ann.SESSION_AFFINITY_MODE,
            "on CCE Standard, sticky sessions need externalTrafficPolicy: Local; with Cluster each node "
            "forwards the ELB's connections to any pod and a client does not stay on one.",
        )
    if context.listeners and not context.protocols() & {"TCP", "UDP"}:
        yield context.finding(
            "PT432",
            ann.SESSION_AFFINITY_MODE,
            "source-IP sticky sessions apply to TCP/UDP listeners only; protocol-port makes every listener "
            "HTTP/HTTPS.",
            f"Remove {ann.SESSION_AFFINITY_MODE}, or keep a TCP/UDP listener.",
        )


def health_check_forms(context: Context) -> Iterator[Diagnostic]:
    values = context.annotations
    single, per_port = values.get(ann.HEALTH_CHECK_OPTION), values.get(ann.HEALTH_CHECK_OPTIONS)
    if single is not None and per_port is not None:
        yield context.finding(
            "PT402",
            ann.HEALTH_CHECK_OPTIONS,
            f"{ann.HEALTH_CHECK_OPTION} and {ann.HEALTH_CHECK_OPTIONS} exclude each other.",
            f"Keep one: {ann.HEALTH_CHECK_OPTIONS} (per port) or {ann.HEALTH_CHECK_OPTION} (all ports).",
        )
    if values.get(ann.HEALTH_CHECK_FLAG) in ("on", "") and single is None and per_port is None:
        yield context.finding(
            "PT402",
            ann.HEALTH_CHECK_FLAG,
            f"{ann.HEALTH_CHECK_FLAG}: on needs {ann.HEALTH_CHECK_OPTION} or {ann.HEALTH_CHECK_OPTIONS}.",
            f'Add {ann.HEALTH_CHECK_OPTION}, e.g. {{"protocol":"TCP","delay":"5","timeout":"10","max_retries":"3"}}.',
        )


def health_check_ports(context: Context) -> Iterator[Diagnostic]:
    for check in health_checks(context):
        if not check.matched:
            ports = ", ".join(f"{layer4(p.protocol)}:{p.port}" for p in context.listeners) or "none"
            yield context.finding(
                "PT434",
                check.key,
                f"target_service_port {check.target!r} matches no port of the Service (ports: {ports}).",
                "Name a port of spec.ports as PROTOCOL:port.",
                f"{check.suffix}.target_service_port",
            )
            continue
        protocol = check.data.get("protocol")
        for port in check.ports:
            probe = protocol if isinstance(protocol, str) else layer4(port.protocol)
            allowed = ("UDP",) if layer4(port.protocol) == "UDP" else ("TCP", "HTTP")
            if probe in HEALTH_CHECK_PROTOCOLS and probe not in allowed:
                yield context.finding(
                    "PT433",
                    check.key,
                    f"a {probe} health check cannot probe {port.protocol} port {port.port}; a "
                    f"{layer4(port.protocol)} port takes {' or '.join(allowed)}.",
                    f"Set protocol to {' or '.join(allowed)} for port {port.port}.",
                    f"{check.suffix}.protocol",
                )


def layer7_listeners(context: Context) -> Iterator[Diagnostic]:
    mapping = context.annotations.get(ann.PROTOCOL_PORT)
    by_port = {p.port: p for p in context.service.ports}
    for port, protocol in parse_protocol_ports(mapping).items():
        spec_port = by_port.get(port)
        if spec_port is None:
            yield context.finding(
                "PT435",
                ann.PROTOCOL_PORT,
                f"port {port} is not a port of the Service (ports: {', '.join(str(p) for p in by_port)}).",
                f"Use a port of spec.ports in {ann.PROTOCOL_PORT}.",
            )
        elif spec_port.protocol != "TCP":
            yield context.finding(
                "PT436",
                ann.PROTOCOL_PORT,
                f"port {port} is {spec_port.protocol}; only a TCP port can become an {protocol} listener.",
                f"Remove {port} from {ann.PROTOCOL_PORT}, or make the port TCP.",
            )
    secure = context.protocols() & {"HTTPS", "TLS"}
    if secure and ann.CERT_ID not in context.annotations:
        yield context.finding(
            "PT437",
            ann.PROTOCOL_PORT,
            f"{' and '.join(sorted(secure))} listeners need a server certificate ({ann.CERT_ID}).",
            f"Add {ann.CERT_ID} with the id of an ELB server certificate.",
        )


def udp_keepalive(context: Context) -> Iterator[Diagnostic]:
    value = context.annotations.get(ann.KEEPALIVE_TIMEOUT)
    if value is None or integer_problem(value, 0, 4000) is not None:
        return  # the value's own rule (PT404) reports it
    if context.service.elb.annotation_class != "union":
        return
    udp = [p for p in context.listeners if p.protocol == "UDP"]
    if udp:
        yield context.finding(
            "PT438",
            ann.KEEPALIVE_TIMEOUT,
            f"a shared ELB has no keepalive timeout for UDP listeners (UDP port {udp[0].port}).",
            f"Remove {ann.KEEPALIVE_TIMEOUT}, move the UDP port to another service, or use a dedicated ELB.",
        )


def access_control(context: Context) -> Iterator[Diagnostic]:
    acl = context.annotations.get(ann.ACL_ID)
    if acl is None:
        return
    missing = [key for key in (ann.ACL_STATUS, ann.ACL_TYPE) if key not in context.annotations]
    if missing and acl.strip():  # an empty acl-id means "allow all" and needs neither
        yield context.finding(
            "PT402",
            ann.ACL_ID,
            f"{ann.ACL_ID} needs {' and '.join(missing)} as well.",
            f"Add {ann.ACL_STATUS}: on and {ann.ACL_TYPE}: white (or black).",
        )
    ids = [part for part in acl.split(",") if part.strip()]
    if len(ids) > 1:
        if not context.service.elb.dedicated:
            yield context.finding(
                "PT439",
                ann.ACL_ID,
                f"{len(ids)} IP address groups; only a dedicated ELB takes more than one.",
                f"Keep one IP address group in {ann.ACL_ID}, or use elb.class: dedicated.",
            )
        elif context.cluster is not None:
            yield from gate_findings(
                context.name,
                context.where(ann.ACL_ID),
                f"several IP address groups in {ann.ACL_ID}",
                ACL_MANY_IDS_GATE,
                context.cluster,
            )


def tag_count(context: Context) -> Iterator[Diagnostic]:
    value = context.annotations.get(ann.TAGS)
    if value is None:
        return
    count = len([entry for entry in value.split(",") if entry.strip()])
    if count > MAX_USER_TAGS:
        yield context.finding(
            "PT402",
            ann.TAGS,
            f"{count} tags; an ELB holds 20 and CCE adds one itself, so at most {MAX_USER_TAGS} are yours.",
            f"Keep at most {MAX_USER_TAGS} tags in {ann.TAGS}.",
        )


def custom_eip_without_public_elb(context: Context) -> Iterator[Diagnostic]:
    auto = context.service.elb.autocreate
    if ann.CUSTOM_EIP_ID in context.annotations and (auto is None or auto.type != "public"):
        yield context.finding(
            "PT440",
            ann.CUSTOM_EIP_ID,
            f"{ann.CUSTOM_EIP_ID} replaces the EIP of an ELB CCE autocreated with type: public; this service has "
            "none.",
            f"Remove {ann.CUSTOM_EIP_ID}; bind the EIP to the ELB itself (or use elb.managed.eip).",
        )


def host_network(context: Context) -> Iterator[Diagnostic]:
    # From a manifest whose pods are not shown, hostNetwork is taken from this annotation itself.
    if context.annotations.get(ann.HOST_NETWORK) != "true" or context.service.host_network:
        return
    if context.service.manifest is None:
        message = f"{ann.HOST_NETWORK}: true says the pods use the host network, but hostNetwork is false."
        fix = f"Set hostNetwork: true, or remove {ann.HOST_NETWORK}."
    else:
        message = (
            f"{ann.HOST_NETWORK}: true says the pods use the host network, but the pods this Service selects "
            "do not set hostNetwork: true."
        )
        fix = f"Set hostNetwork: true in the pod template, or remove {ann.HOST_NETWORK}."
    yield context.finding("PT441", ann.HOST_NETWORK, message, fix)


CONFLICTS: tuple[ContextRule, ...] = (
    autocreate_only,
    sticky_sessions,
    health_check_forms,
    health_check_ports,
    layer7_listeners,
    udp_keepalive,
    access_control,
    tag_count,
    custom_eip_without_public_elb,
    host_network,
)


def check_annotation_conflicts(
    service: ServiceConfig, cluster: ClusterFacts | None, prefix: str
) -> Iterator[Diagnostic]:
    yield from each_rule(CONFLICTS, service, cluster, prefix)
