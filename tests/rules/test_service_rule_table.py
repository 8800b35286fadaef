"""Single-service rules (PT1xx, PT2xx, PT304, PT401, PT403): for each, a stack that triggers it and a
close neighbour that must not. Evaluated purely: parse_stack + evaluate, no Pulumi engine."""

from __future__ import annotations

from typing import Any

import pytest

from helpers import service
from helpers.rule_cases import CLUSTER, ELB_ID, by_code, codes, dedicated, documented, evaluate

Services = list[dict[str, Any]]


def case(
    name: str,
    code: str,
    field: str,
    trigger: dict[str, Any] | Services,
    neighbour: dict[str, Any] | Services,
    cluster: dict[str, Any] | None = None,
    neighbour_cluster: dict[str, Any] | None = None,
) -> Any:
    cluster = {**CLUSTER, **(cluster or {})}
    return pytest.param(
        code,
        field,
        (cluster, trigger if isinstance(trigger, list) else [trigger]),
        ({**cluster, **(neighbour_cluster or {})}, neighbour if isinstance(neighbour, list) else [neighbour]),
        id=documented(code, name),
    )


NO_PT = {"passThrough": False}
HTTP_80 = {"kubernetes.io/elb.protocol-port": "http:80"}
STICKY = {"kubernetes.io/elb.session-affinity-mode": "SOURCE_IP"}
PUBLIC_FIELDS = {
    "bandwidth_name": "bw",
    "bandwidth_chargemode": "traffic",
    "bandwidth_size": 5,
    "bandwidth_sharetype": "PER",
    "eip_type": "5_bgp",
}
MANAGED_DEDICATED = {
    "class": "dedicated",
    "managed": {
        "subnetId": "s",
        "vpcId": "vpc-a",
        "availabilityZones": ["cn-north-4a"],
        "l4FlavorId": "l4",
    },
}

