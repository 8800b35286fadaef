"""The plan pulumi-kubernetes and the engine compute for an object the cluster already has: after
`pulumi import`, after a refresh, with ignoreChanges and replaceOnChanges."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from cce_passthrough.core.property_paths import format_path, parse_path
from cce_passthrough.live.k8sdiff import DiffKind, merge_patch
from cce_passthrough.live.k8splan import (
    Declared,
    Operation,
    apply_ignore_changes,
    imported_inputs,
    plan_after_import,
    plan_after_refresh,
    prune,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
AUTOCREATE = (
    '{"type":"public","bandwidth_name":"cce-bandwidth","bandwidth_chargemode":"bandwidth","bandwidth_size":5,'
    '"bandwidth_sharetype":"PER","eip_type":"5_bgp","name":"james"}'
)
IMMUTABLE = [
    'metadata.annotations["kubernetes.io/elb.class"]',
    'metadata.annotations["kubernetes.io/elb.id"]',
    'metadata.annotations["kubernetes.io/elb.autocreate"]',
]


def live(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return data


def page_service_inputs(autocreate: str = AUTOCREATE) -> dict[str, Any]:
    """What a program sends for the CCE page's Service: its own fields only."""
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {
            "name": "nginx",
            "namespace": "default",
            "labels": {"app": "nginx"},
            "annotations": {
                "kubernetes.io/elb.class": "union",
                "kubernetes.io/elb.autocreate": autocreate,
                "kubernetes.io/elb.pass-through": "onlyLocal",
            },
        },
        "spec": {
            "type": "LoadBalancer",
            "selector": {"app": "nginx"},
            "externalTrafficPolicy": "Local",
            "ports": [{"name": "service0", "port": 80, "protocol": "TCP", "targetPort": 80}],
        },
    }


CLUSTER_OWNED_SERVICE_FIELDS = [
    "metadata.finalizers",
    'metadata.annotations["kubernetes.io/elb.id"]',
    'metadata.annotations["kubernetes.io/elb.eip-id"]',
    "spec.clusterIP",
    "spec.clusterIPs",
    "spec.ipFamilies",
    "spec.ipFamilyPolicy",
    "spec.internalTrafficPolicy",
    "spec.sessionAffinity",
    "spec.allocateLoadBalancerNodePorts",
    "spec.healthCheckNodePort",
    "spec.loadBalancerIP",
    "spec.ports[0].nodePort",
]


def test_property_paths_read_and_print_like_the_engine() -> None:
    path = 'metadata.annotations["kubernetes.io/elb.id"]'
    assert parse_path(path) == ("metadata", "annotations", "kubernetes.io/elb.id")
    assert format_path(parse_path(path)) == path
    assert parse_path("spec.ports[0].nodePort") == ("spec", "ports", 0, "nodePort")
    assert parse_path("spec.containers[*].image") == ("spec", "containers", "*", "image")


def test_import_records_metadata_and_spec_whole_without_server_bookkeeping() -> None:
    inputs = imported_inputs(live("cce-page-service.json"))
    assert set(inputs) == {"apiVersion", "kind", "metadata", "spec"}
    metadata = inputs["metadata"]
    assert not {"uid", "resourceVersion", "managedFields", "creationTimestamp"} & set(metadata)
    assert "kubectl.kubernetes.io/last-applied-configuration" not in metadata["annotations"]
    # CCE's write-backs and the server's defaults are recorded as if the user had declared them
    assert metadata["annotations"]["kubernetes.io/elb.id"] == "0e78a84a-7deb-4747-aeb6-09b6a820b001"
    assert inputs["spec"]["clusterIP"] == "10.247.93.235"


def test_a_deployment_whose_only_annotation_is_the_revision_keeps_an_empty_map() -> None:
    deployment = live("cce-page-deployment.json")
    del deployment["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"]
    assert imported_inputs(deployment)["metadata"]["annotations"] == {}


def test_merge_patch_deletes_what_new_lacks_and_replaces_lists_whole() -> None:
    old = {"a": 1, "b": {"c": 2, "d": 3}, "l": [1, 2]}
    new = {"a": 1, "b": {"c": 2}, "l": [1]}
    assert merge_patch(old, new) == {"b": {"d": None}, "l": [1]}


