"""The policy pack, driven through pulumi-policy's real analyzer over planned resources."""

import json
from typing import Any

import pytest

from cce_passthrough.offline.analyze import PolicyFinding, analyze
from cce_passthrough.offline.plan import COMPUTED, PlannedResource
from helpers import planned, run_stack

STANDARD = {"version": "v1.28", "flavor": "standard", "kubeProxyMode": "iptables"}
ELB_ID = "6b3a4a49-8d4f-4f3a-a0a5-2f6d5c9e0b7d"


def k8s_service(
    name: str, annotations: dict[str, str], ports: list[dict[str, Any]] | None = None, policy: str = "Cluster"
) -> PlannedResource:
    inputs = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "annotations": annotations},
        "spec": {
            "type": "LoadBalancer",
            "externalTrafficPolicy": policy,
            "ports": ports or [{"name": "http", "port": 80.0, "targetPort": 8080.0, "protocol": "TCP"}],
        },
    }
    return planned("kubernetes:core/v1:Service", name, inputs)


def codes(findings: list[PolicyFinding], enforcement: str) -> list[str]:
    return sorted(f.message.split("\n")[1].split()[0] for f in findings if f.enforcement == enforcement)


def test_a_hand_written_service_with_broken_autocreate_is_blocked() -> None:
    autocreate = json.dumps({"type": "public", "name": "web"})
    found = analyze(
        [
            k8s_service(
                "web",
                {
                    "kubernetes.io/elb.class": "union",
                    "kubernetes.io/elb.autocreate": autocreate,
                    "kubernetes.io/elb.pass-through": "true",
                },
            )
        ],
        STANDARD,
    )
    assert codes(found, "mandatory") == ["PT204"]
    assert all(f.urn.endswith("::web") for f in found)


def test_a_pass_through_value_cce_rewrites_is_advisory() -> None:
    found = analyze(
        [
            k8s_service(
                "web",
                {
                    "kubernetes.io/elb.class": "union",
                    "kubernetes.io/elb.id": ELB_ID,
                    "kubernetes.io/elb.pass-through": "true",
                },
                policy="Local",
            )
        ],
        STANDARD,
    )
    assert codes(found, "advisory") == ["PT304"]
    assert codes(found, "mandatory") == []


def test_cluster_rules_use_the_pack_config() -> None:
    service = k8s_service(
        "web",
        {
            "kubernetes.io/elb.class": "union",
            "kubernetes.io/elb.id": ELB_ID,
            "kubernetes.io/elb.pass-through": "true",
        },
    )
    assert codes(analyze([service], {**STANDARD, "version": "v1.15"}), "mandatory") == ["PT101"]
    assert codes(analyze([service], STANDARD), "mandatory") == []
    # the pass-through page's example on CCE Turbo: a shared ELB with pass-through passes
    assert codes(analyze([service], {**STANDARD, "flavor": "turbo"}), "mandatory") == []
    assert analyze([service], None) == []  # no cluster facts configured: cluster rules cannot run


@pytest.mark.parametrize(
    ("second_port", "blocked"),
    [
        ({"name": "dns", "port": 80.0, "protocol": "TCP"}, True),
        ({"name": "dns", "port": 80.0, "protocol": "UDP"}, False),
    ],
)
def test_listener_ports_across_services_on_one_elb(second_port: dict[str, Any], blocked: bool) -> None:
    annotations = {"kubernetes.io/elb.class": "union", "kubernetes.io/elb.id": ELB_ID}
    found = analyze([k8s_service("a", annotations), k8s_service("b", annotations, [second_port])], STANDARD)
    assert (codes(found, "mandatory") == ["PT303"]) is blocked
    assert not [f for f in found if "can't run policy" in f.message]


def test_an_elb_id_unknown_at_preview_does_not_stop_the_other_checks() -> None:
    autocreate = json.dumps({"type": "public"})
    resources = [
        k8s_service("a", {"kubernetes.io/elb.class": "union", "kubernetes.io/elb.id": COMPUTED}),
        k8s_service("b", {"kubernetes.io/elb.class": "union", "kubernetes.io/elb.autocreate": autocreate}),
    ]
    found = analyze(resources, STANDARD)
    assert not [f for f in found if "can't run policy" in f.message]
    assert codes(found, "mandatory") == ["PT204"]


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_the_project_stacks_pass_the_pack(stack: str) -> None:
    result, _ = run_stack(stack)
    found = analyze(result.resources, STANDARD)
    assert codes(found, "mandatory") == []
    assert not [f for f in found if "can't run policy" in f.message]