CASES = [
    case(
        "pass-through-on-v1.15",
        "PT101",
        "services[0].passThrough",
        service(),
        service(**NO_PT),
        {"version": "v1.15"},
    ),
    case(
        "pass-through-on-v1.17",
        "PT102",
        "services[0].passThrough",
        service(),
        service(),
        {"version": "v1.17"},
        {"version": "v1.19"},
    ),
    case(
        "dedicated-before-v1.17",
        "PT103",
        "services[0].elb.class",
        service(elb=dedicated(), **NO_PT),
        service(elb=dedicated(), **NO_PT),
        {"version": "v1.15"},
        {"version": "v1.17"},
    ),
    case(
        "turbo-local-without-host-network",
        "PT105",
        "services[0].externalTrafficPolicy",
        service(elb=dedicated(), externalTrafficPolicy="Local"),
        service(elb=dedicated(), externalTrafficPolicy="Local", hostNetwork=True),
        {"flavor": "turbo"},
    ),
    case(
        "standard-dedicated-pass-through",
        "PT106",
        "services[0].elb.class",
        service(elb=dedicated()),
        service(elb=dedicated(), **NO_PT),
    ),
    case(
        "local-traffic-policy-sets-only-local-despite-pass-through-false",
        "PT110",
        "services[0].passThrough",
        service(externalTrafficPolicy="Local", **NO_PT),
        service(externalTrafficPolicy="Local"),
    ),
    case(
        "patch-gate-unproven-from-minor",
        "PT107",
        "services[0].elb.autocreate.vip_address",
        service(elb={"class": "shared", "autocreate": {"type": "inner", "vip_address": "192.168.0.9"}}),
        service(elb={"class": "shared", "autocreate": {"type": "inner", "vip_address": "192.168.0.9"}}),
        {"version": "v1.25"},
        {"version": "v1.25.6-r0"},
    ),
    case(
        "autocreate-field-on-too-old-cluster",
        "PT108",
        "services[0].elb.autocreate.vip_subnet_cidr_id",
        service(
            elb={"class": "shared", "autocreate": {"type": "inner", "vip_subnet_cidr_id": "sub"}}, **NO_PT
        ),
        service(
            elb={"class": "shared", "autocreate": {"type": "inner", "vip_subnet_cidr_id": "sub"}}, **NO_PT
        ),
        {"version": "v1.19.16-r0"},
        {"version": "v1.21.0-r0"},
    ),
    case(
        "patch-release-below-gate",
        "PT108",
        "services[0].elb.autocreate.vip_address",
        service(elb={"class": "shared", "autocreate": {"type": "inner", "vip_address": "192.168.0.9"}}),
        service(elb={"class": "shared", "autocreate": {"type": "inner", "vip_address": "192.168.0.9"}}),
        {"version": "v1.25.5-r9"},
        {"version": "v1.25.6-r0"},
    ),
    case(
        "two-elb-sources",
        "PT201",
        "services[0].elb",
        service(elb={"class": "shared", "autocreate": {"type": "inner"}, "existing": {"id": ELB_ID}}),
        service(elb={"class": "shared", "existing": {"id": ELB_ID}}),
    ),
    case(
        "no-elb-source",
        "PT201",
        "services[0].elb",
        service(elb={"class": "shared"}),
        service(elb={"class": "shared", "shareWith": "other"}),
    ),
    case(
        "elb-class-unknown",
        "PT202",
        "services[0].elb.class",
        service(elb={"class": "classic", "autocreate": {"type": "inner"}}),
        service(elb={"class": "union", "autocreate": {"type": "inner"}}),
    ),
    case(
        "elb-class-missing",
        "PT202",
        "services[0].elb.class",
        service(elb={"autocreate": {"type": "inner"}}),
        service(elb={"class": "performance", "autocreate": {"type": "inner"}}),
    ),
    case(
        "autocreate-misspelt-field",
        "PT203",
        "services[0].elb.autocreate.bandwith_size",
        service(elb={"class": "shared", "autocreate": {"type": "inner", "bandwith_size": 5}}),
        service(elb={"class": "shared", "autocreate": {"type": "inner"}}),
    ),
    case(
        "autocreate-type-outside-enum",
        "PT203",
        "services[0].elb.autocreate.type",
        service(elb={"class": "shared", "autocreate": {"type": "private"}}),
        service(elb={"class": "shared", "autocreate": {"type": "inner"}}),
    ),
    case(
        "autocreate-vip-address-ipv6",
        "PT203",
        "services[0].elb.autocreate.vip_address",
        service(elb={"class": "shared", "autocreate": {"type": "inner", "vip_address": "fd00::9"}}),
        service(elb={"class": "shared", "autocreate": {"type": "inner", "vip_address": "192.168.0.9"}}),
    ),
    case(
        "public-without-bandwidth",
        "PT204",
        "services[0].elb.autocreate",
        service(elb={"class": "shared", "autocreate": {"type": "public", "bandwidth_size": 5}}),
        service(elb={"class": "shared", "autocreate": {"type": "inner", "bandwidth_size": 5}}),
    ),
    case(
        "elb-name-with-space",
        "PT205",
        "services[0].elb.autocreate.name",
        service(elb={"class": "shared", "autocreate": {"type": "inner", "name": "my elb"}}),
        service(elb={"class": "shared", "autocreate": {"type": "inner", "name": "my-elb.v1_2"}}),
    ),
    case(
        "elb-name-65-characters",
        "PT205",
        "services[0].elb.autocreate.name",
        service(elb={"class": "shared", "autocreate": {"type": "inner", "name": "a" * 65}}),
        service(elb={"class": "shared", "autocreate": {"type": "inner", "name": "a" * 64}}),
    ),
    case(
        "bandwidth-off-the-50-step",
        "PT206",
        "services[0].elb.autocreate.bandwidth_size",
        service(elb={"class": "shared", "autocreate": {"type": "inner", "bandwidth_size": 351}}),
        service(elb={"class": "shared", "autocreate": {"type": "inner", "bandwidth_size": 350}}),
    ),
    case(
        "bandwidth-above-2000",
        "PT206",
        "services[0].elb.autocreate.bandwidth_size",
        service(elb={"class": "shared", "autocreate": {"type": "inner", "bandwidth_size": 2500}}),
        service(elb={"class": "shared", "autocreate": {"type": "inner", "bandwidth_size": 2000}}),
    ),
    case(
        "dedicated-without-az",
        "PT207",
        "services[0].elb.autocreate.available_zone",
        service(elb={"class": "dedicated", "autocreate": {"type": "inner", "l4_flavor_name": "x"}}, **NO_PT),
        service(elb=dedicated(), **NO_PT),
    ),
    case(
        "dedicated-tcp-without-l4-flavor",
        "PT207",
        "services[0].elb.autocreate.l4_flavor_name",
        service(
            elb={"class": "dedicated", "autocreate": {"type": "inner", "available_zone": ["a"]}}, **NO_PT
        ),
        service(
            elb={
                "class": "dedicated",
                "autocreate": {"type": "inner", "available_zone": ["a"], "l4_flavor_id": "f"},
            },
            **NO_PT,
        ),
    ),
    case(
        "dedicated-blank-available-zone-as-in-the-docs-example",
        "PT207",
        "services[0].elb.autocreate.available_zone",
        service(elb=dedicated(available_zone=[""]), **NO_PT),
        service(elb=dedicated(available_zone=["eu-de-01"]), **NO_PT),
    ),
    case(
        "dedicated-http-only-needs-l4-flavor-too-before-v1.25.4-r10",
        "PT207",
        "services[0].elb.autocreate.l4_flavor_name",
        service(
            elb=dedicated(l4_flavor_name="", l7_flavor_name="L7_flavor.elb.s1.small"),
            annotations=HTTP_80,
            **NO_PT,
        ),
        service(
            elb=dedicated(l4_flavor_name="", l7_flavor_name="L7_flavor.elb.s1.small"),
            annotations=HTTP_80,
            **NO_PT,
        ),
        {"version": "v1.25.3-r10"},
        {"version": "v1.25.4-r10"},
    ),
    case(
        "elastic-flavor-before-v1.23.8-r10",
        "PT108",
        "services[0].elb.autocreate.l4_flavor_name",
        service(elb=dedicated(l4_flavor_name="L4_flavor.elb.pro.max"), **NO_PT),
        service(elb=dedicated(l4_flavor_name="L4_flavor.elb.pro.max"), **NO_PT),
        {"version": "v1.23.7-r0"},
        {"version": "v1.23.8-r10"},
    ),
    case(
        "dedicated-field-on-shared",
        "PT208",
        "services[0].elb.autocreate.available_zone",
        service(elb={"class": "shared", "autocreate": {"type": "inner", "available_zone": ["a"]}}),
        service(elb=dedicated(), **NO_PT),
    ),
    case(
        "existing-id-not-a-uuid",
        "PT209",
        "services[0].elb.existing.id",
        service(elb={"class": "shared", "existing": {"id": "my-elb"}}),
        service(elb={"class": "shared", "existing": {"id": ELB_ID}}),
    ),
    case(
        "managed-elb-in-another-vpc",
        "PT210",
        "services[0].elb.managed.vpcId",
        service(elb=MANAGED_DEDICATED, **NO_PT),
        service(elb=MANAGED_DEDICATED, **NO_PT),
        {"vpcId": "vpc-b"},
        {"vpcId": "vpc-a"},
    ),
    case(
        "managed-dedicated-without-azs",
        "PT211",
        "services[0].elb.managed.availabilityZones",
        service(
            elb={**MANAGED_DEDICATED, "managed": {**MANAGED_DEDICATED["managed"], "availabilityZones": []}},
            **NO_PT,
        ),
        service(elb=MANAGED_DEDICATED, **NO_PT),
    ),
    case(
        "dedicated-http-listener-without-l7-flavor",
        "PT212",
        "services[0].elb.autocreate.l7_flavor_name",
        service(elb=dedicated(), annotations={"kubernetes.io/elb.protocol-port": "http:80"}, **NO_PT),
        service(
            elb=dedicated(l7_flavor_name="L7_flavor.elb.s1.small"),
            annotations={"kubernetes.io/elb.protocol-port": "http:80"},
            **NO_PT,
        ),
    ),
    case(
        "managed-dedicated-http-listener-without-l7-flavor",
        "PT212",
        "services[0].elb.managed.l7FlavorId",
        service(elb=MANAGED_DEDICATED, annotations={"kubernetes.io/elb.protocol-port": "http:80"}, **NO_PT),
        service(
            elb={**MANAGED_DEDICATED, "managed": {**MANAGED_DEDICATED["managed"], "l7FlavorId": "l7"}},
            annotations={"kubernetes.io/elb.protocol-port": "http:80"},
            **NO_PT,
        ),
    ),
    case(
        "bandwidth-fields-without-type-public",
        "PT213",
        "services[0].elb.autocreate.type",
        service(elb={"class": "shared", "autocreate": {"bandwidth_size": 5, "eip_type": "5_bgp"}}),
        service(elb={"class": "shared", "autocreate": {"type": "public", **PUBLIC_FIELDS}}),
    ),
    case(
        "public-autocreate-without-bandwidth-chargemode-huawei-defaults",
        "PT216",
        "services[0].elb.autocreate",
        service(
            elb={
                "class": "shared",
                "autocreate": {"type": "public", **PUBLIC_FIELDS, "bandwidth_chargemode": None},
            }
        ),
        service(elb={"class": "shared", "autocreate": {"type": "public", **PUBLIC_FIELDS}}),
    ),
    case(
        "elastic-l4-with-fixed-l7-flavor",
        "PT214",
        "services[0].elb.autocreate.l7_flavor_name",
        service(
            elb=dedicated(l4_flavor_name="L4_flavor.elb.pro.max", l7_flavor_name="L7_flavor.elb.s1.small"),
            **NO_PT,
        ),
        service(
            elb=dedicated(l4_flavor_name="L4_flavor.elb.pro.max", l7_flavor_name="L7_flavor.elb.pro.max"),
            **NO_PT,
        ),
    ),
    case(
        "pass-through-annotation-by-hand",
        "PT304",
        'services[0].annotations["kubernetes.io/elb.pass-through"]',
        service(externalTrafficPolicy="Local", annotations={"kubernetes.io/elb.pass-through": "true"}),
        service(externalTrafficPolicy="Local"),
    ),
    case(
        "port-out-of-range",
        "PT401",
        "services[0].ports[0].port",
        service(ports=[{"name": "http", "port": 70000}]),
        service(ports=[{"name": "http", "port": 65535}]),
    ),
    case(
        "selector-not-among-the-pod-labels",
        "PT401",
        "services[0].selector",
        service(labels={"app": "nginx"}, selector={"app": "web"}),
        service(labels={"app": "nginx", "tier": "web"}, selector={"app": "nginx"}),
    ),
    case(
        "container-name-not-dns-1123",
        "PT401",
        "services[0].containerName",
        service(containerName="Container_0"),
        service(containerName="container-0"),
    ),
    case(
        "node-port-out-of-range",
        "PT401",
        "services[0].ports[0].nodePort",
        service(ports=[{"name": "http", "port": 80, "nodePort": 29999}]),
        service(ports=[{"name": "http", "port": 80, "nodePort": 30000}]),
    ),
    case(
        "same-port-twice-in-a-service",
        "PT401",
        "services[0].ports[1].port",
        service(ports=[{"name": "a", "port": 53}, {"name": "b", "port": 53}]),
        service(ports=[{"name": "a", "port": 53}, {"name": "b", "port": 53, "protocol": "UDP"}]),
    ),
    case(
        "port-name-not-dns-1123",
        "PT401",
        "services[0].ports[0].name",
        service(ports=[{"name": "Http", "port": 80}]),
        service(ports=[{"name": "80-tcp", "port": 80}]),
    ),
    case(
        "port-name-of-16-characters-reused-as-container-port-name",
        "PT401",
        "services[0].ports[0].name",
        service(ports=[{"name": "http-metrics-port", "port": 80, "targetPort": 8080}]),
        service(ports=[{"name": "http-metrics-port", "port": 80, "targetPort": "metrics"}]),
    ),
    case(
        "sticky-sessions-on-standard-with-cluster-policy",
        "PT409",
        'services[0].annotations["kubernetes.io/elb.session-affinity-mode"]',
        service(annotations=STICKY),
        service(annotations=STICKY, externalTrafficPolicy="Local"),
    ),
    case(
        "sctp-port-on-a-load-balancer",
        "PT410",
        "services[0].ports[0].protocol",
        service(ports=[{"name": "sig", "port": 3868, "protocol": "SCTP"}]),
        service(ports=[{"name": "sig", "port": 3868, "protocol": "TCP"}]),
    ),
    case(
        "tcp-and-udp-in-one-service-before-v1.24",
        "PT411",
        "services[0].ports",
        service(ports=[{"name": "dns-tcp", "port": 53}, {"name": "dns-udp", "port": 53, "protocol": "UDP"}]),
        service(ports=[{"name": "dns-tcp", "port": 53}, {"name": "dns-udp", "port": 53, "protocol": "UDP"}]),
        {"version": "v1.23.17-r0"},
        {"version": "v1.25.1-r0"},
    ),
    case(
        "owned-annotation-by-hand",
        "PT403",
        'services[0].annotations["kubernetes.io/elb.class"]',
        service(annotations={"kubernetes.io/elb.class": "union"}),
        service(annotations={"kubernetes.io/elb.lb-algorithm": "ROUND_ROBIN"}),
    ),
]


