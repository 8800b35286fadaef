"""Rules across the services of a stack: pass-through agreement on one ELB under IPVS (PT302), listener
ports on one ELB (PT303), shareWith targets (PT305), unique names (PT401); and config shape (PT9xx)."""

from __future__ import annotations

from typing import Any

import pytest

from cce_passthrough.core.model import ClusterConfig
from cce_passthrough.rules.facts import declared_facts, reconcile
from helpers import service
from helpers.rule_cases import CLUSTER, ELB_ID, by_code, codes, dedicated, evaluate

IPVS = {**CLUSTER, "kubeProxyMode": "ipvs"}
SHARED_EXISTING = {"class": "shared", "existing": {"id": ELB_ID}}


def port(number: int, protocol: str = "TCP", name: str = "p") -> list[dict[str, Any]]:
    return [{"name": name, "port": number, "protocol": protocol}]


def sharing(name: str, **overrides: Any) -> dict[str, Any]:
    return service(name, elb={"class": "shared", "shareWith": "web"}, **overrides)


@pytest.mark.parametrize(
    ("cluster", "services", "expected"),
    [
        (IPVS, [service(), sharing("api", passThrough=False, ports=port(81))], {"PT302"}),
        (CLUSTER, [service(), sharing("api", passThrough=False, ports=port(81))], set()),
        (IPVS, [service(), sharing("api", ports=port(81))], set()),
        (IPVS, [service(), service("api", passThrough=False)], set()),
        (
            IPVS,
            [
                service(elb=SHARED_EXISTING),
                service("api", elb=SHARED_EXISTING, ports=port(81), passThrough=False),
            ],
            {"PT302"},
        ),
        (
            IPVS,
            [service(), sharing("api", externalTrafficPolicy="Local", passThrough=False, ports=port(81))],
            set(),
        ),
    ],
    ids=[
        "ipvs-mixed-pass-through-on-one-elb",
        "iptables-same-services-pass",
        "ipvs-agreeing-services-pass",
        "ipvs-separate-elbs-pass",
        "ipvs-mixed-on-one-existing-elb",
        "ipvs-local-counts-as-pass-through",
    ],
)
def test_pt302_pass_through_agreement(
    cluster: dict[str, Any], services: list[Any], expected: set[str]
) -> None:
    found = evaluate(cluster, services)
    assert codes(found) & {"PT302"} == expected, [f.render() for f in found]
    for finding in by_code(found, "PT302"):
        assert "on: web" in finding.message and "off: api" in finding.message
        assert finding.field.endswith(".passThrough")


@pytest.mark.parametrize(
    ("first", "second", "clash"),
    [
        (port(53, "UDP"), port(53, "TCP"), False),
        (port(80), port(80), True),
        (port(443, "TCP"), port(443, "UDP"), False),
        (port(53, "UDP"), port(53, "UDP"), True),
        (port(80), port(8080), False),
    ],
    ids=["udp-53-and-tcp-53-fine", "tcp-80-twice", "tcp-and-udp-443-fine", "udp-53-twice", "different-ports"],
)
def test_pt303_listener_ports_on_one_elb(first: list[Any], second: list[Any], clash: bool) -> None:
    found = evaluate(CLUSTER, [service(ports=first), sharing("api", ports=second)])
    [*clashes] = by_code(found, "PT303")
    assert bool(clashes) is clash, [f.render() for f in found]
    if clash:
        assert clashes[0].resource == "api" and clashes[0].field == "services[1].ports[0].port"
        assert "already a listener of service 'web'" in clashes[0].message


def test_pt303_an_http_listener_shares_the_tcp_port_space() -> None:
    web = service(annotations={"kubernetes.io/elb.protocol-port": "http:80"})
    assert "PT303" in codes(evaluate(CLUSTER, [web, sharing("api", ports=port(80))]))


def test_pt303_ports_on_different_elbs_do_not_clash() -> None:
    assert "PT303" not in codes(evaluate(CLUSTER, [service(), service("api")]))


@pytest.mark.parametrize(
    ("services", "message"),
    [
        ([sharing("api")], "no service named 'web'"),
        (
            [service(), sharing("api"), service("ops", elb={"class": "shared", "shareWith": "api"})],
            "chains are not followed",
        ),
        (
            [service(), service("api", elb={"class": "dedicated", "shareWith": "web"}, passThrough=False)],
            "differs",
        ),
        ([service(elb={"class": "shared", "shareWith": "web"})], "cannot share its own ELB"),
    ],
    ids=["target-missing", "target-shares-itself", "other-class", "itself"],
)
def test_pt305_share_with_targets(services: list[Any], message: str) -> None:
    found = by_code(evaluate(CLUSTER, services), "PT305")
    assert found and message in found[0].message and found[0].field.endswith(".elb.shareWith")


def test_pt305_a_valid_share_with_passes() -> None:
    found = evaluate(
        CLUSTER,
        [
            service(elb=dedicated(), passThrough=False),
            service("api", elb={"class": "dedicated", "shareWith": "web"}, ports=port(81), passThrough=False),
        ],
    )
    assert "PT305" not in codes(found), [f.render() for f in found]


def test_two_services_of_one_name_are_pt401() -> None:
    found = by_code(evaluate(CLUSTER, [service(), service()]), "PT401")
    assert [f.field for f in found] == ["services[1].name"]
    assert by_code(evaluate(CLUSTER, [service(), service("api")]), "PT401") == []


