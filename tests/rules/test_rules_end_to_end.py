"""The rules through the real program and component, offline: the same findings in preview and update,
values known only later checked where they resolve, and the command line's exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cce_passthrough.cli.main import main
from cce_passthrough.core.annotations import PREFIX
from cce_passthrough.offline.engine import OfflineMocks, run_program
from cce_passthrough.offline.plan import PlanResult
from helpers import ROOT, FixtureInvokes, run_stack, service, write_stack
from helpers.rule_cases import CLUSTER, ELB_ID, evaluate

MODES = pytest.mark.parametrize("preview", [True, False], ids=["preview", "update"])

BAD_STACK: list[dict[str, Any]] = [
    service(
        annotations={
            f"{PREFIX}lb-algorithm": "SOURCE_IP",
            f"{PREFIX}session-affinity-mode": "SOURCE_IP",
            f"{PREFIX}keepalive_timeout": "5000",
            f"{PREFIX}lb-algorythm": "x",
        }
    ),
    service("api", elb={"class": "shared", "shareWith": "web"}, passThrough=False),
    service("ops", elb={"class": "shared", "autocreate": {"type": "public", "bandwidth_size": 351}}),
]


def _found(result: PlanResult) -> set[tuple[str, str | None, str]]:
    return {(d.code, d.resource, d.field) for d in result.diagnostics}


@MODES
def test_a_bad_stack_fails_with_every_finding_before_any_resource(tmp_path: Path, preview: bool) -> None:
    stack = write_stack(tmp_path, {**CLUSTER, "kubeProxyMode": "ipvs"}, BAD_STACK)
    result, _ = run_stack(config_file=stack, preview=preview)
    assert not result.ok
    expected = {
        ("PT402", "web", f'services[0].annotations["{PREFIX}session-affinity-mode"]'),
        ("PT404", "web", f'services[0].annotations["{PREFIX}keepalive_timeout"]'),
        ("PT405", "web", f'services[0].annotations["{PREFIX}lb-algorythm"]'),
        ("PT302", "api", "services[1].passThrough"),
        ("PT303", "api", "services[1].ports[0].port"),
        ("PT204", "ops", "services[2].elb.autocreate"),
        ("PT206", "ops", "services[2].elb.autocreate.bandwidth_size"),
    }
    assert _found(result) == expected
    assert not result.by_type("kubernetes:core/v1:Service"), "nothing is declared when the stack has errors"


def test_preview_and_update_report_the_same_findings(tmp_path: Path) -> None:
    stack = write_stack(tmp_path, {**CLUSTER, "kubeProxyMode": "ipvs"}, BAD_STACK)
    preview, _ = run_stack(config_file=stack, preview=True)
    update, _ = run_stack(config_file=stack, preview=False)
    assert preview.diagnostics == update.diagnostics


def test_the_program_reports_what_the_pure_rules_find(tmp_path: Path) -> None:
    cluster = {**CLUSTER, "kubeProxyMode": "ipvs"}
    result, _ = run_stack(config_file=write_stack(tmp_path, cluster, BAD_STACK))
    assert sorted(result.diagnostics, key=str) == sorted(evaluate(cluster, BAD_STACK), key=str)


WARNINGS_ONLY = [
    service(
        annotations={
            f"{PREFIX}transparent-client-ip": "true",
            f"{PREFIX}eip-id": "eip-1",
            f"{PREFIX}session-affinity-option": '{"persistence_timeout": "5"}',
        }
    )
]


@MODES
def test_warnings_are_published_on_the_component_and_the_stack_still_deploys(
    tmp_path: Path, preview: bool
) -> None:
    cluster = {**CLUSTER, "version": "v1.28"}
    result, _ = run_stack(config_file=write_stack(tmp_path, cluster, WARNINGS_ONLY), preview=preview)
    assert result.ok
    assert {d.code for d in result.diagnostics} == {"PT107", "PT406", "PT407"}
    annotations = result.resource("web-service").inputs["metadata"]["annotations"]
    assert annotations[f"{PREFIX}transparent-client-ip"] == "true", "a warning does not change what is sent"


DEFERRED = """
import pulumi
from cce_passthrough import PassThroughService

elb_id = pulumi.Output.from_input({elb_id!r})
PassThroughService(
    "web",
    args={{
        "cluster": {{"version": "v1.28", "flavor": "standard", "kube_proxy_mode": "iptables"}},
        "image": "nginx:1.27",
        "ports": [{{"name": "http", "port": 80}}],
        "elb": {{"class": "shared", "existing": {{"id": elb_id}}}},
    }},
)
"""


def _run_component(tmp_path: Path, source: str, preview: bool) -> PlanResult:
    main_py = tmp_path / "__main__.py"
    main_py.write_text(source)
    return run_program(
        main_py, "consumer", "dev", {}, [], OfflineMocks(FixtureInvokes(), preview=preview), preview
    )


@MODES
def test_an_output_elb_id_is_checked_when_known_and_the_preview_says_so(
    tmp_path: Path, preview: bool
) -> None:
    result = _run_component(tmp_path, DEFERRED.format(elb_id=ELB_ID), preview)
    assert result.ok
    [deferred] = result.diagnostics
    assert (deferred.code, deferred.severity.value, deferred.field) == ("PT109", "info", "elb.existing.id")
    assert "PT209" in deferred.message
    assert result.resource("web-service").inputs["metadata"]["annotations"][f"{PREFIX}id"] == ELB_ID


CHILD = """
import json, sys
from pathlib import Path
sys.path.insert(0, {tests!r})
from helpers import FixtureInvokes
from cce_passthrough.offline.engine import OfflineMocks, run_program

report = {{}}
for preview in (True, False):
    result = run_program(Path({main!r}), "consumer", "dev", {{}}, [], OfflineMocks(FixtureInvokes(), preview), preview)
    report["preview" if preview else "update"] = {{
        "ok": result.ok,
        "findings": [[d.code, d.field] for d in result.diagnostics],
        "services": len(result.by_type("kubernetes:core/v1:Service")),
    }}
print(json.dumps(report))
"""


def test_a_malformed_output_elb_id_fails_where_it_resolves(tmp_path: Path) -> None:
    # In its own interpreter: the SDK's test harness, stopped by the failed output, leaves CPython 3.11's
    # recursion counter skewed (later `ast.parse` calls, such as pytest's import rewriting, then fail).
    main_py = tmp_path / "__main__.py"
    main_py.write_text(DEFERRED.format(elb_id="my-elb"))
    script = CHILD.format(tests=str(ROOT / "tests"), main=str(main_py))
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, cwd=ROOT
    )
    report = json.loads(run.stdout.strip().splitlines()[-1])
    for mode in ("preview", "update"):
        assert report[mode] == {
            "ok": False,
            "findings": [["PT109", "elb.existing.id"], ["PT209", "elb.existing.id"]],
            "services": 0,
        }, mode


def test_cli_preview_of_a_bad_stack_file_shows_every_finding_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = write_stack(tmp_path, {**CLUSTER, "kubeProxyMode": "ipvs"}, BAD_STACK)
    assert main(["preview", "--project", str(ROOT), "--config", str(stack)]) == 1
    out = capsys.readouterr().out
    for code in ("PT204", "PT206", "PT302", "PT303", "PT402", "PT404", "PT405"):
        assert code in out
    assert "Did you mean 'kubernetes.io/elb.lb-algorithm'?" in out
    assert "Traceback" not in out


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_the_shipped_stacks_have_no_error(stack: str) -> None:
    result, _ = run_stack(stack)
    assert result.ok, [d.render() for d in result.diagnostics]