@pytest.mark.parametrize(("code", "field", "trigger", "neighbour"), CASES)
def test_each_documented_service_rule_fires_where_cce_refuses_and_not_next_to_it(
    code: str, field: str, trigger: tuple[Any, Services], neighbour: tuple[Any, Services]
) -> None:
    """The rule in the test id fires on the configuration the CCE documentation refuses (the trigger) and not
    on the closest one it allows (the neighbour)."""
    found = by_code(evaluate(*trigger), code)
    assert [f.field for f in found].count(field) >= 1, [f.render() for f in evaluate(*trigger)]
    for finding in found:
        assert finding.resource == "web" and finding.message and finding.fix
    assert code not in codes(evaluate(*neighbour)), [f.render() for f in evaluate(*neighbour)]


def test_a_did_you_mean_names_the_autocreate_field_meant() -> None:
    [finding] = by_code(
        evaluate(
            CLUSTER, [service(elb={"class": "shared", "autocreate": {"type": "inner", "bandwith_size": 5}})]
        ),
        "PT203",
    )
    assert "Did you mean 'bandwidth_size'?" in finding.message


def test_bandwidth_fix_names_the_nearest_sizes_on_the_grid() -> None:
    [finding] = by_code(
        evaluate(
            CLUSTER,
            [service(elb={"class": "shared", "autocreate": {"type": "inner", "bandwidth_size": 1200}})],
        ),
        "PT206",
    )
    assert finding.fix == "Use 1000 or 1500 Mbit/s."


def test_version_gate_fix_names_the_release_of_the_clusters_minor() -> None:
    auto = {"type": "inner", "vip_address": "192.168.0.9"}
    [finding] = by_code(
        evaluate({**CLUSTER, "version": "v1.27"}, [service(elb={"class": "shared", "autocreate": auto})]),
        "PT107",
    )
    assert "v1.27.3-r0" in finding.fix


@pytest.mark.parametrize(
    ("version", "code"),
    [
        ("v1.23.11-r0", None),
        ("v1.23", "PT107"),
        ("v1.24.99-r9", "PT108"),
        ("v1.29", None),
        ("v1.21", "PT108"),
    ],
    ids=["listed-release", "minor-only", "unlisted-minor-between", "newer-minor", "older-minor"],
)
def test_per_minor_gate_outcomes(version: str, code: str | None) -> None:
    auto = {"type": "inner", "vip_address": "192.168.0.9"}
    found = codes(
        evaluate(
            {**CLUSTER, "version": version}, [service(elb={"class": "shared", "autocreate": auto}, **NO_PT)]
        )
    )
    assert found & {"PT107", "PT108"} == ({code} if code else set())
