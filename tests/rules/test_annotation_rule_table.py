"""The user's `annotations:` map: value forms (PT404), unknown keys (PT405), version gates (PT108/PT107),
combinations (PT402), no-effect (PT406), CCE-written keys (PT407), custom-eip-id (PT408). Each documented
behaviour has a trigger and a close neighbour that must not trigger."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cce_passthrough.core.annotations import PREFIX
from cce_passthrough.rules.checks.annotation_table import ANNOTATION_SPECS
from helpers import service
from helpers.rule_cases import CLUSTER, ELB_ID, by_code, codes, dedicated, documented, evaluate

TWO_PORTS = [
    {"name": "dns-tcp", "port": 53, "protocol": "TCP"},
    {"name": "dns-udp", "port": 53, "protocol": "UDP"},
]
HTTPS = {f"{PREFIX}protocol-port": "https:80", f"{PREFIX}cert-id": "cert-1"}


def annotated_service(annotations: dict[str, str], **overrides: Any) -> dict[str, Any]:
    """A valid service carrying `annotations`."""
    return service(annotations=annotations, **overrides)


def case(
    name: str,
    code: str,
    suffix: str,
    trigger: dict[str, Any],
    neighbour: dict[str, Any],
    cluster: dict[str, Any] | None = None,
    neighbour_cluster: dict[str, Any] | None = None,
) -> Any:
    key, _, rest = suffix.partition("|")
    field = f'services[0].annotations["{PREFIX}{key}"]{rest}' if not key.startswith("services") else key
    cluster = {**CLUSTER, **(cluster or {})}
    clusters = (cluster, {**cluster, **(neighbour_cluster or {})})
    return pytest.param(code, field, trigger, neighbour, clusters, id=documented(code, name))


def health_check_options(*entries: dict[str, Any]) -> str:
    """The value of kubernetes.io/elb.health-check-options: one JSON object per port."""
    return json.dumps(list(entries))


CASES = [
    # PT404: value forms
    case(
        "lb-algorithm-outside-enum",
        "PT404",
        "lb-algorithm",
        annotated_service({f"{PREFIX}lb-algorithm": "RANDOM"}),
        annotated_service({f"{PREFIX}lb-algorithm": "LEAST_CONNECTIONS"}),
    ),
    case(
        "affinity-mode-outside-enum",
        "PT404",
        "session-affinity-mode",
        annotated_service({f"{PREFIX}session-affinity-mode": "HTTP_COOKIE"}),
        annotated_service({f"{PREFIX}session-affinity-mode": "SOURCE_IP"}),
    ),
    case(
        "persistence-timeout-above-60",
        "PT404",
        "session-affinity-option|.persistence_timeout",
        annotated_service(
            {
                f"{PREFIX}session-affinity-mode": "SOURCE_IP",
                f"{PREFIX}session-affinity-option": '{"persistence_timeout": "61"}',
            }
        ),
        annotated_service(
            {
                f"{PREFIX}session-affinity-mode": "SOURCE_IP",
                f"{PREFIX}session-affinity-option": '{"persistence_timeout": "60"}',
            }
        ),
    ),
    case(
        "persistence-timeout-as-a-number",
        "PT404",
        "session-affinity-option|.persistence_timeout",
        annotated_service(
            {
                f"{PREFIX}session-affinity-mode": "SOURCE_IP",
                f"{PREFIX}session-affinity-option": '{"persistence_timeout": 30}',
            }
        ),
        annotated_service(
            {
                f"{PREFIX}session-affinity-mode": "SOURCE_IP",
                f"{PREFIX}session-affinity-option": '{"persistence_timeout": "30"}',
            }
        ),
    ),
    case(
        "persistence-timeout-missing",
        "PT404",
        "session-affinity-option|.persistence_timeout",
        annotated_service(
            {f"{PREFIX}session-affinity-mode": "SOURCE_IP", f"{PREFIX}session-affinity-option": "{}"}
        ),
        annotated_service(
            {
                f"{PREFIX}session-affinity-mode": "SOURCE_IP",
                f"{PREFIX}session-affinity-option": '{"persistence_timeout": "1"}',
            }
        ),
    ),
    case(
        "health-check-flag-outside-enum",
        "PT404",
        "health-check-flag",
        annotated_service({f"{PREFIX}health-check-flag": "yes"}),
        annotated_service({f"{PREFIX}health-check-flag": "off"}),
    ),
    case(
        "health-check-delay-above-50",
        "PT404",
        "health-check-option|.delay",
        annotated_service({f"{PREFIX}health-check-option": '{"delay": "51", "protocol": "TCP"}'}),
        annotated_service({f"{PREFIX}health-check-option": '{"delay": "50", "protocol": "TCP"}'}),
    ),
    case(
        "health-check-retries-above-10",
        "PT404",
        "health-check-option|.max_retries",
        annotated_service({f"{PREFIX}health-check-option": '{"max_retries": "11"}'}),
        annotated_service({f"{PREFIX}health-check-option": '{"max_retries": "10"}'}),
    ),
    case(
        "health-check-option-not-json",
        "PT404",
        "health-check-option",
        annotated_service({f"{PREFIX}health-check-option": "{delay: 5}"}),
        annotated_service({f"{PREFIX}health-check-option": '{"delay": "5"}'}),
    ),
    case(
        "health-check-option-unknown-field-the-docs-are-silent-on",
        "PT414",
        "health-check-option|.max_retry",
        annotated_service({f"{PREFIX}health-check-option": '{"max_retry": "3"}'}),
        annotated_service({f"{PREFIX}health-check-option": '{"max_retries": "3"}'}),
    ),
    case(
        "older-session-affinity-key-without-elb",
        "PT413",
        'services[0].annotations["kubernetes.io/session-affinity-mode"]',
        annotated_service(
            {"kubernetes.io/session-affinity-mode": "SOURCE_IP"}, externalTrafficPolicy="Local"
        ),
        annotated_service({f"{PREFIX}session-affinity-mode": "SOURCE_IP"}, externalTrafficPolicy="Local"),
    ),
    case(
        "health-check-path-too-long",
        "PT404",
        "health-check-option|.path",
        annotated_service(
            {f"{PREFIX}health-check-option": json.dumps({"protocol": "HTTP", "path": "/" + "a" * 80})}
        ),
        annotated_service(
            {f"{PREFIX}health-check-option": json.dumps({"protocol": "HTTP", "path": "/" + "a" * 79})}
        ),
    ),
    case(
        "health-check-options-target-twice",
        "PT404",
        "health-check-options|[1].target_service_port",
        annotated_service(
            {
                f"{PREFIX}health-check-options": health_check_options(
                    {"target_service_port": "TCP:80"}, {"target_service_port": "TCP:80"}
                )
            }
        ),
        annotated_service(
            {f"{PREFIX}health-check-options": health_check_options({"target_service_port": "TCP:80"})}
        ),
    ),
    case(
        "health-check-options-target-missing",
        "PT404",
        "health-check-options|[0].target_service_port",
        annotated_service({f"{PREFIX}health-check-options": health_check_options({"delay": "5"})}),
        annotated_service(
            {
                f"{PREFIX}health-check-options": health_check_options(
                    {"delay": "5", "target_service_port": "TCP:80"}
                )
            }
        ),
    ),
    case(
        "health-check-options-monitor-port-out-of-range",
        "PT404",
        "health-check-options|[0].monitor_port",
        annotated_service(
            {
                f"{PREFIX}health-check-options": health_check_options(
                    {"target_service_port": "TCP:80", "monitor_port": 70000}
                )
            }
        ),
        annotated_service(
            {
                f"{PREFIX}health-check-options": health_check_options(
                    {"target_service_port": "TCP:80", "monitor_port": 30080}
                )
            }
        ),
    ),
    case(
        "protocol-port-unknown-protocol",
        "PT404",
        "protocol-port",
        annotated_service({f"{PREFIX}protocol-port": "ftp:80"}),
        annotated_service({f"{PREFIX}protocol-port": "http:80"}),
    ),
    case(
        "protocol-port-not-proto-colon-port",
        "PT404",
        "protocol-port",
        annotated_service({f"{PREFIX}protocol-port": "http-80"}),
        annotated_service({f"{PREFIX}protocol-port": "http:80"}),
    ),
    case(
        "keepalive-above-4000",
        "PT404",
        "keepalive_timeout",
        annotated_service({f"{PREFIX}keepalive_timeout": "4001"}),
        annotated_service({f"{PREFIX}keepalive_timeout": "4000"}),
    ),
    case(
        "keepalive-tcp-below-10",
        "PT404",
        "keepalive_timeout",
        annotated_service({f"{PREFIX}keepalive_timeout": "9"}),
        annotated_service({f"{PREFIX}keepalive_timeout": "10"}),
    ),
    case(
        "keepalive-0-is-fine-for-http",
        "PT404",
        "keepalive_timeout",
        annotated_service({f"{PREFIX}keepalive_timeout": "0"}),
        annotated_service({f"{PREFIX}keepalive_timeout": "0", f"{PREFIX}protocol-port": "http:80"}),
    ),
    case(
        "client-timeout-above-300",
        "PT404",
        "client_timeout",
        annotated_service({f"{PREFIX}client_timeout": "301", f"{PREFIX}protocol-port": "http:80"}),
        annotated_service({f"{PREFIX}client_timeout": "300", f"{PREFIX}protocol-port": "http:80"}),
    ),
    case(
        "member-timeout-zero",
        "PT404",
        "member_timeout",
        annotated_service({f"{PREFIX}member_timeout": "0", f"{PREFIX}protocol-port": "http:80"}),
        annotated_service({f"{PREFIX}member_timeout": "1", f"{PREFIX}protocol-port": "http:80"}),
    ),
    case(
        "http2-not-boolean",
        "PT404",
        "http2-enable",
        annotated_service({f"{PREFIX}http2-enable": "yes", **HTTPS}),
        annotated_service({f"{PREFIX}http2-enable": "true", **HTTPS}),
    ),
    case(
        "adaptive-weight-not-boolean",
        "PT404",
        "adaptive-weight",
        annotated_service({f"{PREFIX}adaptive-weight": "on"}),
        annotated_service({f"{PREFIX}adaptive-weight": "false"}),
    ),
    case(
        "acl-type-outside-enum",
        "PT404",
        "acl-type",
        annotated_service(
            {f"{PREFIX}acl-id": "g1", f"{PREFIX}acl-status": "on", f"{PREFIX}acl-type": "grey"}
        ),
        annotated_service(
            {f"{PREFIX}acl-id": "g1", f"{PREFIX}acl-status": "on", f"{PREFIX}acl-type": "white"}
        ),
    ),
    case(
        "acl-status-outside-enum",
        "PT404",
        "acl-status",
        annotated_service(
            {f"{PREFIX}acl-id": "g1", f"{PREFIX}acl-status": "enabled", f"{PREFIX}acl-type": "black"}
        ),
        annotated_service(
            {f"{PREFIX}acl-id": "g1", f"{PREFIX}acl-status": "true", f"{PREFIX}acl-type": "black"}
        ),
    ),
    case(
        "acl-six-groups",
        "PT404",
        "acl-id",
        annotated_service(
            {f"{PREFIX}acl-id": "a,b,c,d,e,f", f"{PREFIX}acl-status": "on", f"{PREFIX}acl-type": "white"},
            elb=dedicated(),
            passThrough=False,
        ),
        annotated_service(
            {f"{PREFIX}acl-id": "a,b,c,d,e", f"{PREFIX}acl-status": "on", f"{PREFIX}acl-type": "white"},
            elb=dedicated(),
            passThrough=False,
        ),
    ),
    case(
        "transparent-client-ip-not-boolean",
        "PT404",
        "transparent-client-ip",
        annotated_service({f"{PREFIX}transparent-client-ip": "1"}, externalTrafficPolicy="Local"),
        annotated_service({f"{PREFIX}transparent-client-ip": "true"}, externalTrafficPolicy="Local"),
    ),
    case(
        "tag-without-value",
        "PT404",
        "tags",
        annotated_service({f"{PREFIX}tags": "team=web,cost-centre"}),
        annotated_service({f"{PREFIX}tags": "team=web,cost-centre=42"}),
    ),
    case(
        "tag-key-twice",
        "PT404",
        "tags",
        annotated_service({f"{PREFIX}tags": "team=web,team=api"}),
        annotated_service({f"{PREFIX}tags": "team=web,owner=api"}),
    ),
    case(
        "enterprise-id-not-uuid",
        "PT404",
        "enterpriseID",
        annotated_service({f"{PREFIX}enterpriseID": "default"}),
        annotated_service({f"{PREFIX}enterpriseID": "0"}),
    ),
    case(
        "subnet-id-too-long",
        "PT404",
        "subnet-id",
        annotated_service({f"{PREFIX}subnet-id": "s" * 101}),
        annotated_service({f"{PREFIX}subnet-id": "s" * 100}),
    ),
    case(
        "hws-host-network-not-boolean",
        "PT404",
        'services[0].annotations["kubernetes.io/hws-hostNetwork"]',
        annotated_service({"kubernetes.io/hws-hostNetwork": "yes"}),
        annotated_service({"kubernetes.io/hws-hostNetwork": "false"}),
    ),
    # PT405: unknown keys
    case(
        "misspelt-elb-annotation",
        "PT405",
        "lb-algorythm",
        annotated_service({f"{PREFIX}lb-algorythm": "SOURCE_IP"}),
        annotated_service({f"{PREFIX}lb-algorithm": "SOURCE_IP"}),
    ),
    case(
        "unverified-reclaim-policy",
        "PT405",
        "instance-reclaim-policy",
        annotated_service({f"{PREFIX}instance-reclaim-policy": "retain"}),
        annotated_service({"example.com/reclaim-policy": "retain"}),
    ),
    # PT108 / PT107: annotation version gates
    case(
        "tags-on-v1.21",
        "PT108",
        "tags",
        annotated_service({f"{PREFIX}tags": "a=b"}),
        annotated_service({f"{PREFIX}tags": "a=b"}),
        {"version": "v1.21"},
        {"version": "v1.25.6-r0"},
    ),
    case(
        "tags-on-v1.23.10",
        "PT108",
        "tags",
        annotated_service({f"{PREFIX}tags": "a=b"}),
        annotated_service({f"{PREFIX}tags": "a=b"}),
        {"version": "v1.23.10-r0"},
        {"version": "v1.23.11-r0"},
    ),
    case(
        "acl-on-v1.23-unproven",
        "PT107",
        "acl-id",
        annotated_service(
            {f"{PREFIX}acl-id": "", f"{PREFIX}acl-status": "off", f"{PREFIX}acl-type": "white"}
        ),
        annotated_service(
            {f"{PREFIX}acl-id": "", f"{PREFIX}acl-status": "off", f"{PREFIX}acl-type": "white"}
        ),
        {"version": "v1.23"},
        {"version": "v1.23.12-r0"},
    ),
    case(
        "health-check-options-on-v1.19.16-r4",
        "PT108",
        "health-check-options",
        annotated_service(
            {f"{PREFIX}health-check-options": health_check_options({"target_service_port": "TCP:80"})}
        ),
        annotated_service({f"{PREFIX}health-check-option": '{"delay": "5"}'}),
        {"version": "v1.19.16-r4"},
    ),
    case(
        "keepalive-gate-differs-by-class",
        "PT108",
        "keepalive_timeout",
        annotated_service({f"{PREFIX}keepalive_timeout": "300"}),
        annotated_service({f"{PREFIX}keepalive_timeout": "300"}, elb=dedicated(), passThrough=False),
        {"version": "v1.21.10-r10"},
    ),
    case(
        "several-acl-groups-before-their-gate",
        "PT108",
        "acl-id",
        annotated_service(
            {f"{PREFIX}acl-id": "a,b", f"{PREFIX}acl-status": "on", f"{PREFIX}acl-type": "white"},
            elb=dedicated(),
            passThrough=False,
        ),
        annotated_service(
            {f"{PREFIX}acl-id": "a", f"{PREFIX}acl-status": "on", f"{PREFIX}acl-type": "white"},
            elb=dedicated(),
            passThrough=False,
        ),
        {"version": "v1.28.14-r0"},
    ),
    # PT402: combinations
    case(
        "sticky-sessions-with-source-ip-algorithm",
        "PT402",
        "session-affinity-mode",
        annotated_service(
            {f"{PREFIX}session-affinity-mode": "SOURCE_IP", f"{PREFIX}lb-algorithm": "SOURCE_IP"}
        ),
        annotated_service(
            {f"{PREFIX}session-affinity-mode": "SOURCE_IP", f"{PREFIX}lb-algorithm": "ROUND_ROBIN"}
        ),
    ),
    case(
        "sticky-sessions-turbo-shared",
        "PT431",
        "session-affinity-mode",
        annotated_service({f"{PREFIX}session-affinity-mode": "SOURCE_IP"}, passThrough=False),
        annotated_service(
            {f"{PREFIX}session-affinity-mode": "SOURCE_IP"}, passThrough=False, elb=dedicated()
        ),
        {"flavor": "turbo"},
    ),
    case(
        "sticky-sessions-without-tcp-listener",
        "PT432",
        "session-affinity-mode",
        annotated_service(
            {f"{PREFIX}session-affinity-mode": "SOURCE_IP", f"{PREFIX}protocol-port": "http:80"}
        ),
        annotated_service({f"{PREFIX}session-affinity-mode": "SOURCE_IP"}),
    ),
    case(
        "health-check-on-without-options",
        "PT402",
        "health-check-flag",
        annotated_service({f"{PREFIX}health-check-flag": "on"}),
        annotated_service(
            {f"{PREFIX}health-check-flag": "on", f"{PREFIX}health-check-option": '{"protocol": "TCP"}'}
        ),
    ),
    case(
        "both-health-check-option-forms",
        "PT402",
        "health-check-options",
        annotated_service(
            {
                f"{PREFIX}health-check-option": "{}",
                f"{PREFIX}health-check-options": health_check_options({"target_service_port": "TCP:80"}),
            }
        ),
        annotated_service(
            {f"{PREFIX}health-check-options": health_check_options({"target_service_port": "TCP:80"})}
        ),
    ),
    case(
        "health-check-target-not-a-service-port",
        "PT434",
        "health-check-options|[0].target_service_port",
        annotated_service(
            {f"{PREFIX}health-check-options": health_check_options({"target_service_port": "TCP:8080"})}
        ),
        annotated_service(
            {f"{PREFIX}health-check-options": health_check_options({"target_service_port": "TCP:80"})}
        ),
    ),
    case(
        "udp-port-takes-udp-checks-only",
        "PT433",
        "health-check-options|[0].protocol",
        annotated_service(
            {
                f"{PREFIX}health-check-options": health_check_options(
                    {"target_service_port": "UDP:53", "protocol": "TCP"}
                )
            },
            ports=TWO_PORTS,
        ),
        annotated_service(
            {
                f"{PREFIX}health-check-options": health_check_options(
                    {"target_service_port": "UDP:53", "protocol": "UDP"}
                )
            },
            ports=TWO_PORTS,
        ),
    ),
    case(
        "tcp-port-takes-tcp-or-http-checks",
        "PT433",
        "health-check-option|.protocol",
        annotated_service({f"{PREFIX}health-check-option": '{"protocol": "UDP"}'}),
        annotated_service({f"{PREFIX}health-check-option": '{"protocol": "HTTP", "path": "/healthz"}'}),
    ),
    case(
        "acl-id-without-status-and-type",
        "PT402",
        "acl-id",
        annotated_service({f"{PREFIX}acl-id": "g1"}),
        annotated_service(
            {f"{PREFIX}acl-id": "g1", f"{PREFIX}acl-status": "on", f"{PREFIX}acl-type": "black"}
        ),
    ),
    case(
        "several-acl-groups-on-shared",
        "PT439",
        "acl-id",
        annotated_service(
            {f"{PREFIX}acl-id": "a,b", f"{PREFIX}acl-status": "on", f"{PREFIX}acl-type": "white"}
        ),
        annotated_service(
            {f"{PREFIX}acl-id": "a,b", f"{PREFIX}acl-status": "on", f"{PREFIX}acl-type": "white"},
            elb=dedicated(),
            passThrough=False,
        ),
    ),
    case(
        "tags-on-existing-elb",
        "PT402",
        "tags",
        annotated_service({f"{PREFIX}tags": "a=b"}, elb={"class": "shared", "existing": {"id": ELB_ID}}),
        annotated_service({f"{PREFIX}tags": "a=b"}),
    ),
    case(
        "twenty-tags",
        "PT402",
        "tags",
        annotated_service({f"{PREFIX}tags": ",".join(f"k{i}=v" for i in range(20))}),
        annotated_service({f"{PREFIX}tags": ",".join(f"k{i}=v" for i in range(19))}),
    ),
    case(
        "enterprise-id-on-existing-elb",
        "PT402",
        "enterpriseID",
        annotated_service(
            {f"{PREFIX}enterpriseID": "0"}, elb={"class": "shared", "existing": {"id": ELB_ID}}
        ),
        annotated_service({f"{PREFIX}enterpriseID": "0"}),
    ),
    case(
        "transparent-client-ip-on-dedicated",
        "PT430",
        "transparent-client-ip",
        annotated_service(
            {f"{PREFIX}transparent-client-ip": "true"},
            elb=dedicated(),
            externalTrafficPolicy="Local",
            passThrough=False,
        ),
        annotated_service({f"{PREFIX}transparent-client-ip": "true"}, externalTrafficPolicy="Local"),
    ),
    case(
        "client-ca-cert-on-shared",
        "PT430",
        "client-ca-cert-id",
        annotated_service({f"{PREFIX}client-ca-cert-id": "ca-1", **HTTPS}),
        annotated_service(
            {f"{PREFIX}client-ca-cert-id": "ca-1", **HTTPS},
            elb=dedicated(l7_flavor_name="l7"),
            passThrough=False,
        ),
    ),
    case(
        "udp-keepalive-on-shared",
        "PT438",
        "keepalive_timeout",
        annotated_service({f"{PREFIX}keepalive_timeout": "300"}, ports=TWO_PORTS),
        annotated_service(
            {f"{PREFIX}keepalive_timeout": "300"}, ports=TWO_PORTS, elb=dedicated(), passThrough=False
        ),
    ),
    case(
        "protocol-port-on-a-missing-port",
        "PT435",
        "protocol-port",
        annotated_service({f"{PREFIX}protocol-port": "http:8080"}),
        annotated_service({f"{PREFIX}protocol-port": "http:80"}),
    ),
    case(
        "protocol-port-on-a-udp-port",
        "PT436",
        "protocol-port",
        annotated_service(
            {f"{PREFIX}protocol-port": "http:53"}, ports=[{"name": "dns", "port": 53, "protocol": "UDP"}]
        ),
        annotated_service(
            {f"{PREFIX}protocol-port": "http:53"}, ports=[{"name": "dns", "port": 53, "protocol": "TCP"}]
        ),
    ),
    case(
        "https-without-cert",
        "PT437",
        "protocol-port",
        annotated_service({f"{PREFIX}protocol-port": "https:80"}),
        annotated_service(HTTPS),
    ),
    case(
        "custom-eip-without-autocreated-eip",
        "PT440",
        "custom-eip-id",
        annotated_service({f"{PREFIX}custom-eip-id": "eip-1"}),
        annotated_service(
            {f"{PREFIX}custom-eip-id": "eip-1"},
            elb={
                "class": "shared",
                "autocreate": {
                    "type": "public",
                    "bandwidth_name": "bw",
                    "bandwidth_chargemode": "traffic",
                    "bandwidth_size": 5,
                    "bandwidth_sharetype": "PER",
                    "eip_type": "5_bgp",
                },
            },
        ),
    ),
    case(
        "hws-host-network-without-host-network",
        "PT441",
        'services[0].annotations["kubernetes.io/hws-hostNetwork"]',
        annotated_service({"kubernetes.io/hws-hostNetwork": "true"}),
        annotated_service({"kubernetes.io/hws-hostNetwork": "true"}, hostNetwork=True),
    ),
    # PT406: no effect
    case(
        "affinity-option-without-mode",
        "PT406",
        "session-affinity-option",
        annotated_service({f"{PREFIX}session-affinity-option": '{"persistence_timeout": "5"}'}),
        annotated_service(
            {
                f"{PREFIX}session-affinity-option": '{"persistence_timeout": "5"}',
                f"{PREFIX}session-affinity-mode": "SOURCE_IP",
            }
        ),
    ),
    case(
        "health-check-off-with-option",
        "PT406",
        "health-check-option",
        annotated_service({f"{PREFIX}health-check-flag": "off", f"{PREFIX}health-check-option": "{}"}),
        annotated_service({f"{PREFIX}health-check-flag": "on", f"{PREFIX}health-check-option": "{}"}),
    ),
    case(
        "health-check-path-on-tcp-check",
        "PT406",
        "health-check-option|.path",
        annotated_service({f"{PREFIX}health-check-option": '{"protocol": "TCP", "path": "/"}'}),
        annotated_service({f"{PREFIX}health-check-option": '{"protocol": "HTTP", "path": "/"}'}),
    ),
    case(
        "http2-without-https",
        "PT406",
        "http2-enable",
        annotated_service({f"{PREFIX}http2-enable": "true", f"{PREFIX}protocol-port": "http:80"}),
        annotated_service({f"{PREFIX}http2-enable": "true", **HTTPS}),
    ),
    case(
        "cert-without-https",
        "PT406",
        "cert-id",
        annotated_service({f"{PREFIX}cert-id": "c1"}),
        annotated_service({f"{PREFIX}cert-id": "c1", f"{PREFIX}protocol-port": "https:80"}),
    ),
    case(
        "client-timeout-without-http",
        "PT406",
        "client_timeout",
        annotated_service({f"{PREFIX}client_timeout": "60"}),
        annotated_service({f"{PREFIX}client_timeout": "60", f"{PREFIX}protocol-port": "http:80"}),
    ),
    case(
        "acl-type-without-acl-id",
        "PT406",
        "acl-type",
        annotated_service({f"{PREFIX}acl-type": "white"}),
        annotated_service(
            {f"{PREFIX}acl-type": "white", f"{PREFIX}acl-status": "on", f"{PREFIX}acl-id": "g"}
        ),
    ),
    case(
        "transparent-client-ip-without-local",
        "PT406",
        "transparent-client-ip",
        annotated_service({f"{PREFIX}transparent-client-ip": "true"}),
        annotated_service({f"{PREFIX}transparent-client-ip": "true"}, externalTrafficPolicy="Local"),
    ),
    case(
        "transparent-client-ip-on-turbo",
        "PT406",
        "transparent-client-ip",
        annotated_service({f"{PREFIX}transparent-client-ip": "true"}, passThrough=False),
        annotated_service({f"{PREFIX}transparent-client-ip": "false"}, passThrough=False),
        {"flavor": "turbo"},
    ),
    case(
        "adaptive-weight-turbo-dedicated",
        "PT406",
        "adaptive-weight",
        annotated_service({f"{PREFIX}adaptive-weight": "true"}, elb=dedicated()),
        annotated_service({f"{PREFIX}adaptive-weight": "true"}, passThrough=False),
        {"flavor": "turbo"},
    ),
    case(
        "legacy-subnet-id",
        "PT406",
        "subnet-id",
        annotated_service({f"{PREFIX}subnet-id": "sub-1"}),
        annotated_service({}),
        None,
    ),
    # PT407 / PT408
    case(
        "eip-id-by-hand",
        "PT407",
        "eip-id",
        annotated_service({f"{PREFIX}eip-id": "eip-1"}),
        annotated_service({f"{PREFIX}custom-eip-id": "eip-1"}),
    ),
    case(
        "custom-eip-id-at-creation",
        "PT408",
        "custom-eip-id",
        annotated_service(
            {f"{PREFIX}custom-eip-id": "eip-1"},
            elb={
                "class": "shared",
                "autocreate": {
                    "type": "public",
                    "bandwidth_name": "bw",
                    "bandwidth_chargemode": "traffic",
                    "bandwidth_size": 5,
                    "bandwidth_sharetype": "PER",
                    "eip_type": "5_bgp",
                },
            },
        ),
        annotated_service({f"{PREFIX}eip-id": "eip-1"}),
    ),
]


@pytest.mark.parametrize(("code", "field", "trigger", "neighbour", "cluster"), CASES)
def test_each_documented_annotation_rule_fires_where_cce_refuses_and_not_next_to_it(
    code: str,
    field: str,
    trigger: dict[str, Any],
    neighbour: dict[str, Any],
    cluster: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    """The rule in the test id fires on the configuration the CCE documentation refuses (the trigger) and not
    on the closest one it allows (the neighbour)."""
    found = evaluate(cluster[0], [trigger])
    assert field in [f.field for f in by_code(found, code)], [f.render() for f in found]
    for finding in by_code(found, code):
        assert finding.resource == "web" and finding.message and finding.fix
    again = evaluate(cluster[1], [neighbour])
    assert field not in [f.field for f in by_code(again, code)], [f.render() for f in again]


def test_an_unknown_key_gets_the_nearest_documented_one() -> None:
    [finding] = by_code(
        evaluate(CLUSTER, [annotated_service({f"{PREFIX}keepalive-timeout": "300"})]), "PT405"
    )
    assert "Did you mean 'kubernetes.io/elb.keepalive_timeout'?" in finding.message


def test_keys_outside_cce_namespaces_are_left_alone() -> None:
    found = evaluate(
        CLUSTER, [annotated_service({"prometheus.io/scrape": "true", "example.com/elb.thing": "x"})]
    )
    assert found == []


def test_a_value_error_fix_states_the_documented_form() -> None:
    [finding] = by_code(evaluate(CLUSTER, [annotated_service({f"{PREFIX}lb-algorithm": "RANDOM"})]), "PT404")
    assert finding.fix == f"Set {PREFIX}lb-algorithm to ROUND_ROBIN, LEAST_CONNECTIONS or SOURCE_IP."


def test_the_keepalive_floor_names_the_listener_protocols() -> None:
    [finding] = by_code(
        evaluate(
            CLUSTER,
            [
                annotated_service(
                    {f"{PREFIX}keepalive_timeout": "5"}, ports=TWO_PORTS, elb=dedicated(), passThrough=False
                )
            ],
        ),
        "PT404",
    )
    assert "TCP/UDP" in finding.message


@pytest.mark.parametrize("spec", ANNOTATION_SPECS, ids=lambda s: s.key.rsplit("/", 1)[-1])
def test_every_documented_annotation_is_known(spec: Any) -> None:
    assert "PT405" not in codes(evaluate(CLUSTER, [annotated_service({spec.key: "x"})]))


def test_a_documented_example_passes_cleanly() -> None:
    """The HTTPS example of the CCE docs, on a cluster new enough for every key."""
    annotations = {
        f"{PREFIX}protocol-port": "https:443,http:80",
        f"{PREFIX}cert-id": "17e3b4f4bc40471c86741dc3aa211379",
        f"{PREFIX}http2-enable": "true",
        f"{PREFIX}lb-algorithm": "LEAST_CONNECTIONS",
        f"{PREFIX}health-check-flag": "on",
        f"{PREFIX}health-check-options": health_check_options(
            {
                "target_service_port": "TCP:443",
                "protocol": "TCP",
                "delay": "5",
                "timeout": "10",
                "max_retries": "3",
            },
            {"target_service_port": "TCP:80", "protocol": "HTTP", "path": "/healthz", "delay": "5"},
        ),
        f"{PREFIX}client_timeout": "60",
        f"{PREFIX}keepalive_timeout": "60",
    }
    ports = [
        {"name": "https", "port": 443, "targetPort": 8443},
        {"name": "http", "port": 80, "targetPort": 8080},
    ]
    assert evaluate(CLUSTER, [annotated_service(annotations, ports=ports)]) == []
