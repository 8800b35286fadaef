"""Sharing an ELB CCE autocreates, and what each output means.

CCE writes `kubernetes.io/elb.id` onto a Service whose ELB it autocreated (the Service read back in
cce_10_0924, "Changing a Custom EIP for a LoadBalancer Service", carries it next to `elb.eip-id`, and its
ingress lists the EIP before the ELB's private VIP). A service that shares that ELB is annotated with
that id; if it is missing, the sharing Service is never sent with an empty one. `load_balancer_ip` is
the ELB's private VIP and `public_ip` its EIP, and a service that shares an ELB reports the owner's."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cce_passthrough.core import annotations as ann
from cce_passthrough.offline.engine import AUTOCREATED_ELB_ID, ELB_EIP, ELB_VIP
from cce_passthrough.offline.plan import COMPUTED
from helpers import ROOT, STACKS, STANDARD_CLUSTER, run_stack, service, write_stack

MODES = pytest.mark.parametrize("preview", [True, False], ids=["preview", "update"])
SERVICE = "kubernetes:core/v1:Service"


def _annotation_values(result: Any) -> list[tuple[str, str, Any]]:
    return [
        (svc.name, key, value)
        for svc in result.by_type(SERVICE)
        for key, value in (svc.inputs["metadata"].get("annotations") or {}).items()
    ]


@MODES
@pytest.mark.parametrize("stack", STACKS)
def test_no_planned_service_carries_an_empty_annotation(stack: str, preview: bool) -> None:
    result, _ = run_stack(stack, preview=preview)
    for name, key, value in _annotation_values(result):
        assert isinstance(value, str) and value, (name, key, value)
        if not preview:
            assert value != COMPUTED, (name, key)


@MODES
def test_a_service_sharing_an_autocreated_elb_is_annotated_with_the_id_cce_wrote_back(preview: bool) -> None:
    result, _ = run_stack("staging", preview=preview)
    api = result.resource("api-service")
    web = result.resource("web-service")
    assert api.inputs["metadata"]["annotations"][ann.ID] == (COMPUTED if preview else AUTOCREATED_ELB_ID)
    assert result.outputs["api"]["elb_id"] == result.outputs["web"]["elb_id"]
    assert web.urn in api.dependencies  # sent only once the owner's Service, and so its ELB, exists


CHILD = """
import json, sys
from pathlib import Path
sys.path.insert(0, {tests!r})
from helpers import FixtureInvokes, ROOT
from cce_passthrough.offline.engine import OfflineMocks, run_program
from cce_passthrough.rules.stackconfig import load_project, load_stack_config

project = load_project(ROOT)
config = load_stack_config(project, project.stack_file("staging"), "staging")
mocks = OfflineMocks(FixtureInvokes(), preview=False, cce_writes_elb_id=False)
result = run_program(project.main, project.name, "staging", config.values, config.secret_keys, mocks, False)
print(json.dumps({{
    "ok": result.ok,
    "findings": [[d.code, d.resource, d.field, d.fix] for d in result.diagnostics if d.severity.value == "error"],
    "services": sorted(r.name for r in result.by_type("kubernetes:core/v1:Service")),
    "annotations": [r.inputs["metadata"].get("annotations") for r in result.by_type("kubernetes:core/v1:Service")],
}}))
"""


def test_without_the_id_cce_writes_back_the_sharing_service_is_not_sent() -> None:
    # Own interpreter: the SDK's test harness, stopped by a failed output, leaves CPython 3.11's recursion
    # counter skewed for the rest of the process (see test_rules_end_to_end).
    run = subprocess.run(
        [sys.executable, "-c", CHILD.format(tests=str(ROOT / "tests"))],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["ok"] is False
    [(code, resource, field, fix)] = report["findings"]
    assert (code, resource, field) == ("PT930", "api", "services[1].elb.shareWith")
    assert "pulumi up --refresh" in fix and "existing" in fix
    assert report["services"] == ["web-service"]
    for sent in report["annotations"]:
        assert None not in sent.values() and "" not in sent.values()


@MODES
def test_load_balancer_ip_is_the_private_vip_and_public_ip_the_eip(preview: bool) -> None:
    result, _ = run_stack("dev", preview=preview)
    nginx = result.outputs["nginx"]
    if preview:
        assert nginx["load_balancer_ip"] == nginx["public_ip"] == COMPUTED
    else:
        assert (nginx["load_balancer_ip"], nginx["public_ip"]) == (ELB_VIP, ELB_EIP)


@MODES
def test_outputs_of_a_service_sharing_an_elb_follow_it_to_that_elb(preview: bool) -> None:
    result, _ = run_stack("staging", preview=preview)
    web, api = result.outputs["web"], result.outputs["api"]
    for key in ("elb_id", "load_balancer_ip", "public_ip"):
        assert api[key] == web[key], key
    assert api["public_ip"] is not None  # web's ELB is public: so is the one api shares
    if not preview:
        assert (api["load_balancer_ip"], api["public_ip"]) == (ELB_VIP, ELB_EIP)


@MODES
def test_a_managed_elb_reports_its_vip_and_the_eip_pulumi_creates(preview: bool) -> None:
    result, _ = run_stack("prod", preview=preview)
    shop = result.outputs["shop"]
    if preview:
        assert shop["load_balancer_ip"] == shop["public_ip"] == COMPUTED
    else:
        assert (shop["load_balancer_ip"], shop["public_ip"]) == ("192.168.0.10", "203.0.113.10")


@MODES
def test_an_inner_elb_has_no_public_ip_even_at_preview(tmp_path: Path, preview: bool) -> None:
    owner = service("web")  # autocreate type inner
    sharer = service("api", elb={"class": "shared", "shareWith": "web"}, ports=[{"name": "g", "port": 90}])
    result, _ = run_stack(
        config_file=write_stack(tmp_path, STANDARD_CLUSTER, [owner, sharer]), preview=preview
    )
    assert result.ok, [d.render() for d in result.diagnostics]
    assert result.outputs["web"]["public_ip"] is None and result.outputs["api"]["public_ip"] is None
    if not preview:
        assert (
            result.outputs["web"]["load_balancer_ip"] == result.outputs["api"]["load_balancer_ip"] == ELB_VIP
        )
