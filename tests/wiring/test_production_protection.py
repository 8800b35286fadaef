"""A production stack's ELB, EIP and bandwidth are protected (Pulumi's `protect`: the engine refuses to
delete them), and a plan that would leave them unprotected says so (PT218).

"Production" is the stack's `cce-passthrough:production: true`, never its name; stacks/Pulumi.prod.yaml
sets it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from cce_passthrough.offline.plan import PlanResult
from helpers import ROOT, STACKS, STANDARD_CLUSTER, run_stack, service

CLOUD_TYPES = {
    "huaweicloud:Elb/loadbalancer:Loadbalancer",
    "huaweicloud:DedicatedElb/loadbalancer:Loadbalancer",
    "huaweicloud:Vpc/eip:Eip",
    "huaweicloud:Vpc/bandwidth:Bandwidth",
}
MANAGED: dict[str, Any] = {
    "subnetId": "5c1e0f7a-9d2b-4e83-a6f4-0b7c3d2e1f90",
    "eip": {"type": "5_bgp", "bandwidth": {"shareType": "WHOLE", "name": "shared-bw", "size": 10}},
}


def _stack(tmp_path: Path, managed: dict[str, Any], production: object, name: str = "anything") -> Path:
    config: dict[str, Any] = {
        "cce-passthrough:cluster": {**STANDARD_CLUSTER, "vpcId": "8f0b2d6e-41a7-4c55-b1f3-2e9c6d7a0b14"},
        "cce-passthrough:services": [service("web", elb={"class": "shared", "managed": managed})],
    }
    if production is not None:
        config["cce-passthrough:production"] = production
    path = tmp_path / f"Pulumi.{name}.yaml"
    path.write_text(yaml.safe_dump({"config": config}, sort_keys=False))
    return path


def _cloud(result: PlanResult) -> list[Any]:
    return [r for r in result.resources if r.type in CLOUD_TYPES]


def _production_stacks() -> list[str]:
    return [
        stack
        for stack in STACKS
        if (yaml.safe_load((ROOT / "stacks" / f"Pulumi.{stack}.yaml").read_text())["config"]).get(
            "cce-passthrough:production"
        )
        is True
    ]


def test_the_prod_stack_is_marked_production() -> None:
    assert _production_stacks() == ["prod"]


@pytest.mark.parametrize("stack", _production_stacks())
@pytest.mark.parametrize("preview", [True, False], ids=["preview", "up"])
def test_every_cloud_resource_of_a_production_stack_is_protected(stack: str, preview: bool) -> None:
    result, _ = run_stack(stack, preview=preview)
    cloud = _cloud(result)
    assert {r.type for r in cloud} == {
        "huaweicloud:Elb/loadbalancer:Loadbalancer",
        "huaweicloud:Vpc/eip:Eip",
        "huaweicloud:Vpc/bandwidth:Bandwidth",
    }
    assert all(r.protect for r in cloud)
    assert not [d for d in result.diagnostics if d.code == "PT218"]


@pytest.mark.parametrize("name", ["prod", "dev"])
def test_a_production_stack_protects_its_managed_elb_eip_and_bandwidth_without_saying_protect(
    tmp_path: Path, name: str
) -> None:
    result, _ = run_stack(config_file=_stack(tmp_path, MANAGED, True, name))
    assert result.ok and len(_cloud(result)) == 3
    assert all(r.protect for r in _cloud(result))
    assert not [d for d in result.diagnostics if d.code == "PT218"]


def test_a_stack_named_prod_is_not_production_unless_it_says_so(tmp_path: Path) -> None:
    result, _ = run_stack(config_file=_stack(tmp_path, MANAGED, None, "prod"))
    assert result.ok and not any(r.protect for r in _cloud(result))


def test_a_production_stack_that_unprotects_its_managed_elb_says_so(tmp_path: Path) -> None:
    result, _ = run_stack(config_file=_stack(tmp_path, {**MANAGED, "protect": False}, True))
    assert not any(r.protect for r in _cloud(result))
    [warning] = [d for d in result.diagnostics if d.code == "PT218"]
    assert warning.severity.value == "warning" and warning.resource == "web"
    assert warning.field == "services[0].elb.managed.protect"
    assert "production" in warning.fix and "protect" in warning.fix


def test_production_takes_true_or_false_only(tmp_path: Path) -> None:
    result, _ = run_stack(config_file=_stack(tmp_path, MANAGED, "yes"))
    assert [(d.code, d.field) for d in result.diagnostics] == [("PT902", "production")]
