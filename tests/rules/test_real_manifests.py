"""Hand-written and read-back Services as CCE's documentation and clusters show them (issue 9 part B), through
the policy pack's manifest path: what the documentation allows is never an error; where the documents
disagree or are silent, a warning says so."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from cce_passthrough.core.diagnostics import Diagnostic, Severity, errors
from cce_passthrough.core.model import ClusterConfig
from cce_passthrough.rules.evaluate import evaluate
from cce_passthrough.rules.manifest_reader import stack_from_manifests

E = "kubernetes.io/elb."
ELB_ID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
PUBLIC_AUTOCREATE = (
    '{"type":"public","bandwidth_name":"cce-bandwidth","bandwidth_chargemode":"traffic","bandwidth_size":5,'
    '"bandwidth_sharetype":"PER","eip_type":"5_bgp","name":"james"}'
)


def cluster(version: str = "v1.31.1-r0", flavor: str = "standard") -> ClusterConfig:
    return ClusterConfig.model_validate({"version": version, "flavor": flavor, "kubeProxyMode": "iptables"})


def service(annotations: dict[str, str], **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "nginx", "annotations": annotations},
        "spec": {
            "type": "LoadBalancer",
            "selector": {"app": "nginx"},
            "ports": [{"name": "service0", "port": 80, "protocol": "TCP", "targetPort": 80}],
            **spec,
        },
    }


def read_back(manifest: dict[str, Any]) -> dict[str, Any]:
    """The Service as `kubectl get -o yaml` shows it once CCE has created its ELB."""
    result = copy.deepcopy(manifest)
    result["metadata"].update({"uid": "53191067-b9aa-4cc3-84df-ec4d5cbada74", "resourceVersion": "119775"})
    result["status"] = {"loadBalancer": {"ingress": [{"ip": "110.238.103.45"}, {"ip": "192.168.34.190"}]}}
    return result


def deployment(host_network: bool | None) -> dict[str, Any]:
    pod: dict[str, Any] = {"containers": [{"name": "container-0", "image": "nginx"}]}
    if host_network is not None:
        pod["hostNetwork"] = host_network
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "nginx"},
        "spec": {
            "selector": {"matchLabels": {"app": "nginx"}},
            "template": {"metadata": {"labels": {"app": "nginx"}}, "spec": pod},
        },
    }


def findings(*manifests: dict[str, Any], on: ClusterConfig | None = None) -> list[Diagnostic]:
    return evaluate(stack_from_manifests(list(manifests), on or cluster())).findings


def codes(found: list[Diagnostic]) -> set[str]:
    return {f.code for f in found}


EXISTING = {f"{E}class": "union", f"{E}id": ELB_ID}


# B1 -------------------------------------------------------------------------------------------------


def test_node_port_0_as_cce_examples_write_it_asks_kubernetes_to_pick_one() -> None:
    manifest = service(EXISTING)
    manifest["spec"]["ports"][0]["nodePort"] = 0
    assert errors(findings(manifest)) == []


# B2 -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["80-tcp", "cce-service-0", "metrics-exporter-http"])
def test_service_port_names_are_dns_1123_labels_and_not_reused_as_container_port_names(name: str) -> None:
    manifest = service(EXISTING)
    manifest["spec"]["ports"][0]["name"] = name
    assert errors(findings(manifest)) == []


def test_a_service_port_name_that_is_no_dns_1123_label_is_still_an_error() -> None:
    manifest = service(EXISTING)
    manifest["spec"]["ports"][0]["name"] = "HTTP_80"
    assert "PT401" in codes(errors(findings(manifest)))


# B3 -------------------------------------------------------------------------------------------------


def test_a_hand_written_service_without_elb_class_is_a_warning_naming_the_disagreement() -> None:
    found = findings(service({f"{E}id": ELB_ID}))
    [warning] = [f for f in found if f.code == "PT215"]
    assert (
        warning.severity is Severity.WARNING
        and "union" in warning.message
        and "performance" in warning.message
    )
    assert errors(found) == []


def test_stack_config_still_requires_elb_class() -> None:
    from cce_passthrough.rules.config import parse_stack

    stack = parse_stack(
        {"version": "v1.31.1-r0", "flavor": "standard", "kubeProxyMode": "iptables"},
        [
            {
                "name": "web",
                "image": "nginx",
                "ports": [{"port": 80}],
                "elb": {"autocreate": {"type": "inner"}},
            }
        ],
    )
    assert "PT202" in codes(errors(evaluate(stack).findings))


# B4 -------------------------------------------------------------------------------------------------


def test_elb_id_next_to_autocreate_on_a_service_read_back_from_cce_is_the_id_cce_wrote() -> None:
    live = read_back(service({f"{E}class": "union", f"{E}autocreate": PUBLIC_AUTOCREATE, f"{E}id": ELB_ID}))
    live["metadata"]["annotations"][f"{E}eip-id"] = "fba071e4-58aa-407a-bf00-4f5fc28cd73d"
    live["metadata"]["annotations"][f"{E}mark"] = "0"
    live["spec"]["loadBalancerIP"] = "110.238.103.45"
    found = findings(live)
    assert errors(found) == []
    assert codes(found) & {"PT201", "PT405", "PT407", "PT412"} == set()


def test_elb_id_and_autocreate_both_written_by_hand_is_an_error_cce_would_delete_that_elb() -> None:
    found = findings(service({f"{E}class": "union", f"{E}autocreate": PUBLIC_AUTOCREATE, f"{E}id": ELB_ID}))
    [error] = [f for f in found if f.code == "PT201"]
    assert f"{E}id" in error.message and f"{E}autocreate" in error.message


def test_annotations_cce_writes_are_known_keys_not_typos_and_in_stack_config_a_warning() -> None:
    # A manifest carrying elb.mark was read back from CCE, whose own annotation it is.
    assert codes(findings(service({**EXISTING, f"{E}mark": "0"}))) & {"PT405", "PT407"} == set()
    from cce_passthrough.rules.config import parse_stack

    web = {
        "name": "web",
        "image": "nginx",
        "ports": [{"port": 80}],
        "elb": {"class": "shared", "existing": {"id": ELB_ID}},
    }
    stack = parse_stack(
        {"version": "v1.31.1-r0", "flavor": "standard", "kubeProxyMode": "iptables"},
        [{**web, "annotations": {f"{E}mark": "0"}}],
    )
    assert [f.code for f in evaluate(stack).findings if f.field.endswith(f'"{E}mark"]')] == ["PT407"]


def test_the_documented_custom_eip_update_of_a_read_back_service_passes() -> None:
    live = read_back(service({f"{E}class": "union", f"{E}autocreate": PUBLIC_AUTOCREATE, f"{E}id": ELB_ID}))
    live["metadata"]["annotations"][f"{E}eip-id"] = "8560972c-2cc5-4699-94d6-e46f146eb73d"
    live["metadata"]["annotations"][f"{E}custom-eip-id"] = "88c197a1-cb85-4b38-b672-1d60dc5d00db"
    found = findings(live)
    assert errors(found) == [] and "PT408" not in codes(found)


# B5 -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dropped", ["bandwidth_chargemode", "bandwidth_name"])
def test_public_autocreate_without_a_field_huawei_cloud_defaults_is_a_warning(dropped: str) -> None:
    auto = json.loads(PUBLIC_AUTOCREATE)
    del auto[dropped]
    found = findings(service({f"{E}class": "union", f"{E}autocreate": json.dumps(auto)}))
    assert errors(found) == []
    [warning] = [f for f in found if f.code == "PT216"]
    assert dropped in warning.message


def test_public_autocreate_without_a_size_is_one_error_listing_every_field_to_add() -> None:
    auto = {"type": "public", "eip_type": "5_bgp"}
    found = findings(service({f"{E}class": "union", f"{E}autocreate": json.dumps(auto)}))
    [error] = errors(found)
    assert error.code == "PT204" and "PT216" not in codes(found)
    assert "bandwidth_name" in error.fix and "bandwidth_size" in error.fix


# B6 -------------------------------------------------------------------------------------------------

HOST = {**EXISTING, "kubernetes.io/hws-hostNetwork": "true"}


@pytest.mark.parametrize(("pods", "error"), [(None, False), (True, False), (False, True)])
def test_hws_host_network_is_checked_against_the_pods_the_service_selects(
    pods: bool | None, error: bool
) -> None:
    manifests = [service(HOST)] if pods is None else [deployment(pods), service(HOST)]
    found = findings(*manifests)
    assert ("PT441" in codes(errors(found))) is error, [f.render() for f in found]


def test_turbo_with_local_affinity_passes_when_the_selected_pods_use_the_host_network() -> None:
    local = service(EXISTING, externalTrafficPolicy="Local")
    turbo = cluster(flavor="turbo")
    assert "PT105" in codes(findings(deployment(None), local, on=turbo))
    assert errors(findings(deployment(True), local, on=turbo)) == []


# B7 -------------------------------------------------------------------------------------------------


def test_an_unknown_field_in_health_check_option_is_a_warning_the_docs_are_silent() -> None:
    option = '{"protocol":"TCP","delay":"5","timeout":"10","max_retries":"3","expected_codes":"200"}'
    found = findings(service({**EXISTING, f"{E}health-check-flag": "on", f"{E}health-check-option": option}))
    [warning] = [f for f in found if f.code == "PT414"]
    assert warning.severity is Severity.WARNING and warning.field.endswith(".expected_codes")
    assert errors(found) == []


# the two misses ----------------------------------------------------------------------------------------


def test_the_older_session_affinity_key_without_elb_is_named_not_ignored() -> None:
    found = findings(service({**EXISTING, "kubernetes.io/session-affinity-mode": "SOURCE_IP"}))
    [warning] = [f for f in found if f.code == "PT413"]
    assert f"{E}session-affinity-mode" in warning.fix


def test_load_balancer_ip_next_to_elb_id_is_deprecated_and_ignored() -> None:
    found = findings(service(EXISTING, loadBalancerIP="10.78.42.242"))
    [warning] = [f for f in found if f.code == "PT412"]
    assert warning.field == "spec.loadBalancerIP" and "ignored" in warning.message
    assert errors(found) == []


@pytest.mark.parametrize(("version", "error"), [("v1.23.17-r0", False), ("v1.25.5-r0", True)])
def test_load_balancer_ip_without_elb_id_is_honoured_only_up_to_v1_23(version: str, error: bool) -> None:
    found = findings(service({f"{E}class": "union"}, loadBalancerIP="10.78.42.242"), on=cluster(version))
    assert "PT412" in codes(found)
    assert ("PT201" in codes(errors(found))) is error


def test_a_dnat_gateway_service_is_not_judged_as_an_elb_service() -> None:
    dnat = service(
        {f"{E}class": "dnat", "kubernetes.io/natgateway.id": "e4a1cfcf-29df-4ab8-a4ea-c05dc860f554"}
    )
    assert findings(dnat) == []
