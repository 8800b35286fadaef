"""Single-service rules (PT1xx, PT2xx, PT304, PT401, PT403): for each, a stack that triggers it and a
close neighbour that must not. Evaluated purely: parse_stack + evaluate, no Pulumi engine."""

from __future__ import annotations

from typing import Any

import pytest
from rulekit import CLUSTER, ELB_ID, by_code, codes, dedicated, evaluate, svc

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
        id=name,
    )


V = "version"
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
    case("pass-through-on-v1.15", "PT101", "services[0].passThrough", svc(), svc(**NO_PT), {V: "v1.15"}),
    case(
        "pass-through-on-v1.17", "PT102", "services[0].passThrough", svc(), svc(), {V: "v1.17"}, {V: "v1.19"}
    ),
    case(
        "dedicated-before-v1.17",
        "PT103",
        "services[0].elb.class",
        svc(elb=dedicated(), **NO_PT),
        svc(elb=dedicated(), **NO_PT),
        {V: "v1.15"},
        {V: "v1.17"},
    ),
    case(
        "turbo-local-without-host-network",
        "PT105",
        "services[0].externalTrafficPolicy",
        svc(elb=dedicated(), externalTrafficPolicy="Local"),
        svc(elb=dedicated(), externalTrafficPolicy="Local", hostNetwork=True),
        {"flavor": "turbo"},
    ),
    case(
        "standard-dedicated-pass-through",
        "PT106",
        "services[0].elb.class",
        svc(elb=dedicated()),
        svc(elb=dedicated(), **NO_PT),
    ),
    case(
        "local-traffic-policy-sets-only-local-despite-pass-through-false",
        "PT110",
        "services[0].passThrough",
        svc(externalTrafficPolicy="Local", **NO_PT),
        svc(externalTrafficPolicy="Local"),
    ),
    case(
        "patch-gate-unproven-from-minor",
        "PT107",
        "services[0].elb.autocreate.vip_address",
        svc(elb={"class": "shared", "autocreate": {"type": "inner", "vip_address": "192.168.0.9"}}),
        svc(elb={"class": "shared", "autocreate": {"type": "inner", "vip_address": "192.168.0.9"}}),
        {V: "v1.25"},
        {V: "v1.25.6-r0"},
    ),
    case(
        "autocreate-field-on-too-old-cluster",
        "PT108",
        "services[0].elb.autocreate.vip_subnet_cidr_id",
        svc(elb={"class": "shared", "autocreate": {"type": "inner", "vip_subnet_cidr_id": "sub"}}, **NO_PT),
        svc(elb={"class": "shared", "autocreate": {"type": "inner", "vip_subnet_cidr_id": "sub"}}, **NO_PT),
        {V: "v1.19.16-r0"},
        {V: "v1.21.0-r0"},
    ),
    case(
        "patch-release-below-gate",
        "PT108",
        "services[0].elb.autocreate.vip_address",
        svc(elb={"class": "shared", "autocreate": {"type": "inner", "vip_address": "192.168.0.9"}}),
        svc(elb={"class": "shared", "autocreate": {"type": "inner", "vip_address": "192.168.0.9"}}),
        {V: "v1.25.5-r9"},
        {V: "v1.25.6-r0"},
    ),
    case(
        "two-elb-sources",
        "PT201",
        "services[0].elb",
        svc(elb={"class": "shared", "autocreate": {"type": "inner"}, "existing": {"id": ELB_ID}}),
        svc(elb={"class": "shared", "existing": {"id": ELB_ID}}),
    ),
    case(
        "no-elb-source",
        "PT201",
        "services[0].elb",
        svc(elb={"class": "shared"}),
        svc(elb={"class": "shared", "shareWith": "other"}),
    ),
    case(
        "elb-class-unknown",
        "PT202",
        "services[0].elb.class",
        svc(elb={"class": "classic", "autocreate": {"type": "inner"}}),
        svc(elb={"class": "union", "autocreate": {"type": "inner"}}),
    ),
    case(
        "elb-class-missing",
        "PT202",
        "services[0].elb.class",
        svc(elb={"autocreate": {"type": "inner"}}),
        svc(elb={"class": "performance", "autocreate": {"type": "inner"}}),
    ),
    case(
        "autocreate-misspelt-field",
        "PT203",
        "services[0].elb.autocreate.bandwith_size",
        svc(elb={"class": "shared", "autocreate": {"type": "inner", "bandwith_size": 5}}),
        svc(elb={"class": "shared", "autocreate": {"type": "inner"}}),
    ),
    case(
        "autocreate-type-outside-enum",
        "PT203",
        "services[0].elb.autocreate.type",
        svc(elb={"class": "shared", "autocreate": {"type": "private"}}),
        svc(elb={"class": "shared", "autocreate": {"type": "inner"}}),
    ),
    case(
        "autocreate-vip-address-ipv6",
        "PT203",
        "services[0].elb.autocreate.vip_address",
        svc(elb={"class": "shared", "autocreate": {"type": "inner", "vip_address": "fd00::9"}}),
        svc(elb={"class": "shared", "autocreate": {"type": "inner", "vip_address": "192.168.0.9"}}),
    ),
    case(
        "public-without-bandwidth",
        "PT204",
        "services[0].elb.autocreate",
        svc(elb={"class": "shared", "autocreate": {"type": "public", "bandwidth_size": 5}}),
        svc(elb={"class": "shared", "autocreate": {"type": "inner", "bandwidth_size": 5}}),
    ),
    case(
        "elb-name-with-space",
        "PT205",
        "services[0].elb.autocreate.name",
        svc(elb={"class": "shared", "autocreate": {"type": "inner", "name": "my elb"}}),
        svc(elb={"class": "shared", "autocreate": {"type": "inner", "name": "my-elb.v1_2"}}),
    ),
    case(
        "elb-name-65-characters",
        "PT205",
        "services[0].elb.autocreate.name",
        svc(elb={"class": "shared", "autocreate": {"type": "inner", "name": "a" * 65}}),
        svc(elb={"class": "shared", "autocreate": {"type": "inner", "name": "a" * 64}}),
    ),
    case(
        "bandwidth-off-the-50-step",
        "PT206",
        "services[0].elb.autocreate.bandwidth_size",
        svc(elb={"class": "shared", "autocreate": {"type": "inner", "bandwidth_size": 351}}),
        svc(elb={"class": "shared", "autocreate": {"type": "inner", "bandwidth_size": 350}}),
    ),
    case(
        "bandwidth-above-2000",
        "PT206",
        "services[0].elb.autocreate.bandwidth_size",
        svc(elb={"class": "shared", "autocreate": {"type": "inner", "bandwidth_size": 2500}}),
        svc(elb={"class": "shared", "autocreate": {"type": "inner", "bandwidth_size": 2000}}),
    ),
    case(
        "dedicated-without-az",
        "PT207",
        "services[0].elb.autocreate.available_zone",
        svc(elb={"class": "dedicated", "autocreate": {"type": "inner", "l4_flavor_name": "x"}}, **NO_PT),
        svc(elb=dedicated(), **NO_PT),
    ),
    case(
        "dedicated-tcp-without-l4-flavor",
        "PT207",
        "services[0].elb.autocreate.l4_flavor_name",
        svc(elb={"class": "dedicated", "autocreate": {"type": "inner", "available_zone": ["a"]}}, **NO_PT),
        svc(
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
        svc(elb=dedicated(available_zone=[""]), **NO_PT),
        svc(elb=dedicated(available_zone=["eu-de-01"]), **NO_PT),
    ),
    case(
        "dedicated-http-only-needs-l4-flavor-too-before-v1.25.4-r10",
        "PT207",
        "services[0].elb.autocreate.l4_flavor_name",
        svc(
            elb=dedicated(l4_flavor_name="", l7_flavor_name="L7_flavor.elb.s1.small"),
            annotations=HTTP_80,
            **NO_PT,
        ),
        svc(
            elb=dedicated(l4_flavor_name="", l7_flavor_name="L7_flavor.elb.s1.small"),
            annotations=HTTP_80,
            **NO_PT,
        ),
        {V: "v1.25.3-r10"},
        {V: "v1.25.4-r10"},
    ),
    case(
        "elastic-flavor-before-v1.23.8-r10",
        "PT108",
        "services[0].elb.autocreate.l4_flavor_name",
        svc(elb=dedicated(l4_flavor_name="L4_flavor.elb.pro.max"), **NO_PT),
        svc(elb=dedicated(l4_flavor_name="L4_flavor.elb.pro.max"), **NO_PT),
        {V: "v1.23.7-r0"},
        {V: "v1.23.8-r10"},
    ),
    case(
        "dedicated-field-on-shared",
        "PT208",
        "services[0].elb.autocreate.available_zone",
        svc(elb={"class": "shared", "autocreate": {"type": "inner", "available_zone": ["a"]}}),
        svc(elb=dedicated(), **NO_PT),
    ),
    case(
        "existing-id-not-a-uuid",
        "PT209",
        "services[0].elb.existing.id",
        svc(elb={"class": "shared", "existing": {"id": "my-elb"}}),
        svc(elb={"class": "shared", "existing": {"id": ELB_ID}}),
    ),
    case(
        "managed-elb-in-another-vpc",
        "PT210",
        "services[0].elb.managed.vpcId",
        svc(elb=MANAGED_DEDICATED, **NO_PT),
        svc(elb=MANAGED_DEDICATED, **NO_PT),
        {"vpcId": "vpc-b"},
        {"vpcId": "vpc-a"},
    ),
    case(
        "managed-dedicated-without-azs",
        "PT211",
        "services[0].elb.managed.availabilityZones",
        svc(
            elb={**MANAGED_DEDICATED, "managed": {**MANAGED_DEDICATED["managed"], "availabilityZones": []}},
            **NO_PT,
        ),
        svc(elb=MANAGED_DEDICATED, **NO_PT),
    ),
    case(
        "dedicated-http-listener-without-l7-flavor",
        "PT212",
        "services[0].elb.autocreate.l7_flavor_name",
        svc(elb=dedicated(), annotations={"kubernetes.io/elb.protocol-port": "http:80"}, **NO_PT),
        svc(
            elb=dedicated(l7_flavor_name="L7_flavor.elb.s1.small"),
            annotations={"kubernetes.io/elb.protocol-port": "http:80"},
            **NO_PT,
        ),
    ),
    case(
        "managed-dedicated-http-listener-without-l7-flavor",
        "PT212",
        "services[0].elb.managed.l7FlavorId",
        svc(elb=MANAGED_DEDICATED, annotations={"kubernetes.io/elb.protocol-port": "http:80"}, **NO_PT),
        svc(
            elb={**MANAGED_DEDICATED, "managed": {**MANAGED_DEDICATED["managed"], "l7FlavorId": "l7"}},
            annotations={"kubernetes.io/elb.protocol-port": "http:80"},
            **NO_PT,
        ),
    ),
    case(
        "bandwidth-fields-without-type-public",
        "PT213",
        "services[0].elb.autocreate.type",
        svc(elb={"class": "shared", "autocreate": {"bandwidth_size": 5, "eip_type": "5_bgp"}}),
        svc(elb={"class": "shared", "autocreate": {"type": "public", **PUBLIC_FIELDS}}),
    ),
    case(
        "elastic-l4-with-fixed-l7-flavor",
        "PT214",
        "services[0].elb.autocreate.l7_flavor_name",
        svc(
            elb=dedicated(l4_flavor_name="L4_flavor.elb.pro.max", l7_flavor_name="L7_flavor.elb.s1.small"),
            **NO_PT,
        ),
        svc(
            elb=dedicated(l4_flavor_name="L4_flavor.elb.pro.max", l7_flavor_name="L7_flavor.elb.pro.max"),
            **NO_PT,
        ),
    ),
    case(
        "pass-through-annotation-by-hand",
        "PT304",
        'services[0].annotations["kubernetes.io/elb.pass-through"]',
        svc(externalTrafficPolicy="Local", annotations={"kubernetes.io/elb.pass-through": "true"}),
        svc(externalTrafficPolicy="Local"),
    ),
    case(
        "port-out-of-range",
        "PT401",
        "services[0].ports[0].port",
        svc(ports=[{"name": "http", "port": 70000}]),
        svc(ports=[{"name": "http", "port": 65535}]),
    ),
    case(
        "selector-not-among-the-pod-labels",
        "PT401",
        "services[0].selector",
        svc(labels={"app": "nginx"}, selector={"app": "web"}),
        svc(labels={"app": "nginx", "tier": "web"}, selector={"app": "nginx"}),
    ),
    case(
        "container-name-not-dns-1123",
        "PT401",
        "services[0].containerName",
        svc(containerName="Container_0"),
        svc(containerName="container-0"),
    ),
    case(
        "node-port-out-of-range",
        "PT401",
        "services[0].ports[0].nodePort",
        svc(ports=[{"name": "http", "port": 80, "nodePort": 29999}]),
        svc(ports=[{"name": "http", "port": 80, "nodePort": 30000}]),
    ),
    case(
        "same-port-twice-in-a-service",
        "PT401",
        "services[0].ports[1].port",
        svc(ports=[{"name": "a", "port": 53}, {"name": "b", "port": 53}]),
        svc(ports=[{"name": "a", "port": 53}, {"name": "b", "port": 53, "protocol": "UDP"}]),
    ),
    case(
        "port-name-not-dns-1123",
        "PT401",
        "services[0].ports[0].name",
        svc(ports=[{"name": "Http", "port": 80}]),
        svc(ports=[{"name": "80-tcp", "port": 80}]),
    ),
    case(
        "port-name-of-16-characters-reused-as-container-port-name",
        "PT401",
        "services[0].ports[0].name",
        svc(ports=[{"name": "http-metrics-port", "port": 80, "targetPort": 8080}]),
        svc(ports=[{"name": "http-metrics-port", "port": 80, "targetPort": "metrics"}]),
    ),
    case(
        "sticky-sessions-on-standard-with-cluster-policy",
        "PT409",
        'services[0].annotations["kubernetes.io/elb.session-affinity-mode"]',
        svc(annotations=STICKY),
        svc(annotations=STICKY, externalTrafficPolicy="Local"),
    ),
    case(
        "sctp-port-on-a-load-balancer",
        "PT410",
        "services[0].ports[0].protocol",
        svc(ports=[{"name": "sig", "port": 3868, "protocol": "SCTP"}]),
        svc(ports=[{"name": "sig", "port": 3868, "protocol": "TCP"}]),
    ),
    case(
        "tcp-and-udp-in-one-service-before-v1.24",
        "PT411",
        "services[0].ports",
        svc(ports=[{"name": "dns-tcp", "port": 53}, {"name": "dns-udp", "port": 53, "protocol": "UDP"}]),
        svc(ports=[{"name": "dns-tcp", "port": 53}, {"name": "dns-udp", "port": 53, "protocol": "UDP"}]),
        {V: "v1.23.17-r0"},
        {V: "v1.25.1-r0"},
    ),
    case(
        "owned-annotation-by-hand",
        "PT403",
        'services[0].annotations["kubernetes.io/elb.class"]',
        svc(annotations={"kubernetes.io/elb.class": "union"}),
        svc(annotations={"kubernetes.io/elb.lb-algorithm": "ROUND_ROBIN"}),
    ),
]


