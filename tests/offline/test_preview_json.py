"""`preview --json`: the object of interface.md §4, stable bytes, and a resource graph that does not
serialise what can run in parallel (issue 4, items 1 and 5)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cce_passthrough.cli.main import main
from helpers import ROOT, STACKS, service, write_stack

RESOURCE_KEYS = {"urn", "type", "name", "parent", "dependencies", "protect", "inputs"}
DIAGNOSTIC_KEYS = {"code", "severity", "resource", "field", "message", "fix"}


def preview_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code = main(["preview", "--project", str(ROOT), *argv, "--json"])
    payload: dict[str, Any] = json.loads(capsys.readouterr().out)
    return code, payload


def by_name(payload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in payload["resources"]}


@pytest.mark.parametrize("stack", STACKS)
def test_json_is_the_interface_object_for_every_stack(stack: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, payload = preview_json(capsys, "--stack", stack)
    assert code == 0
    assert {"project", "stack", "ok", "resources", "diagnostics", "outputs"} <= set(payload)
    assert payload["project"] == "cce-passthrough" and payload["stack"] == stack and payload["ok"] is True
    for resource in payload["resources"]:
        assert set(resource) >= RESOURCE_KEYS
        assert resource["action"] == "create"
    for diagnostic in payload["diagnostics"]:
        assert set(diagnostic) == DIAGNOSTIC_KEYS
    assert payload["outputs"], "every service is exported"


@pytest.mark.parametrize("stack", STACKS)
def test_resources_are_listed_parent_first(stack: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, payload = preview_json(capsys, "--stack", stack)
    seen: set[str] = set()
    for resource in payload["resources"]:
        assert resource["parent"] is None or resource["parent"] in seen, resource["urn"]
        seen.add(resource["urn"])
    assert payload["resources"][0]["type"] == "pulumi:pulumi:Stack"


@pytest.mark.parametrize("stack", STACKS)
def test_two_runs_in_one_process_print_the_same_bytes(stack: str, capsys: pytest.CaptureFixture[str]) -> None:
    main(["preview", "--project", str(ROOT), "--stack", stack, "--json"])
    first = capsys.readouterr().out
    main(["preview", "--project", str(ROOT), "--stack", stack, "--json"])
    assert capsys.readouterr().out == first


def test_two_processes_with_different_hash_seeds_print_the_same_bytes() -> None:
    outputs = []
    for seed in ("1", "2"):
        run = subprocess.run(
            [sys.executable, "-m", "cce_passthrough", "preview", "--stack", "staging", "--json"],
            cwd=ROOT,
            capture_output=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        outputs.append(run.stdout)
    assert outputs[0] == outputs[1]


def test_a_stack_with_errors_is_still_one_object_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = write_stack(tmp_path, {"version": "v1.28", "flavor": "standard"}, [service("a", replica=2)])
    code, payload = preview_json(capsys, "--config", str(stack))
    assert code == 1 and payload["ok"] is False
    assert any(d["code"] == "PT901" and d["field"] == "services[0].replica" for d in payload["diagnostics"])


def test_integers_stay_integers(capsys: pytest.CaptureFixture[str]) -> None:
    _, payload = preview_json(capsys, "--stack", "prod")
    resources = by_name(payload)
    assert resources["shop-deployment"]["inputs"]["spec"]["replicas"] == 4
    assert isinstance(resources["shop-deployment"]["inputs"]["spec"]["replicas"], int)
    assert resources["shop-bandwidth"]["inputs"]["size"] == 100
    assert [p["port"] for p in resources["shop-service"]["inputs"]["spec"]["ports"]] == [80, 443]


# Item 5: the critical path.


def test_prod_deployment_waits_for_nothing_of_the_elb_chain(capsys: pytest.CaptureFixture[str]) -> None:
    _, payload = preview_json(capsys, "--stack", "prod")
    resources = by_name(payload)
    # only for the namespace it lives in, which the stack creates (createNamespaces: true)
    assert resources["shop-deployment"]["dependencies"] == [resources["prod"]["urn"]]


def test_prod_service_waits_for_the_elb_only(capsys: pytest.CaptureFixture[str]) -> None:
    _, payload = preview_json(capsys, "--stack", "prod")
    resources = by_name(payload)
    service_ = resources["shop-service"]
    assert service_["dependencies"] == sorted([resources["shop-elb"]["urn"], resources["prod"]["urn"]])
    # ... and only for its annotations, which carry the ELB id
    assert service_["propertyDependencies"] == {"metadata": [resources["shop-elb"]["urn"]]}
    assert resources["shop-eip"]["urn"] not in service_["dependencies"]
    assert resources["shop-bandwidth"]["urn"] not in service_["dependencies"]


def test_prod_elb_and_bandwidth_start_at_once_and_the_eip_waits_for_both(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, payload = preview_json(capsys, "--stack", "prod")
    resources = by_name(payload)
    assert resources["shop-elb"]["dependencies"] == []
    assert resources["shop-bandwidth"]["dependencies"] == []
    assert set(resources["shop-eip"]["dependencies"]) == {
        resources["shop-elb"]["urn"],
        resources["shop-bandwidth"]["urn"],
    }


def test_staging_deployments_wait_for_their_namespace_only(capsys: pytest.CaptureFixture[str]) -> None:
    _, payload = preview_json(capsys, "--stack", "staging")
    namespace = by_name(payload)["staging"]["urn"]
    for resource in payload["resources"]:
        if resource["type"] == "kubernetes:apps/v1:Deployment":
            assert resource["dependencies"] == [namespace], resource["name"]


def test_staging_share_with_service_waits_for_the_owner_service_only(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, payload = preview_json(capsys, "--stack", "staging")
    resources = by_name(payload)
    # CCE writes the id of the ELB it created onto `web`; `api` needs it for its elb.id annotation.
    namespace = resources["staging"]["urn"]
    assert resources["api-service"]["dependencies"] == sorted([resources["web-service"]["urn"], namespace])
    assert resources["web-service"]["dependencies"] == [namespace]
    for resource in payload["resources"]:
        assert not any("huaweicloud:" in urn for urn in resource["dependencies"])


def test_a_config_value_that_is_not_json_is_a_finding_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = tmp_path / "Pulumi.notjson.yaml"
    stack.write_text('config:\n  cce-passthrough:cluster: "{not json"\n  cce-passthrough:services: []\n')
    code, payload = preview_json(capsys, "--config", str(stack))
    assert code == 1
    assert [d["code"] for d in payload["diagnostics"]] == ["PT902"]
