"""The rules against what CCE's documentation says, case by case (issue 9 part A): what the docs allow
passes, each fix leads to a configuration that passes, and what the docs forbid or warn about is found."""

from __future__ import annotations

from typing import Any

import pytest

from cce_passthrough.core import annotations as ann
from cce_passthrough.core.diagnostics import Severity, errors
from cce_passthrough.core.versions import CceVersion
from cce_passthrough.offline.manifests import ManifestError, validate
from cce_passthrough.rules.catalogue import CATALOGUE
from cce_passthrough.rules.config import parse_service
from helpers import service as service_config
from helpers.rule_cases import CLUSTER, by_code, codes, dedicated, evaluate

TURBO = {**CLUSTER, "flavor": "turbo"}
HTTP_ONLY = {"kubernetes.io/elb.protocol-port": "http:80"}
STICKY = {"kubernetes.io/elb.session-affinity-mode": "SOURCE_IP"}
L7_ONLY = {"l4_flavor_name": None, "l7_flavor_name": "L7_flavor.elb.s1.small"}


def _errors(cluster: dict[str, Any], *services: dict[str, Any]) -> list[str]:
    return [d.render() for d in errors(evaluate(cluster, list(services)))]


def _dedicated_l7_only() -> dict[str, Any]:
    elb = dedicated()
    elb["autocreate"] = {k: v for k, v in {**elb["autocreate"], **L7_ONLY}.items() if v is not None}
    return elb


# --- A1: PT104 was a misreading ---------------------------------------------------------------------


def test_the_pass_through_page_example_with_a_shared_elb_passes_on_cce_turbo() -> None:
    seed = service_config(
        externalTrafficPolicy="Cluster",
        elb={"class": "shared", "autocreate": {"type": "inner", "name": "james"}},
    )
    assert _errors(TURBO, seed) == []
    assert "PT104" not in codes(evaluate(TURBO, [seed]))


def test_pt104_is_retired_never_raised_and_not_listed() -> None:
    rule = CATALOGUE["PT104"]
    assert rule.retired and "never reused" in rule.rationale
    for flavor in ("standard", "turbo"):
        for pass_through in (True, False):
            found = evaluate({**CLUSTER, "flavor": flavor}, [service_config(passThrough=pass_through)])
            assert "PT104" not in codes(found)


# --- A2: externalTrafficPolicy: Local sets onlyLocal whatever passThrough says -----------------------


@pytest.mark.parametrize("version", ["v1.15", "v1.17", "v1.28"])
def test_local_affinity_makes_cce_set_only_local_even_with_pass_through_false(version: str) -> None:
    found = evaluate(
        {**CLUSTER, "version": version}, [service_config(externalTrafficPolicy="Local", passThrough=False)]
    )
    [note] = by_code(found, "PT110")
    assert note.severity is Severity.INFO and note.field == "services[0].passThrough"
    assert "onlyLocal" in note.message
    # the user asked for no pass-through: the pass-through version rules have nothing to say
    assert codes(found) & {"PT101", "PT102"} == set()
    assert errors(found) == []


def test_the_component_sends_only_local_with_local_affinity_whatever_pass_through_says() -> None:
    service, found = parse_service(service_config(externalTrafficPolicy="Local", passThrough=False), "")
    assert service is not None and not found
    assert ann.static_annotations(service)[ann.PASS_THROUGH] == "onlyLocal"


@pytest.mark.parametrize(
    ("version", "code", "fixed"),
    [
        ("v1.15", "PT101", {"passThrough": False}),
        ("v1.17", "PT102", {"passThrough": False}),
    ],
)
def test_pass_through_version_rules_fix_by_pass_through_false_leads_to_a_pass(
    version: str, code: str, fixed: dict[str, Any]
) -> None:
    cluster = {**CLUSTER, "version": version}
    for policy in ("Cluster", "Local"):
        assert code in codes(evaluate(cluster, [service_config(externalTrafficPolicy=policy)]))
        assert "passThrough: false" in CATALOGUE[code].fix
        after = evaluate(cluster, [service_config(externalTrafficPolicy=policy, **fixed)])
        assert errors(after) == [] and code not in codes(after)


def test_turbo_with_host_network_pods_and_local_affinity_passes_as_pt105_says() -> None:
    broken = service_config(externalTrafficPolicy="Local")
    assert "PT105" in codes(evaluate(TURBO, [broken]))
    assert "hostNetwork: true" in CATALOGUE["PT105"].fix
    for elb in ({"class": "shared", "autocreate": {"type": "inner"}}, dedicated()):
        assert _errors(TURBO, service_config(externalTrafficPolicy="Local", hostNetwork=True, elb=elb)) == []


