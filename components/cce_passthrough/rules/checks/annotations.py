"""The user's `annotations:` map. Every documented `kubernetes.io/elb.*` key is a row of
`ANNOTATION_SPECS` (value form, version gate, ELB class, autocreate-only, source) that one checker
reads; the rules that tie annotations to each other, to the ports and to the ELB follow as functions.

Codes: PT404 value form, PT405 unknown key, PT108/PT107 version gates, PT402 combinations, PT406 no
effect, PT407 keys CCE writes, PT408 custom-eip-id at creation, PT212 L7 flavor for HTTP/HTTPS.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ...core import annotations as ann
from ...core.diagnostics import Diagnostic
from ...core.model import ServiceConfig
from ...core.versions import GateResult, VersionGate
from .. import sources as src
from ..catalogue import rule
from ..facts import ClusterFacts
from ..sources import Source
from .common import gate_findings, path

# (suffix appended to the annotation's field path, e.g. `[0].delay`; what is wrong)
Problem = tuple[str, str]
Validator = Callable[[str], list[Problem]]

ELB = ann.PREFIX
LB_ALGORITHM = f"{ELB}lb-algorithm"
SESSION_AFFINITY_MODE = f"{ELB}session-affinity-mode"
SESSION_AFFINITY_OPTION = f"{ELB}session-affinity-option"
HEALTH_CHECK_FLAG = f"{ELB}health-check-flag"
HEALTH_CHECK_OPTION = f"{ELB}health-check-option"
HEALTH_CHECK_OPTIONS = f"{ELB}health-check-options"
PROTOCOL_PORT = f"{ELB}protocol-port"
CERT_ID = f"{ELB}cert-id"
CLIENT_CA_CERT_ID = f"{ELB}client-ca-cert-id"
TLS_CERTIFICATE_IDS = f"{ELB}tls-certificate-ids"
HTTP2_ENABLE = f"{ELB}http2-enable"
KEEPALIVE_TIMEOUT = f"{ELB}keepalive_timeout"
CLIENT_TIMEOUT = f"{ELB}client_timeout"
MEMBER_TIMEOUT = f"{ELB}member_timeout"
ADAPTIVE_WEIGHT = f"{ELB}adaptive-weight"
ACL_ID = f"{ELB}acl-id"
ACL_STATUS = f"{ELB}acl-status"
ACL_TYPE = f"{ELB}acl-type"
TRANSPARENT_CLIENT_IP = f"{ELB}transparent-client-ip"
TAGS = f"{ELB}tags"
ENTERPRISE_ID = f"{ELB}enterpriseID"
CUSTOM_EIP_ID = f"{ELB}custom-eip-id"
SUBNET_ID = f"{ELB}subnet-id"
EIP_ID = f"{ELB}eip-id"
CUSTOM_EIP_STATUS = f"{ELB}custom-eip-status"
INSTANCE_RECLAIM_POLICY = f"{ELB}instance-reclaim-policy"
HWS_HOST_NETWORK = ann.HOST_NETWORK

# Written by CCE onto Services with an autocreated public ELB [OTC-EIP].
CCE_WRITTEN = (EIP_ID, CUSTOM_EIP_STATUS)
# Seen only in an unattributed third-party note [3P-NOTE]: not known to work on Services.
UNVERIFIED = (INSTANCE_RECLAIM_POLICY,)

MAX_USER_TAGS = 19  # an ELB holds 20 tags and CCE adds one itself [OTC-ING-KUBECTL]
MAX_DEDICATED_ACL_IDS = 5
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


# --- value forms -----------------------------------------------------------------------------------


def one_of(*allowed: str) -> Validator:
    def check(value: str) -> list[Problem]:
        if value in allowed:
            return []
        shown = " | ".join(repr(a) for a in allowed)
        return [("", f"{value!r} is not one of {shown}.")]

    return check


BOOLEAN = one_of("true", "false")


def integer(low: int, high: int, unit: str = "") -> Validator:
    def check(value: str) -> list[Problem]:
        problem = _integer_problem(value, low, high, unit)
        return [("", problem)] if problem else []

    return check


def _integer_problem(
    value: object, low: int, high: int, unit: str = "", strings_only: bool = True
) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return f"{value!r} is not a whole number in {low}-{high}{unit}."
    if isinstance(value, int):
        if strings_only:
            return f'{value!r} must be a string ("{value}"), as every value of this JSON is.'
        number = value
    elif re.fullmatch(r"[0-9]+", value.strip()):  # ASCII only: CCE reads no other digits
        number = int(value)
    else:
        return f"{value!r} is not a whole number in {low}-{high}{unit}."
    if not low <= number <= high:
        return f"{number} is outside {low}-{high}{unit}."
    return None


def text(low: int, high: int) -> Validator:
    def check(value: str) -> list[Problem]:
        if low <= len(value) <= high:
            return []
        return [("", f"{len(value)} characters; {low}-{high} are allowed.")]

    return check


def id_list(most: int | None, allow_empty: bool = False) -> Validator:
    """Comma-separated ids, no blanks; `allow_empty`: the empty string itself means something."""

    def check(value: str) -> list[Problem]:
        if value == "":
            return [] if allow_empty else [("", "the value is empty.")]
        ids = [part.strip() for part in value.split(",")]
        problems: list[Problem] = []
        if any(not part for part in ids):
            problems.append(("", f"{value!r} has an empty entry between commas."))
        if most is not None and len(ids) > most:
            problems.append(("", f"{len(ids)} ids; at most {most} are allowed."))
        return problems

    return check


def uuid_or_zero(value: str) -> list[Problem]:
    if value == "0" or UUID.match(value):
        return []
    return [("", f"{value!r} is neither an enterprise project id (a UUID) nor '0'.")]


def tags(value: str) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for entry in value.split(","):
        key, sep, _ = entry.partition("=")
        if not sep or not key.strip():
            problems.append(("", f"{entry!r} is not key=value."))
        elif key.strip() in seen:
            problems.append(("", f"tag key {key.strip()!r} appears twice."))
        seen.add(key.strip())
    return problems


_PROTOCOL_PORT = re.compile(r"^(?P<proto>[A-Za-z]+):(?P<port>\d+)$")
LISTENER_PROTOCOLS = ("http", "https", "tls")


def protocol_ports(value: str) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[int] = set()
    for entry in value.split(","):
        match = _PROTOCOL_PORT.match(entry.strip())
        if not match:
            problems.append(("", f"{entry!r} is not proto:port (e.g. http:80)."))
            continue
        proto, port = match["proto"], int(match["port"])
        if proto not in LISTENER_PROTOCOLS:
            problems.append(("", f"protocol {proto!r} in {entry!r} is not one of http, https, tls."))
        if port in seen:
            problems.append(("", f"port {port} is listed twice."))
        seen.add(port)
    return problems


def parse_protocol_ports(value: str | None) -> dict[int, str]:
    """Port -> listener protocol (upper case), for the well-formed entries only (the rest is PT404)."""
    result: dict[int, str] = {}
    for entry in (value or "").split(","):
        match = _PROTOCOL_PORT.match(entry.strip())
        if match and match["proto"] in LISTENER_PROTOCOLS:
            result.setdefault(int(match["port"]), match["proto"].upper())
    return result


@dataclass(frozen=True)
class JsonField:
    check: Callable[[object], str | None]
    required: bool = False


def _string_int(
    low: int, high: int, unit: str = "", strings_only: bool = True
) -> Callable[[object], str | None]:
    return lambda value: _integer_problem(value, low, high, unit, strings_only)


def _json_enum(*allowed: str) -> Callable[[object], str | None]:
    return lambda value: None if value in allowed else f"{value!r} is not one of {', '.join(allowed)}."


def _json_text(low: int, high: int) -> Callable[[object], str | None]:
    def check(value: object) -> str | None:
        if isinstance(value, str) and low <= len(value) <= high:
            return None
        return f"{value!r} is not a string of {low}-{high} characters."

    return check


def _target_service_port(value: object) -> str | None:
    if isinstance(value, str) and re.fullmatch(r"(TCP|UDP):[0-9]+", value):
        return None
    return f"{value!r} is not PROTOCOL:port (e.g. TCP:80, UDP:53)."


def _any_string(value: object) -> str | None:
    return None if isinstance(value, str) else f"{value!r} is not a string."


def _check_object(fields: Mapping[str, JsonField], data: object, suffix: str) -> list[Problem]:
    if not isinstance(data, dict):
        return [(suffix, f"expected a JSON object, got {type(data).__name__}.")]
    problems: list[Problem] = []
    for key, value in data.items():
        spec = fields.get(key)
        if spec is None:
            hint = _did_you_mean(str(key), list(fields))
            problems.append((f"{suffix}.{key}", f"unknown field {key!r}.{hint}"))
            continue
        problem = spec.check(value)
        if problem:
            problems.append((f"{suffix}.{key}", problem))
    for key, spec in fields.items():
        if spec.required and key not in data:
            problems.append((f"{suffix}.{key}", f"required field {key!r} is missing."))
    return problems


def _loads(value: str) -> tuple[Any, list[Problem]]:
    try:
        return json.loads(value), []
    except (ValueError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
        return None, [("", f"not valid JSON ({exc}).")]


def json_object(fields: Mapping[str, JsonField]) -> Validator:
    def check(value: str) -> list[Problem]:
        data, problems = _loads(value)
        return problems or _check_object(fields, data, "")

    return check


def json_array(fields: Mapping[str, JsonField], unique: str) -> Validator:
    def check(value: str) -> list[Problem]:
        data, problems = _loads(value)
        if problems:
            return problems
        if not isinstance(data, list) or not data:
            return [("", "expected a non-empty JSON array of objects, one per port.")]
        seen: set[object] = set()
        for index, item in enumerate(data):
            problems += _check_object(fields, item, f"[{index}]")
            key = item.get(unique) if isinstance(item, dict) else None
            if not isinstance(key, str):  # a non-string key is reported by the field check above
                continue
            if key in seen:
                problems.append((f"[{index}].{unique}", f"{key!r} is covered twice."))
            seen.add(key)
        return problems

    return check


_CHECK_PROTOCOLS = ("TCP", "UDP", "HTTP")
SESSION_AFFINITY_FIELDS = {"persistence_timeout": JsonField(_string_int(1, 60, " minutes"), required=True)}
HEALTH_CHECK_FIELDS = {
    "delay": JsonField(_string_int(1, 50, " s")),
    "timeout": JsonField(_string_int(1, 50, " s")),
    "max_retries": JsonField(_string_int(1, 10)),
    "protocol": JsonField(_json_enum(*_CHECK_PROTOCOLS)),
    "path": JsonField(_json_text(1, 80)),
}
# The per-port form's documented example writes numbers as strings too, but does not say they must be.
HEALTH_CHECK_PORT_FIELDS = {
    "target_service_port": JsonField(_target_service_port, required=True),
    "monitor_port": JsonField(_string_int(1, 65535, strings_only=False)),
    "delay": JsonField(_string_int(1, 50, " s", strings_only=False)),
    "timeout": JsonField(_string_int(1, 50, " s", strings_only=False)),
    "max_retries": JsonField(_string_int(1, 10, strings_only=False)),
    "protocol": JsonField(_json_enum(*_CHECK_PROTOCOLS)),
    "path": JsonField(_json_text(1, 80)),
    "expected_codes": JsonField(_any_string),
}


# --- the table -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnnotationSpec:
    key: str
    values: str
    """The documented value form, as the fix states it."""
    validate: Validator
    gate: VersionGate | None = None
    class_gates: Mapping[str, VersionGate] = field(default_factory=dict)
    """A gate per ELB class (`union` / `performance`) where the classes differ."""
    elb_class: str | None = None
    """`union` or `performance` when only that ELB class supports the annotation."""
    autocreate_only: bool = False
    source: tuple[Source, ...] = (src.OTC_ANN,)


V1_9 = VersionGate.of("v1.9")
L7_GATE = VersionGate.of("v1.19.16-r0")
LISTENER_GATE = VersionGate.of("v1.23.13-r0", "v1.25.8-r0", "v1.27.5-r0", "v1.28.3-r0")
ACL_GATE = VersionGate.of("v1.23.12-r0", "v1.25.7-r0", "v1.27.4-r0", "v1.28.2-r0")
ACL_MANY_IDS_GATE = VersionGate.of(
    "v1.25.16-r10", "v1.27.16-r10", "v1.28.15-r0", "v1.29.10-r0", "v1.30.6-r0", "v1.31.1-r0"
)

ANNOTATION_SPECS: tuple[AnnotationSpec, ...] = (
    AnnotationSpec(
        LB_ALGORITHM,
        "ROUND_ROBIN, LEAST_CONNECTIONS or SOURCE_IP",
        one_of("ROUND_ROBIN", "LEAST_CONNECTIONS", "SOURCE_IP"),
        V1_9,
    ),
    AnnotationSpec(SESSION_AFFINITY_MODE, "SOURCE_IP (omit it to disable)", one_of("SOURCE_IP"), V1_9),
    AnnotationSpec(
        SESSION_AFFINITY_OPTION,
        '{"persistence_timeout": "<1-60>"}',
        json_object(SESSION_AFFINITY_FIELDS),
        V1_9,
    ),
    AnnotationSpec(HEALTH_CHECK_FLAG, "on or off", one_of("on", "off", ""), V1_9),
    AnnotationSpec(
        HEALTH_CHECK_OPTION,
        'a JSON object of strings: delay "1-50", timeout "1-50", max_retries "1-10", protocol TCP|UDP|HTTP, '
        "path (1-80 characters)",
        json_object(HEALTH_CHECK_FIELDS),
        V1_9,
    ),
    AnnotationSpec(
        HEALTH_CHECK_OPTIONS,
        'a JSON array of objects, each with a unique target_service_port such as "TCP:80"',
        json_array(HEALTH_CHECK_PORT_FIELDS, unique="target_service_port"),
        VersionGate.of("v1.19.16-r5", "v1.21.8-r0", "v1.23.6-r0", "v1.25.2-r0"),
        source=(src.OTC_ANN, src.OTC_HC_MULTI),
    ),
    AnnotationSpec(
        PROTOCOL_PORT,
        "proto:port[,proto:port...] with proto http, https or tls",
        protocol_ports,
        L7_GATE,
        source=(src.OTC_ANN, src.OTC_HTTP),
    ),
    AnnotationSpec(
        CERT_ID, "an ELB certificate id", text(1, 128), L7_GATE, source=(src.OTC_ANN, src.OTC_HTTP)
    ),
    AnnotationSpec(
        CLIENT_CA_CERT_ID,
        "an ELB CA certificate id",
        text(1, 128),
        VersionGate.of("v1.23.14-r0", "v1.25.9-r0", "v1.27.6-r0", "v1.28.4-r0"),
        elb_class="performance",
        source=(src.OTC_HTTP,),
    ),
    AnnotationSpec(TLS_CERTIFICATE_IDS, "comma-separated ELB certificate ids", id_list(None), LISTENER_GATE),
    AnnotationSpec(HTTP2_ENABLE, "true or false", BOOLEAN, LISTENER_GATE),
    AnnotationSpec(
        KEEPALIVE_TIMEOUT,
        "seconds: 10-4000 with TCP/UDP listeners, 0-4000 with HTTP/HTTPS ones",
        integer(0, 4000, " s"),
        class_gates={
            "performance": VersionGate.of("v1.19.16-r30", "v1.21.10-r10", "v1.23.8-r10", "v1.25.3-r10"),
            "union": LISTENER_GATE,
        },
        source=(src.OTC_ANN, src.OTC_TIMEOUT),
    ),
    AnnotationSpec(
        CLIENT_TIMEOUT,
        "1-300 seconds",
        integer(1, 300, " s"),
        LISTENER_GATE,
        source=(src.OTC_ANN, src.OTC_CREATE),
    ),
    AnnotationSpec(
        MEMBER_TIMEOUT,
        "1-300 seconds",
        integer(1, 300, " s"),
        LISTENER_GATE,
        source=(src.OTC_ANN, src.OTC_CREATE),
    ),
    AnnotationSpec(ADAPTIVE_WEIGHT, "true or false", BOOLEAN, VersionGate.of("v1.21")),
    AnnotationSpec(
        ACL_ID,
        f"IP address group id(s): one, or up to {MAX_DEDICATED_ACL_IDS} comma-separated on a dedicated ELB; "
        "empty allows all",
        id_list(MAX_DEDICATED_ACL_IDS, allow_empty=True),
        ACL_GATE,
    ),
    AnnotationSpec(ACL_STATUS, "on, true, off or false", one_of("on", "true", "off", "false"), ACL_GATE),
    AnnotationSpec(ACL_TYPE, "black or white", one_of("black", "white"), ACL_GATE),
    AnnotationSpec(
        TRANSPARENT_CLIENT_IP,
        "true or false",
        BOOLEAN,
        VersionGate.of("v1.23.17-r0", "v1.25.12-r0", "v1.27.9-r0", "v1.28.7-r0", "v1.29.3-r0"),
        elb_class="union",
        source=(src.OTC_ANN, src.OTC_CLIENTIP),
    ),
    AnnotationSpec(
        TAGS,
        f"key=value[,key=value...], at most {MAX_USER_TAGS} tags",
        tags,
        VersionGate.of("v1.23.11-r0", "v1.25.6-r0", "v1.27.3-r0"),
        autocreate_only=True,
        source=(src.OTC_ANN, src.OTC_ING_KUBECTL),
    ),
    AnnotationSpec(
        ENTERPRISE_ID,
        "an enterprise project id (UUID) or 0",
        uuid_or_zero,
        VersionGate.of("v1.15"),
        autocreate_only=True,
        source=(src.HW_ANN, src.HW_DRAWER_EPS),
    ),
    AnnotationSpec(
        CUSTOM_EIP_ID,
        "the id of an unbound EIP",
        text(1, 64),
        VersionGate.of("v1.23.18-r0", "v1.25.13-r0", "v1.27.10-r0", "v1.28.8-r0", "v1.29.4-r0", "v1.30.1-r0"),
        source=(src.OTC_ANN, src.OTC_EIP),
    ),
    AnnotationSpec(SUBNET_ID, "a subnet id of 1-100 characters", text(1, 100)),
    AnnotationSpec(HWS_HOST_NETWORK, "true or false", BOOLEAN, V1_9),
)
SPECS: dict[str, AnnotationSpec] = {spec.key: spec for spec in ANNOTATION_SPECS}
KNOWN_KEYS: tuple[str, ...] = (*SPECS, *ann.OWNED, *CCE_WRITTEN)
CLASS_NAMES = {"union": "shared", "performance": "dedicated"}


# --- the checker -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Listener:
    index: int
    port: int
    protocol: str
    """TCP, UDP or SCTP from the port; HTTP, HTTPS or TLS where protocol-port says so."""


def listeners(service: ServiceConfig) -> list[Listener]:
    layer7 = parse_protocol_ports(service.annotations.get(PROTOCOL_PORT))
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
        return path(self.prefix, f'annotations["{key}"]{suffix}')

    def protocols(self) -> set[str]:
        return {listener.protocol for listener in self.listeners}

    def finding(
        self, code: str, key: str, message: str, fix: str | None = None, suffix: str = ""
    ) -> Diagnostic:
        return rule(code).finding(self.name, self.where(key, suffix), message, fix)


def check_annotations(
    service: ServiceConfig, cluster: ClusterFacts | None, prefix: str
) -> Iterator[Diagnostic]:
    context = Context(service, cluster, prefix, listeners(service))
    for key, value in service.annotations.items():
        yield from _check_one(context, key, value)
    for combination in COMBINATIONS:
        yield from combination(context)


def _did_you_mean(key: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.75)
    if not close:
        folded = {k.lower().replace("_", "-"): k for k in known}
        match = folded.get(key.lower().replace("_", "-"))
        close = [match] if match else []
    return f" Did you mean {close[0]!r}?" if close else ""


def _looks_like_cce_key(key: str) -> bool:
    lowered = key.lower()
    return lowered.startswith(("kubernetes.io/elb", "kubernetes.io/hws"))


def _check_one(context: Context, key: str, value: str) -> Iterator[Diagnostic]:
    if key in ann.OWNED:
        return  # PT403 / PT304, in check_elb_source
    if key in CCE_WRITTEN:
        yield context.finding(
            "PT407", key, f"{key} is written by CCE itself; a value set here is overwritten."
        )
        return
    if key in UNVERIFIED:
        yield context.finding(
            "PT405",
            key,
            f"{key} is not documented for Services; only an unverified third-party note mentions it.",
            f"Remove {key} unless you have checked that your CCE release honours it.",
        )
        return
    spec = SPECS.get(key)
    if spec is None:
        if _looks_like_cce_key(key):
            hint = _did_you_mean(key, KNOWN_KEYS)
            yield context.finding(
                "PT405",
                key,
                f"{key} is not a documented CCE Service annotation; CCE ignores it.{hint}",
                "Correct the key to a documented one (`cce-passthrough explain PT405`), or remove it.",
            )
        return
    for suffix, problem in spec.validate(value):
        yield context.finding("PT404", key, f"{key}: {problem}", f"Set {key} to {spec.values}.", suffix)
    elb_class = context.service.elb.annotation_class
    if spec.elb_class is not None and elb_class is not None and elb_class != spec.elb_class:
        wanted, have = CLASS_NAMES[spec.elb_class], CLASS_NAMES.get(elb_class, elb_class)
        yield context.finding(
            "PT402",
            key,
            f"{key} works only with a {wanted} ELB; this service uses a {have} one.",
            f"Remove {key}, or use elb.class: {wanted}.",
        )
    if spec.autocreate_only and context.service.elb.autocreate is None:
        yield context.finding(
            "PT402",
            key,
            f"{key} applies only when CCE creates the ELB (elb.autocreate); CCE ignores it otherwise.",
            f"Remove {key}, or let CCE create the ELB with elb.autocreate.",
        )
    gate = spec.class_gates.get(elb_class or "", spec.gate)
    if context.cluster is not None and gate is not None:
        yield from gate_findings(context.name, context.where(key), key, gate, context.cluster)


# --- combinations ----------------------------------------------------------------------------------

Combination = Callable[[Context], Iterator[Diagnostic]]


def sticky_sessions(context: Context) -> Iterator[Diagnostic]:
    values = context.annotations
    mode = values.get(SESSION_AFFINITY_MODE)
    if mode is None:
        if SESSION_AFFINITY_OPTION in values:
            yield context.finding(
                "PT406",
                SESSION_AFFINITY_OPTION,
                f"{SESSION_AFFINITY_OPTION} has no effect without {SESSION_AFFINITY_MODE}: SOURCE_IP.",
                f"Add {SESSION_AFFINITY_MODE}: SOURCE_IP, or remove {SESSION_AFFINITY_OPTION}.",
            )
        return
    if values.get(LB_ALGORITHM) == "SOURCE_IP":
        yield context.finding(
            "PT402",
            SESSION_AFFINITY_MODE,
            f"sticky sessions cannot be enabled with {LB_ALGORITHM}: SOURCE_IP (it already pins clients).",
            f"Remove {SESSION_AFFINITY_MODE}, or set {LB_ALGORITHM} to ROUND_ROBIN or LEAST_CONNECTIONS.",
        )
        return  # one mistake, one finding: the mode itself has to go or change first
    cluster = context.cluster
    if cluster is not None and cluster.turbo and context.service.elb.annotation_class == "union":
        yield context.finding(
            "PT402",
            SESSION_AFFINITY_MODE,
            "a shared ELB cannot do sticky sessions in a CCE Turbo cluster.",
            f"Use elb.class: dedicated, or remove {SESSION_AFFINITY_MODE}.",
        )
    if cluster is not None and not cluster.turbo and context.service.external_traffic_policy == "Cluster":
        yield context.finding(
            "PT409",
            SESSION_AFFINITY_MODE,
            "on CCE Standard, sticky sessions need externalTrafficPolicy: Local; with Cluster each node "
            "forwards the ELB's connections to any pod and a client does not stay on one.",
        )
    if context.listeners and not context.protocols() & {"TCP", "UDP"}:
        yield context.finding(
            "PT402",
            SESSION_AFFINITY_MODE,
            "source-IP sticky sessions apply to TCP/UDP listeners only; protocol-port makes every listener "
            "HTTP/HTTPS.",
            f"Remove {SESSION_AFFINITY_MODE}, or keep a TCP/UDP listener.",
        )


def _check_protocol_fits(
    context: Context, key: str, suffix: str, check: str, port: Listener
) -> Iterator[Diagnostic]:
    layer4 = "UDP" if port.protocol == "UDP" else "TCP"
    allowed = ("UDP",) if layer4 == "UDP" else ("TCP", "HTTP")
    if check not in allowed:
        yield context.finding(
            "PT402",
            key,
            f"a {check} health check cannot probe {port.protocol} port {port.port}; a {layer4} port takes "
            f"{' or '.join(allowed)}.",
            f"Set protocol to {' or '.join(allowed)} for port {port.port}.",
            suffix,
        )


def health_checks(context: Context) -> Iterator[Diagnostic]:
    values = context.annotations
    flag = values.get(HEALTH_CHECK_FLAG)
    single, per_port = values.get(HEALTH_CHECK_OPTION), values.get(HEALTH_CHECK_OPTIONS)
    if single is not None and per_port is not None:
        yield context.finding(
            "PT402",
            HEALTH_CHECK_OPTIONS,
            f"{HEALTH_CHECK_OPTION} and {HEALTH_CHECK_OPTIONS} exclude each other.",
            f"Keep one: {HEALTH_CHECK_OPTIONS} (per port) or {HEALTH_CHECK_OPTION} (all ports).",
        )
    if flag in ("on", "") and single is None and per_port is None:
        yield context.finding(
            "PT402",
            HEALTH_CHECK_FLAG,
            f"{HEALTH_CHECK_FLAG}: on needs {HEALTH_CHECK_OPTION} or {HEALTH_CHECK_OPTIONS}.",
            f'Add {HEALTH_CHECK_OPTION}, e.g. {{"protocol":"TCP","delay":"5","timeout":"10","max_retries":"3"}}.',
        )
    if flag == "off":
        for key in (HEALTH_CHECK_OPTION, HEALTH_CHECK_OPTIONS):
            if key in values:
                yield context.finding(
                    "PT406",
                    key,
                    f"{key} has no effect with {HEALTH_CHECK_FLAG}: off.",
                    f"Remove {key}, or set {HEALTH_CHECK_FLAG}: on.",
                )
    data = _json_or_none(single)
    if isinstance(data, dict):
        yield from _health_check_object(context, HEALTH_CHECK_OPTION, "", data, list(context.listeners))
    entries = _json_or_none(per_port)
    if isinstance(entries, list):
        by_port = {(_layer4(p.protocol), p.port): p for p in context.listeners}
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                continue
            target = entry.get("target_service_port")
            match = re.fullmatch(r"(TCP|UDP):(\d+)", target) if isinstance(target, str) else None
            if match is None:
                continue
            port = by_port.get((match[1], int(match[2])))
            if port is None:
                ports = ", ".join(f"{_layer4(p.protocol)}:{p.port}" for p in context.listeners) or "none"
                yield context.finding(
                    "PT402",
                    HEALTH_CHECK_OPTIONS,
                    f"target_service_port {target!r} matches no port of the Service (ports: {ports}).",
                    "Name a port of spec.ports as PROTOCOL:port.",
                    f"[{index}].target_service_port",
                )
                continue
            yield from _health_check_object(context, HEALTH_CHECK_OPTIONS, f"[{index}]", entry, [port])


def _health_check_object(
    context: Context, key: str, suffix: str, data: Mapping[str, Any], ports: Sequence[Listener]
) -> Iterator[Diagnostic]:
    protocol = data.get("protocol")
    for port in ports:
        check = protocol if isinstance(protocol, str) else _layer4(port.protocol)
        if check in _CHECK_PROTOCOLS:
            yield from _check_protocol_fits(context, key, f"{suffix}.protocol", check, port)
    if "path" in data and protocol != "HTTP":
        yield context.finding(
            "PT406",
            key,
            f"path is used by HTTP health checks only (protocol is {protocol or 'the port protocol'}).",
            'Set "protocol": "HTTP", or remove path.',
            f"{suffix}.path",
        )


def _layer4(protocol: str) -> str:
    return "UDP" if protocol == "UDP" else "TCP"


def _json_or_none(value: str | None) -> Any:
    if value is None:
        return None
    try:
        return json.loads(value)
    except (ValueError, RecursionError):
        return None


def layer7_listeners(context: Context) -> Iterator[Diagnostic]:
    values = context.annotations
    mapping = values.get(PROTOCOL_PORT)
    if mapping is not None:
        by_port = {p.port: p for p in context.service.ports}
        for port, protocol in parse_protocol_ports(mapping).items():
            spec_port = by_port.get(port)
            if spec_port is None:
                yield context.finding(
                    "PT402",
                    PROTOCOL_PORT,
                    f"port {port} is not a port of the Service (ports: {', '.join(str(p) for p in by_port)}).",
                    f"Use a port of spec.ports in {PROTOCOL_PORT}.",
                )
            elif spec_port.protocol != "TCP":
                yield context.finding(
                    "PT402",
                    PROTOCOL_PORT,
                    f"port {port} is {spec_port.protocol}; only a TCP port can become an {protocol} listener.",
                    f"Remove {port} from {PROTOCOL_PORT}, or make the port TCP.",
                )
        yield from _l7_flavor(context)
    protocols = context.protocols()
    secure = protocols & {"HTTPS", "TLS"}
    if secure and CERT_ID not in values:
        yield context.finding(
            "PT402",
            PROTOCOL_PORT,
            f"{' and '.join(sorted(secure))} listeners need a server certificate ({CERT_ID}).",
            f"Add {CERT_ID} with the id of an ELB server certificate.",
        )
    if CERT_ID in values and not secure:
        yield context.finding(
            "PT406",
            CERT_ID,
            f"{CERT_ID} is used by HTTPS/TLS listeners only, and this service has none.",
            f"Add https:<port> to {PROTOCOL_PORT}, or remove {CERT_ID}.",
        )
    for key in (HTTP2_ENABLE, TLS_CERTIFICATE_IDS, CLIENT_CA_CERT_ID):
        if key in values and "HTTPS" not in protocols:
            yield context.finding(
                "PT406",
                key,
                f"{key} acts on HTTPS listeners only, and this service has none.",
                f"Add https:<port> to {PROTOCOL_PORT}, or remove {key}.",
            )
    for key in (CLIENT_TIMEOUT, MEMBER_TIMEOUT):
        if key in values and not protocols & {"HTTP", "HTTPS"}:
            yield context.finding(
                "PT406",
                key,
                f"{key} acts on HTTP/HTTPS listeners only, and this service has none.",
                f"Add http:<port> or https:<port> to {PROTOCOL_PORT}, or remove {key}.",
            )


def _l7_flavor(context: Context) -> Iterator[Diagnostic]:
    # TLS listeners are layer-4 ones on an ELB: only HTTP/HTTPS need the application (layer-7) flavor.
    elb = context.service.elb
    if not elb.dedicated or not context.protocols() & {"HTTP", "HTTPS"}:
        return
    auto = elb.autocreate
    if auto is not None and not any(
        v is not None and v.strip() for v in (auto.l7_flavor_name, auto.l7_flavor_id)
    ):
        yield rule("PT212").finding(
            context.name,
            path(context.prefix, "elb.autocreate.l7_flavor_name"),
            f"{PROTOCOL_PORT} makes HTTP/HTTPS listeners, which a dedicated ELB serves only with an L7 flavor.",
            "Add l7_flavor_name (e.g. L7_flavor.elb.s1.small) or l7_flavor_id to elb.autocreate.",
        )
    if elb.managed is not None and not (elb.managed.l7_flavor_id or "").strip():
        yield rule("PT212").finding(
            context.name,
            path(context.prefix, "elb.managed.l7FlavorId"),
            f"{PROTOCOL_PORT} makes HTTP/HTTPS listeners, which a dedicated ELB serves only with an L7 flavor.",
            "Add elb.managed.l7FlavorId (see `huaweicloud.dedicatedelb.get_flavors`).",
        )


def keepalive(context: Context) -> Iterator[Diagnostic]:
    value = context.annotations.get(KEEPALIVE_TIMEOUT)
    if value is None or _integer_problem(value, 0, 4000) is not None:
        return  # the value's own rule (PT404) reports it
    seconds = int(value)
    layer4 = sorted({p.protocol for p in context.listeners if p.protocol in ("TCP", "UDP", "TLS")})
    if layer4 and seconds < 10:
        yield context.finding(
            "PT404",
            KEEPALIVE_TIMEOUT,
            f"{KEEPALIVE_TIMEOUT} {seconds} s is below 10 s, the minimum for {'/'.join(layer4)} listeners.",
            f"Set {KEEPALIVE_TIMEOUT} to 10-4000 (default 300 for TCP/UDP).",
        )
    udp = [p for p in context.listeners if p.protocol == "UDP"]
    if udp and context.service.elb.annotation_class == "union":
        yield context.finding(
            "PT402",
            KEEPALIVE_TIMEOUT,
            f"a shared ELB has no keepalive timeout for UDP listeners (UDP port {udp[0].port}).",
            f"Remove {KEEPALIVE_TIMEOUT}, move the UDP port to another service, or use a dedicated ELB.",
        )


def access_control(context: Context) -> Iterator[Diagnostic]:
    values = context.annotations
    acl = values.get(ACL_ID)
    if acl is None:
        for key in (ACL_STATUS, ACL_TYPE):
            if key in values:
                yield context.finding(
                    "PT406", key, f"{key} has no effect without {ACL_ID}.", f"Add {ACL_ID}, or remove {key}."
                )
        return
    missing = [key for key in (ACL_STATUS, ACL_TYPE) if key not in values]
    if missing and acl.strip():  # an empty acl-id means "allow all" and needs neither
        yield context.finding(
            "PT402",
            ACL_ID,
            f"{ACL_ID} needs {' and '.join(missing)} as well.",
            f"Add {ACL_STATUS}: on and {ACL_TYPE}: white (or black).",
        )
    ids = [part for part in acl.split(",") if part.strip()]
    if len(ids) > 1:
        if not context.service.elb.dedicated:
            yield context.finding(
                "PT402",
                ACL_ID,
                f"{len(ids)} IP address groups; only a dedicated ELB takes more than one.",
                f"Keep one IP address group in {ACL_ID}, or use elb.class: dedicated.",
            )
        elif context.cluster is not None:
            yield from gate_findings(
                context.name,
                context.where(ACL_ID),
                f"several IP address groups in {ACL_ID}",
                ACL_MANY_IDS_GATE,
                context.cluster,
            )


def client_ip(context: Context) -> Iterator[Diagnostic]:
    if context.annotations.get(TRANSPARENT_CLIENT_IP) != "true":
        return
    cluster = context.cluster
    if cluster is not None and cluster.turbo:
        yield context.finding(
            "PT406",
            TRANSPARENT_CLIENT_IP,
            f"{TRANSPARENT_CLIENT_IP} has no effect on CCE Turbo.",
            f"Remove {TRANSPARENT_CLIENT_IP}.",
        )
    elif context.service.external_traffic_policy != "Local":
        yield context.finding(
            "PT406",
            TRANSPARENT_CLIENT_IP,
            f"on CCE Standard {TRANSPARENT_CLIENT_IP} acts only with externalTrafficPolicy: Local.",
            f"Set externalTrafficPolicy: Local, or remove {TRANSPARENT_CLIENT_IP}.",
        )
    if context.listeners and not context.protocols() & {"TCP", "UDP"}:
        yield context.finding(
            "PT406",
            TRANSPARENT_CLIENT_IP,
            f"{TRANSPARENT_CLIENT_IP} acts on TCP/UDP listeners only, and this service has none.",
            f"Remove {TRANSPARENT_CLIENT_IP}.",
        )


def tag_count(context: Context) -> Iterator[Diagnostic]:
    value = context.annotations.get(TAGS)
    if value is None:
        return
    count = len([entry for entry in value.split(",") if entry.strip()])
    if count > MAX_USER_TAGS:
        yield context.finding(
            "PT402",
            TAGS,
            f"{count} tags; an ELB holds 20 and CCE adds one itself, so at most {MAX_USER_TAGS} are yours.",
            f"Keep at most {MAX_USER_TAGS} tags in {TAGS}.",
        )


def adaptive_weight(context: Context) -> Iterator[Diagnostic]:
    cluster = context.cluster
    if (
        ADAPTIVE_WEIGHT in context.annotations
        and cluster is not None
        and cluster.turbo
        and context.service.elb.dedicated
    ):
        yield context.finding(
            "PT406",
            ADAPTIVE_WEIGHT,
            f"{ADAPTIVE_WEIGHT} has no effect on CCE Turbo with a dedicated ELB: the ELB's members are the "
            "pods themselves.",
            f"Remove {ADAPTIVE_WEIGHT}.",
        )


SUBNET_ID_LAST_NEEDED = VersionGate.of("v1.11.8-r0")


def legacy_subnet(context: Context) -> Iterator[Diagnostic]:
    if SUBNET_ID not in context.annotations:
        return
    cluster = context.cluster
    if cluster is None or SUBNET_ID_LAST_NEEDED.evaluate(cluster.version) is GateResult.MET:
        yield context.finding(
            "PT406",
            SUBNET_ID,
            f"{SUBNET_ID} is needed only by clusters v1.11.7-r0 and older; newer ones discard it.",
            f"Remove {SUBNET_ID}; use elb.autocreate.vip_subnet_cidr_id to choose the ELB subnet.",
        )


def custom_eip(context: Context) -> Iterator[Diagnostic]:
    if CUSTOM_EIP_ID not in context.annotations:
        return
    auto = context.service.elb.autocreate
    if auto is None or auto.type != "public":
        yield context.finding(
            "PT402",
            CUSTOM_EIP_ID,
            f"{CUSTOM_EIP_ID} replaces the EIP of an ELB CCE autocreated with type: public; this service has "
            "none.",
            f"Remove {CUSTOM_EIP_ID}; bind the EIP to the ELB itself (or use elb.managed.eip).",
        )
    else:
        yield context.finding(
            "PT408",
            CUSTOM_EIP_ID,
            f"{CUSTOM_EIP_ID} is applied only when updating a Service that already carries {EIP_ID}.",
        )


def host_network(context: Context) -> Iterator[Diagnostic]:
    if context.annotations.get(HWS_HOST_NETWORK) == "true" and not context.service.host_network:
        yield context.finding(
            "PT402",
            HWS_HOST_NETWORK,
            f"{HWS_HOST_NETWORK}: true says the pods use the host network, but hostNetwork is false.",
            f"Set hostNetwork: true, or remove {HWS_HOST_NETWORK}.",
        )


COMBINATIONS: tuple[Combination, ...] = (
    sticky_sessions,
    health_checks,
    layer7_listeners,
    keepalive,
    access_control,
    client_ip,
    tag_count,
    adaptive_weight,
    legacy_subnet,
    custom_eip,
    host_network,
)