# --- configuration shape ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cluster", "services", "code", "field", "words"),
    [
        (CLUSTER, [service(replica=2)], "PT901", "services[0].replica", "Did you mean 'replicas'?"),
        (
            {**CLUSTER, "kubeProxymode": "ipvs"},
            [service()],
            "PT901",
            "cluster.kubeProxymode",
            "'kubeProxyMode'",
        ),
        (CLUSTER, [service(ports=[{"port": "80"}])], "PT902", "services[0].ports[0].port", "whole number"),
        (CLUSTER, [service(replicas=2.5)], "PT902", "services[0].replicas", "2.5"),
        (CLUSTER, {"web": service()}, "PT902", "services", "must be a list"),
        (
            CLUSTER,
            [{"name": "web", "ports": [{"port": 80}], "elb": {"class": "shared"}}],
            "PT903",
            "services[0].image",
            "'image'",
        ),
        (None, [service()], "PT903", "cluster", "'cluster'"),
        (
            {k: v for k, v in CLUSTER.items() if k != "version"},
            [service()],
            "PT903",
            "cluster.version",
            "lookup",
        ),
        ({**CLUSTER, "version": "1.28-latest"}, [service()], "PT902", "cluster.version", "vX.Y"),
        (
            CLUSTER,
            [service(elb={"class": "shared", "autocreate": {"type": "public", "bandwidth_size": "5"}})],
            "PT203",
            "services[0].elb.autocreate.bandwidth_size",
            "whole number",
        ),
    ],
    ids=[
        "unknown-service-key",
        "unknown-cluster-key",
        "port-as-string",
        "replicas-as-float",
        "services-not-a-list",
        "image-missing",
        "cluster-missing",
        "version-missing-without-lookup",
        "version-unparsable",
        "autocreate-wrong-type",
    ],
)
def test_config_problems_are_coded_with_their_key_path(
    cluster: Any, services: Any, code: str, field: str, words: str
) -> None:
    found = evaluate(cluster, services)
    match = [f for f in found if f.code == code and f.field == field]
    assert match, [f.render() for f in found]
    assert words in match[0].message or words in match[0].fix


def test_one_broken_service_does_not_hide_the_findings_of_the_others() -> None:
    found = evaluate(CLUSTER, [service(replica=2), service("api", elb={"class": "shared"})])
    assert {(f.code, f.resource) for f in found} >= {("PT901", "web"), ("PT201", "api")}


def test_a_bad_value_is_pruned_and_the_rest_still_checked() -> None:
    broken = service(replicas="two", ports=[{"name": "http", "port": 70000}])
    assert {"PT902", "PT401"} <= codes(evaluate(CLUSTER, [broken]))


@pytest.mark.parametrize(
    ("declared", "found", "fields"),
    [
        ({"version": "v1.25"}, {"cluster_version": "v1.28.3-r0"}, ["cluster.version"]),
        ({"version": "v1.28"}, {"cluster_version": "v1.28.3-r0"}, []),
        ({"version": "v1.28.2-r0"}, {"cluster_version": "v1.28.3-r0"}, ["cluster.version"]),
        (
            {"flavor": "standard"},
            {"cluster_version": "v1.28", "container_network_type": "eni"},
            ["cluster.flavor"],
        ),
        ({"flavor": "turbo"}, {"cluster_version": "v1.28", "container_network_type": "eni"}, []),
        ({"vpc_id": "vpc-a"}, {"cluster_version": "v1.28", "vpc_id": "vpc-b"}, ["cluster.vpcId"]),
        ({}, {"cluster_version": "latest"}, ["cluster.version"]),
        (
            {"container_network_type": "overlay_l2"},
            {"cluster_version": "v1.28", "container_network_type": "vpc-router"},
            ["cluster.containerNetworkType"],
        ),
    ],
    ids=[
        "other-minor",
        "minor-agrees-with-patch",
        "other-patch",
        "eni-means-turbo",
        "turbo-agrees",
        "other-vpc",
        "unreadable-version",
        "other-network-type",
    ],
)
def test_pt904_declared_facts_against_the_lookup(
    declared: dict[str, Any], found: dict[str, Any], fields: list[str]
) -> None:
    facts, diags = reconcile(ClusterConfig(name="c", kube_proxy_mode="iptables", **declared), found)
    assert [(d.code, d.field) for d in diags] == [("PT904", f) for f in fields]
    assert (facts is None) is bool(fields)


@pytest.mark.parametrize(
    ("flavor", "network_type", "flagged"),
    [
        ("turbo", "eni", False),
        ("turbo", "vpc-router", True),
        ("standard", "overlay_l2", False),
        ("standard", "vpc-router", False),
        ("standard", "eni", True),
    ],
)
def test_pt120_cce_turbo_runs_cloud_native_2_0_and_cce_standard_a_tunnel_or_vpc_network(
    flavor: str, network_type: str, flagged: bool
) -> None:
    """cce_10_0281: Cloud Native Network 2.0 is the network of CCE Turbo clusters; tunnel and VPC networks
    are those of CCE Standard clusters."""
    cluster = {**CLUSTER, "flavor": flavor, "containerNetworkType": network_type}
    found = [f for f in evaluate(cluster, [service()]) if f.code == "PT120"]
    assert [f.field for f in found] == (["cluster.containerNetworkType"] if flagged else [])


def test_a_turbo_cluster_without_a_declared_network_type_runs_cloud_native_2_0() -> None:
    facts, diags = declared_facts(ClusterConfig(version="v1.28", flavor="turbo", kube_proxy_mode="ipvs"))
    assert diags == [] and facts is not None and facts.network_model == "cloud-native-2.0"


def test_the_looked_up_network_type_becomes_the_network_model() -> None:
    facts, _ = reconcile(
        ClusterConfig(name="c", kube_proxy_mode="iptables"),
        {"cluster_version": "v1.28", "container_network_type": "overlay_l2"},
    )
    assert facts is not None and facts.network_model == "tunnel"