def test_a_plain_import_of_the_pages_service_replaces_it_because_clusterip_is_not_declared() -> None:
    """The trap adopt exists for: every field the cluster filled in is a delete, and deleting
    spec.clusterIP or CCE's elb.id annotation forces a replacement (a new ELB, a new IP)."""
    step = plan_after_import(
        live("cce-page-service.json"), Declared("Service", page_service_inputs(), (), tuple(IMMUTABLE))
    )
    assert step.operation is Operation.REPLACE
    replaced = {c.path for c in step.replaces}
    assert replaced == {"spec.clusterIP", 'metadata.annotations["kubernetes.io/elb.id"]'}
    kinds = {c.path: c.kind for c in step.changes}
    assert kinds["spec.ports[0].nodePort"] is DiffKind.DELETE
    assert kinds["spec.clusterIP"] is DiffKind.DELETE_REPLACE


def test_ignoring_what_the_cluster_owns_leaves_nothing_to_change_after_import() -> None:
    declared = Declared(
        "Service", page_service_inputs(), tuple(CLUSTER_OWNED_SERVICE_FIELDS), tuple(IMMUTABLE)
    )
    step = plan_after_import(live("cce-page-service.json"), declared)
    assert step.operation is Operation.SAME, step.changes


def test_autocreate_bytes_that_differ_replace_the_service_even_when_the_json_is_equal() -> None:
    spaced = json.dumps(json.loads(AUTOCREATE))  # same object, ", " and ": " separators
    declared = Declared(
        "Service", page_service_inputs(spaced), tuple(CLUSTER_OWNED_SERVICE_FIELDS), tuple(IMMUTABLE)
    )
    step = plan_after_import(live("cce-page-service.json"), declared)
    assert step.operation is Operation.REPLACE
    assert [c.path for c in step.changes] == ['metadata.annotations["kubernetes.io/elb.autocreate"]']


def test_a_pass_through_value_cce_has_not_rewritten_is_an_update_not_a_replacement() -> None:
    service = live("cce-page-service.json")
    service["metadata"]["annotations"]["kubernetes.io/elb.pass-through"] = "true"
    declared = Declared(
        "Service", page_service_inputs(), tuple(CLUSTER_OWNED_SERVICE_FIELDS), tuple(IMMUTABLE)
    )
    step = plan_after_import(service, declared)
    assert step.operation is Operation.UPDATE
    assert [(c.path, c.kind) for c in step.changes] == [
        ('metadata.annotations["kubernetes.io/elb.pass-through"]', DiffKind.UPDATE)
    ]


def test_a_changed_deployment_selector_replaces_the_deployment() -> None:
    deployment = live("cce-page-deployment.json")
    inputs = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "nginx", "namespace": "default"},
        "spec": copy.deepcopy(imported_inputs(deployment)["spec"]),
    }
    inputs["spec"]["selector"] = {"matchLabels": {"app.kubernetes.io/name": "nginx"}}
    deployment["metadata"]["annotations"] = {}
    step = plan_after_import(deployment, Declared("Deployment", inputs, ("metadata.annotations",)))
    assert step.operation is Operation.REPLACE
    assert any(c.path.startswith("spec.selector.matchLabels") for c in step.replaces)


def test_a_refresh_sees_only_fields_the_program_sets() -> None:
    service = live("cce-page-service.json")
    declared = Declared("Service", page_service_inputs(), (), tuple(IMMUTABLE))
    assert plan_after_refresh(service, declared).operation is Operation.SAME
    service["spec"]["externalTrafficPolicy"] = "Cluster"
    step = plan_after_refresh(service, declared)
    assert [(c.path, c.before, c.after) for c in step.changes] == [
        ("spec.externalTrafficPolicy", "Cluster", "Local")
    ]


def test_prune_keeps_the_shape_of_the_inputs() -> None:
    assert prune(
        {"a": 1, "b": {"c": 2, "d": 3}, "l": [{"x": 1, "y": 2}]}, {"b": {"c": 0}, "l": [{"x": 0}]}
    ) == {
        "b": {"c": 2},
        "l": [{"x": 1}],
    }


@pytest.mark.parametrize(
    ("path", "old", "new", "expected", "ok"),
    [
        ("a.b", {"a": {"b": 1}}, {"a": {"b": 2}}, {"a": {"b": 1}}, True),
        ("a.b", {"a": {}}, {"a": {"b": 2}}, {"a": {}}, True),
        ("a.b", {"a": {"b": 1}}, {}, {}, False),
        ("l[0].n", {"l": [{"n": 1}]}, {"l": [{"n": 2}]}, {"l": [{"n": 1}]}, True),
        ("l[1].n", {"l": [{"n": 1}]}, {"l": [{"n": 2}]}, {"l": [{"n": 2}]}, True),
    ],
)
def test_ignore_changes_resets_to_the_recorded_value_like_the_engine(
    path: str, old: dict[str, Any], new: dict[str, Any], expected: dict[str, Any], ok: bool
) -> None:
    failed = apply_ignore_changes(new, old, [path])
    assert new == expected
    assert (failed == []) is ok
