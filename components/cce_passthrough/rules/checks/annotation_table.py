"""Every documented `kubernetes.io/elb.*` key a user may set, as a row: value form, version gate, ELB class,
autocreate-only, source. One checker reads the table (annotation_keys.py); docs/rules.md is generated from it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ...core import annotations as ann
from ...core.versions import VersionGate
from .. import sources as src
from ..sources import Source
from .annotation_values import (
    BOOLEAN,
    HEALTH_CHECK_FIELDS,
    HEALTH_CHECK_PORT_FIELDS,
    SESSION_AFFINITY_FIELDS,
    Validator,
    id_list,
    integer,
    json_array,
    json_object,
    one_of,
    protocol_ports,
    tags,
    text,
    uuid_or_zero,
)

# Written by CCE onto the Services it manages [OTC-EIP] and field reports: expected on a read-back Service.
CCE_WRITTEN = ann.CCE_WRITTEN


# Seen only in an unattributed third-party note [3P-NOTE]: not known to work on Services.
UNVERIFIED = (ann.INSTANCE_RECLAIM_POLICY,)


MAX_USER_TAGS = 19  # an ELB holds 20 tags and CCE adds one itself [OTC-ING-KUBECTL]


MAX_DEDICATED_ACL_IDS = 5


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
        ann.LB_ALGORITHM,
        "ROUND_ROBIN, LEAST_CONNECTIONS or SOURCE_IP",
        one_of("ROUND_ROBIN", "LEAST_CONNECTIONS", "SOURCE_IP"),
        V1_9,
    ),
    AnnotationSpec(ann.SESSION_AFFINITY_MODE, "SOURCE_IP (omit it to disable)", one_of("SOURCE_IP"), V1_9),
    AnnotationSpec(
        ann.SESSION_AFFINITY_OPTION,
        '{"persistence_timeout": "<1-60>"}',
        json_object(SESSION_AFFINITY_FIELDS),
        V1_9,
    ),
    AnnotationSpec(ann.HEALTH_CHECK_FLAG, "on or off", one_of("on", "off", ""), V1_9),
    AnnotationSpec(
        ann.HEALTH_CHECK_OPTION,
        'a JSON object of strings: delay "1-50", timeout "1-50", max_retries "1-10", protocol TCP|UDP|HTTP, '
        "path (1-80 characters)",
        json_object(HEALTH_CHECK_FIELDS),
        V1_9,
    ),
    AnnotationSpec(
        ann.HEALTH_CHECK_OPTIONS,
        'a JSON array of objects, each with a unique target_service_port such as "TCP:80"',
        json_array(HEALTH_CHECK_PORT_FIELDS, unique="target_service_port"),
        VersionGate.of("v1.19.16-r5", "v1.21.8-r0", "v1.23.6-r0", "v1.25.2-r0"),
        source=(src.OTC_ANN, src.OTC_HC_MULTI),
    ),
    AnnotationSpec(
        ann.PROTOCOL_PORT,
        "proto:port[,proto:port...] with proto http, https or tls",
        protocol_ports,
        L7_GATE,
        source=(src.OTC_ANN, src.OTC_HTTP),
    ),
    AnnotationSpec(
        ann.CERT_ID, "an ELB certificate id", text(1, 128), L7_GATE, source=(src.OTC_ANN, src.OTC_HTTP)
    ),
    AnnotationSpec(
        ann.CLIENT_CA_CERT_ID,
        "an ELB CA certificate id",
        text(1, 128),
        VersionGate.of("v1.23.14-r0", "v1.25.9-r0", "v1.27.6-r0", "v1.28.4-r0"),
        elb_class="performance",
        source=(src.OTC_HTTP,),
    ),
    AnnotationSpec(
        ann.TLS_CERTIFICATE_IDS, "comma-separated ELB certificate ids", id_list(None), LISTENER_GATE
    ),
    AnnotationSpec(ann.HTTP2_ENABLE, "true or false", BOOLEAN, LISTENER_GATE),
    AnnotationSpec(
        ann.KEEPALIVE_TIMEOUT,
        "seconds: 10-4000 with TCP/UDP listeners, 0-4000 with HTTP/HTTPS ones",
        integer(0, 4000, " s"),
        class_gates={
            "performance": VersionGate.of("v1.19.16-r30", "v1.21.10-r10", "v1.23.8-r10", "v1.25.3-r10"),
            "union": LISTENER_GATE,
        },
        source=(src.OTC_ANN, src.OTC_TIMEOUT),
    ),
    AnnotationSpec(
        ann.CLIENT_TIMEOUT,
        "1-300 seconds",
        integer(1, 300, " s"),
        LISTENER_GATE,
        source=(src.OTC_ANN, src.OTC_CREATE),
    ),
    AnnotationSpec(
        ann.MEMBER_TIMEOUT,
        "1-300 seconds",
        integer(1, 300, " s"),
        LISTENER_GATE,
        source=(src.OTC_ANN, src.OTC_CREATE),
    ),
    AnnotationSpec(ann.ADAPTIVE_WEIGHT, "true or false", BOOLEAN, VersionGate.of("v1.21")),
    AnnotationSpec(
        ann.ACL_ID,
        f"IP address group id(s): one, or up to {MAX_DEDICATED_ACL_IDS} comma-separated on a dedicated ELB; "
        "empty allows all",
        id_list(MAX_DEDICATED_ACL_IDS, allow_empty=True),
        ACL_GATE,
    ),
    AnnotationSpec(ann.ACL_STATUS, "on, true, off or false", one_of("on", "true", "off", "false"), ACL_GATE),
    AnnotationSpec(ann.ACL_TYPE, "black or white", one_of("black", "white"), ACL_GATE),
    AnnotationSpec(
        ann.TRANSPARENT_CLIENT_IP,
        "true or false",
        BOOLEAN,
        VersionGate.of("v1.23.17-r0", "v1.25.12-r0", "v1.27.9-r0", "v1.28.7-r0", "v1.29.3-r0"),
        elb_class="union",
        source=(src.OTC_ANN, src.OTC_CLIENTIP),
    ),
    AnnotationSpec(
        ann.TAGS,
        f"key=value[,key=value...], at most {MAX_USER_TAGS} tags",
        tags,
        VersionGate.of("v1.23.11-r0", "v1.25.6-r0", "v1.27.3-r0"),
        autocreate_only=True,
        source=(src.OTC_ANN, src.OTC_ING_KUBECTL),
    ),
    AnnotationSpec(
        ann.ENTERPRISE_ID,
        "an enterprise project id (UUID) or 0",
        uuid_or_zero,
        VersionGate.of("v1.15"),
        autocreate_only=True,
        source=(src.HW_ANN, src.HW_DRAWER_EPS),
    ),
    AnnotationSpec(
        ann.CUSTOM_EIP_ID,
        "the id of an unbound EIP",
        text(1, 64),
        VersionGate.of("v1.23.18-r0", "v1.25.13-r0", "v1.27.10-r0", "v1.28.8-r0", "v1.29.4-r0", "v1.30.1-r0"),
        source=(src.OTC_ANN, src.OTC_EIP),
    ),
    AnnotationSpec(ann.SUBNET_ID, "a subnet id of 1-100 characters", text(1, 100)),
    AnnotationSpec(ann.HOST_NETWORK, "true or false", BOOLEAN, V1_9),
)


SPECS: dict[str, AnnotationSpec] = {spec.key: spec for spec in ANNOTATION_SPECS}


KNOWN_KEYS: tuple[str, ...] = (*SPECS, *ann.OWNED, *CCE_WRITTEN)