# --- A3: sticky sessions on CCE Standard need Local ------------------------------------------------


def test_sticky_sessions_on_cce_standard_with_cluster_affinity_warn() -> None:
    [finding] = by_code(evaluate(CLUSTER, [service_config(annotations=STICKY)]), "PT409")
    assert finding.severity is Severity.WARNING
    assert "externalTrafficPolicy: Local" in finding.fix and "anti-affinity" in finding.fix


def test_sticky_sessions_with_node_level_affinity_as_the_best_practice_shows_pass() -> None:
    found = evaluate(CLUSTER, [service_config(annotations=STICKY, externalTrafficPolicy="Local")])
    assert "PT409" not in codes(found) and errors(found) == []


def test_sticky_sessions_on_cce_turbo_with_a_dedicated_elb_need_no_affinity() -> None:
    found = evaluate(TURBO, [service_config(annotations=STICKY, elb=dedicated())])
    assert "PT409" not in codes(found) and errors(found) == []


# --- A4: bandwidth and EIP fields without type: public ----------------------------------------------


@pytest.mark.parametrize("type_", [None, "inner"])
def test_bandwidth_fields_without_type_public_are_flagged_cce_creates_no_eip(type_: str | None) -> None:
    auto: dict[str, Any] = {"bandwidth_name": "bw", "bandwidth_size": 5, "eip_type": "5_bgp"}
    if type_:
        auto["type"] = type_
    [finding] = by_code(
        evaluate(CLUSTER, [service_config(elb={"class": "shared", "autocreate": auto})]), "PT213"
    )
    assert finding.severity is Severity.WARNING and finding.field == "services[0].elb.autocreate.type"
    assert "bandwidth_name, bandwidth_size, eip_type" in finding.message


# --- A5: PT207 as the HTTP/HTTPS page words it --------------------------------------------------------


@pytest.mark.parametrize(
    "version", ["v1.19.16-r50", "v1.21.11-r10", "v1.23.9-r10", "v1.25.4-r10", "v1.27.1-r10", "v1.28"]
)
def test_an_http_only_dedicated_elb_needs_only_an_l7_flavor_from_the_documented_releases(
    version: str,
) -> None:
    service = service_config(elb=_dedicated_l7_only(), annotations=HTTP_ONLY, passThrough=False)
    assert _errors({**CLUSTER, "version": version}, service) == []


@pytest.mark.parametrize("version", ["v1.19.16-r4", "v1.21.11-r0", "v1.23.9-r0", "v1.25.4-r0", "v1.27.0-r9"])
def test_before_those_releases_an_http_only_dedicated_elb_needs_an_l4_flavor_too(version: str) -> None:
    service = service_config(elb=_dedicated_l7_only(), annotations=HTTP_ONLY, passThrough=False)
    [finding] = by_code(evaluate({**CLUSTER, "version": version}, [service]), "PT207")
    assert finding.field == "services[0].elb.autocreate.l4_flavor_name"
    fixed = service_config(
        elb=dedicated(l7_flavor_name="L7_flavor.elb.s1.small"), annotations=HTTP_ONLY, passThrough=False
    )
    assert "PT207" not in codes(evaluate({**CLUSTER, "version": version}, [fixed]))


def test_an_http_only_dedicated_elb_on_a_minor_only_version_is_unproven_not_an_error() -> None:
    service = service_config(elb=_dedicated_l7_only(), annotations=HTTP_ONLY, passThrough=False)
    found = evaluate({**CLUSTER, "version": "v1.25"}, [service])
    assert errors(found) == [] and "PT107" in codes(found)


def test_a_tcp_listener_next_to_http_still_needs_an_l4_flavor() -> None:
    service = service_config(
        elb=_dedicated_l7_only(),
        annotations=HTTP_ONLY,
        ports=[{"name": "http", "port": 80}, {"name": "raw", "port": 9000}],
        passThrough=False,
    )
    [finding] = by_code(evaluate(CLUSTER, [service]), "PT207")
    assert "9000/TCP" in finding.message


@pytest.mark.parametrize(
    ("l4", "l7", "mismatch"),
    [
        ("L4_flavor.elb.pro.max", "L7_flavor.elb.pro.max", False),
        ("L4_flavor.elb.s1.small", "L7_flavor.elb.s2.medium", False),
        ("L4_flavor.elb.pro.max", "L7_flavor.elb.s1.small", True),
        ("L4_flavor.elb.s1.small", "L7_flavor.elb.pro.max", True),
    ],
)
def test_l4_and_l7_flavors_are_both_elastic_or_both_fixed(l4: str, l7: str, mismatch: bool) -> None:
    service = service_config(elb=dedicated(l4_flavor_name=l4, l7_flavor_name=l7), passThrough=False)
    assert ("PT214" in codes(evaluate(CLUSTER, [service]))) is mismatch


