"""`cce-passthrough preview --policy-pack`: the pack over the plan, through pulumi-policy's analyzer."""

import json
from pathlib import Path

import pytest

from cce_passthrough.cli.main import main
from helpers import ROOT

# A program that does not use the component: a hand-written Service the pack must still judge.
FOREIGN_PROGRAM = """
import json
import pulumi_kubernetes as k8s

k8s.core.v1.Service(
    "web",
    metadata={"name": "web", "annotations": {
        "kubernetes.io/elb.class": "union",
        "kubernetes.io/elb.autocreate": json.dumps({"type": "public", "name": "web"}),
    }},
    spec={"type": "LoadBalancer", "selector": {"app": "web"}, "ports": [{"port": 80, "protocol": "TCP"}]},
)
"""


def test_the_pack_reports_under_the_plan_and_advisories_keep_exit_0(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["preview", "--project", str(ROOT), "--stack", "staging", "--policy-pack"]) == 0
    out = capsys.readouterr().out
    pack = out[out.index("Policy pack cce-passthrough") :]
    assert pack.count("advisory: cce-elb-service-warnings") == 2
    assert "PT106" in pack
    assert "mandatory" not in pack


def test_policy_findings_are_part_of_the_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", "--project", str(ROOT), "--stack", "staging", "--policy-pack", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert {f["enforcement"] for f in payload["policy"]} == {"advisory"}
    assert all(f["urn"].endswith("-service") for f in payload["policy"])
    assert main(["preview", "--project", str(ROOT), "--stack", "staging", "--json"]) == 0
    assert "policy" not in json.loads(capsys.readouterr().out)


def test_a_mandatory_violation_in_another_program_fails_the_preview(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: other\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(FOREIGN_PROGRAM)
    (tmp_path / "Pulumi.dev.yaml").write_text("config: {}\n")
    assert main(["preview", "--project", str(tmp_path), "--stack", "dev", "--policy-pack"]) == 1
    out = capsys.readouterr().out
    assert "mandatory: cce-elb-service-errors (web)" in out
    assert "PT204" in out
    assert main(["preview", "--project", str(tmp_path), "--stack", "dev"]) == 0  # without the pack: no rules
