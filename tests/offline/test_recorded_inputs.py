"""Inputs as the plan records them: a resource's inputs cross the monitor as a protobuf Struct, whose key
order is not stable from run to run, so the plan sorts every mapping's keys, at every depth, secrets'
shapes included, while it turns the values into data (one pass over the inputs)."""

from __future__ import annotations

from typing import Any

from pulumi.runtime import rpc

from cce_passthrough.core.secrets import SECRET
from cce_passthrough.offline.plan import COMPUTED
from cce_passthrough.offline.preview import preview
from cce_passthrough.offline.values import plain
from helpers import ROOT, STACKS


def secret(value: Any) -> dict[str, Any]:
    return {rpc._special_sig_key: rpc._special_secret_sig, "value": value}


def keys_sorted_at_every_depth(value: Any) -> bool:
    if isinstance(value, dict):
        return list(value) == sorted(value) and all(keys_sorted_at_every_depth(v) for v in value.values())
    if isinstance(value, list):
        return all(keys_sorted_at_every_depth(v) for v in value)
    return True


def test_recorded_inputs_sort_every_mapping_in_the_same_pass_that_makes_them_data() -> None:
    struct = {
        "spec": {"type": "LoadBalancer", "ports": [{"port": 80.0, "name": "http"}], "clusterIP": rpc.UNKNOWN},
        "metadata": {"name": "nginx", "annotations": {"z": "1", "a": "2"}},
        "data": secret({"tls.key": "k", "ca.crt": "c"}),
    }
    secrets: set[str] = set()
    recorded = plain(struct, secrets, sort_keys=True)
    assert keys_sorted_at_every_depth(recorded)
    assert recorded == {
        "data": {"ca.crt": SECRET, "tls.key": SECRET},
        "metadata": {"annotations": {"a": "2", "z": "1"}, "name": "nginx"},
        "spec": {"clusterIP": COMPUTED, "ports": [{"name": "http", "port": 80}], "type": "LoadBalancer"},
    }
    assert secrets == {"k", "c"}
    # Without sort_keys (stack outputs), the order is the program's own.
    assert list(plain(struct["metadata"]["annotations"])) == ["z", "a"]


def test_every_planned_resource_of_every_stack_has_its_inputs_sorted() -> None:
    for stack in STACKS:
        result = preview(ROOT, stack)
        assert result.resources, stack
        for resource in result.resources:
            assert keys_sorted_at_every_depth(resource.inputs), (stack, resource.name)