@pytest.mark.parametrize(("code", "field", "trigger", "neighbour"), CASES)
def test_rule_fires_on_its_fixture_and_not_on_the_neighbour(
    code: str, field: str, trigger: tuple[Any, Services], neighbour: tuple[Any, Services]
) -> None:
    found = by_code(evaluate(*trigger), code)
    assert [f.field for f in found].count(field) >= 1, [f.render() for f in evaluate(*trigger)]
    for finding in found:
        assert finding.resource == "web" and finding.message and finding.fix
    assert code not in codes(evaluate(*neighbour)), [f.render() for f in evaluate(*neighbour)]


def test_a_did_you_mean_names_the_autocreate_field_meant() -> None:
    [finding] = by_code(
        evaluate(
            CLUSTER, [svc(elb={"class": "shared", "autocreate": {"type": "inner", "bandwith_size": 5}})]
        ),
        "PT203",
    )
    assert "Did you mean 'bandwidth_size'?" in finding.message


def test_bandwidth_fix_names_the_nearest_sizes_on_the_grid() -> None:
    [finding] = by_code(
        evaluate(
            CLUSTER, [svc(elb={"class": "shared", "autocreate": {"type": "inner", "bandwidth_size": 1200}})]
        ),
        "PT206",
    )
    assert finding.fix == "Use 1000 or 1500 Mbit/s."


def test_version_gate_fix_names_the_release_of_the_clusters_minor() -> None:
    auto = {"type": "inner", "vip_address": "192.168.0.9"}
    [finding] = by_code(
        evaluate({**CLUSTER, V: "v1.27"}, [svc(elb={"class": "shared", "autocreate": auto})]), "PT107"
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
        evaluate({**CLUSTER, V: version}, [svc(elb={"class": "shared", "autocreate": auto}, **NO_PT)])
    )
    assert found & {"PT107", "PT108"} == ({code} if code else set())