@pytest.mark.parametrize(
    ("version", "code"),
    [("v1.21.10-r10", None), ("v1.23.8-r0", "PT108"), ("v1.25", "PT107"), ("v1.19.16-r80", "PT108")],
)
def test_elastic_flavors_need_v1_21_10_r10_v1_23_8_r10_v1_25_3_r10(version: str, code: str | None) -> None:
    service = service_config(elb=dedicated(l4_flavor_name="L4_flavor.elb.pro.max"), passThrough=False)
    found = by_code(evaluate({**CLUSTER, "version": version}, [service]), code or "PT108")
    assert [f.field for f in found] == (["services[0].elb.autocreate.l4_flavor_name"] if code else [])


@pytest.mark.parametrize(
    ("field", "value"),
    [("available_zone", [""]), ("available_zone", ["  "]), ("l4_flavor_name", ""), ("l4_flavor_name", " ")],
)
def test_blank_zone_or_flavor_names_count_as_missing(field: str, value: Any) -> None:
    found = by_code(
        evaluate(CLUSTER, [service_config(elb=dedicated(**{field: value}), passThrough=False)]), "PT207"
    )
    assert [f.field for f in found] == [f"services[0].elb.autocreate.{field}"]


# --- A6: externalTrafficPolicy and protocol-port are taken only at creation --------------------------


def test_changing_external_traffic_policy_or_protocol_port_replaces_the_service() -> None:
    paths = ann.replace_on_changes_paths()
    assert "spec.externalTrafficPolicy" in paths
    assert 'metadata.annotations["kubernetes.io/elb.protocol-port"]' in paths
    assert ann.short_field_name("spec.externalTrafficPolicy") == "externalTrafficPolicy"
    # protocol-port stays a user annotation: replacing on its change does not make it owned
    assert "kubernetes.io/elb.protocol-port" not in ann.OWNED


# --- A7: SCTP and mixed protocols -----------------------------------------------------------------------


def test_an_sctp_port_on_a_load_balancer_service_is_an_error() -> None:
    [finding] = by_code(
        evaluate(CLUSTER, [service_config(ports=[{"name": "s", "port": 9, "protocol": "SCTP"}])]), "PT410"
    )
    assert finding.severity is Severity.ERROR and finding.field == "services[0].ports[0].protocol"


@pytest.mark.parametrize(("version", "warned"), [("v1.23", True), ("v1.21.7-r0", True), ("v1.25", False)])
def test_tcp_and_udp_mixed_in_one_service_needs_kubernetes_1_24(version: str, warned: bool) -> None:
    ports = [{"name": "dns", "port": 53}, {"name": "dns-udp", "port": 53, "protocol": "UDP"}]
    found = evaluate({**CLUSTER, "version": version}, [service_config(ports=ports, passThrough=False)])
    assert ("PT411" in codes(found)) is warned
    assert errors(found) == []


# --- A8: port names reused as container port names -----------------------------------------------------


def test_a_port_name_of_16_characters_reused_as_the_container_port_name_is_an_error() -> None:
    name = "metrics-exporter"  # 16 characters: a fine Service port name, not a container port name
    [finding] = by_code(
        evaluate(CLUSTER, [service_config(ports=[{"name": name, "port": 80, "targetPort": 9100}])]), "PT401"
    )
    assert finding.field == "services[0].ports[0].name" and "15" in finding.message
    assert (
        errors(
            evaluate(CLUSTER, [service_config(ports=[{"name": "metrics", "port": 80, "targetPort": 9100}])])
        )
        == []
    )


def test_a_service_port_name_that_is_a_dns_1123_label_but_not_dns_1035_passes() -> None:
    assert _errors(CLUSTER, service_config(ports=[{"name": "80-tcp", "port": 80, "targetPort": 80}])) == []


def _deployment(port_name: str) -> dict[str, Any]:
    container = {"name": "web", "image": "nginx", "ports": [{"containerPort": 80, "name": port_name}]}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [container]}},
        },
    }


def test_the_rendered_manifest_check_rejects_a_container_port_name_the_api_server_rejects() -> None:
    # The OpenAPI schema types the name as a plain string: kubernetes-validate alone accepts 16 characters.
    import kubernetes_validate

    from cce_passthrough.offline.manifests import schema_version

    version = CceVersion.parse("v1.28")
    kubernetes_validate.validate(_deployment("metrics-exporter"), schema_version(version), strict=True)
    with pytest.raises(ManifestError, match=r"containers\.0\.ports\.0\.name.*15"):
        validate(_deployment("metrics-exporter"), version)
    validate(_deployment("metrics"), version)
