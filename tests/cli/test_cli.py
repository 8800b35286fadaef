"""`cce-passthrough preview|rules|explain`: output and exit codes (interface.md §4)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cce_passthrough.cli.main import main
from cce_passthrough.rules.catalogue import CATALOGUE
from helpers import ROOT, service, write_stack


def test_preview_dev_prints_the_plan_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", "--project", str(ROOT), "--stack", "dev"]) == 0
    out = capsys.readouterr().out
    assert "cce-passthrough:index:PassThroughService" in out
    assert "kubernetes:core/v1:Service" in out and "nginx-service" in out
    assert "replaces on change of elb.class, elb.id, elb.autocreate" in out
    assert "+ 5 to create" in out
    assert "\033[" not in out  # no colour when not on a terminal


def test_preview_of_a_bad_stack_lists_every_error_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = write_stack(
        tmp_path,
        {"version": "v1.28", "flavor": "standard", "kubeProxyMode": "iptables", "vpcID": "x"},
        [service("a", replica=2), service("b", elb={"class": "shared"})],
    )
    assert main(["preview", "--project", str(ROOT), "--config", str(stack)]) == 1
    out = capsys.readouterr().out
    assert "PT901 cluster.vpcID: unknown key 'vpcID'. Did you mean 'vpcId'?" in out
    assert "PT901 services[0].replica: unknown key 'replica'. Did you mean 'replicas'?" in out
    assert "PT201 services[1].elb:" in out
    assert "Traceback" not in out


def test_preview_json_is_one_object(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", "--project", str(ROOT), "--stack", "prod", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["ok"] is True and payload["stack"] == "prod"
    assert {"urn", "type", "name", "parent", "dependencies", "protect", "inputs"} <= set(
        payload["resources"][0]
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["preview", "--stack", "nope"],
        ["preview", "--config", "/nonexistent/Pulumi.x.yaml"],
        ["preview", "--bogus"],
    ],
)
def test_a_command_that_cannot_run_exits_2_without_traceback(argv: list[str]) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "cce_passthrough", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert run.stderr.strip()


def test_invalid_yaml_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "Pulumi.bad.yaml"
    bad.write_text("config: [unclosed\n")
    assert main(["preview", "--project", str(ROOT), "--config", str(bad)]) == 2
    assert "is not valid YAML" in capsys.readouterr().err


def test_rules_lists_every_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    for code, rule in CATALOGUE.items():
        assert (code in out) is not rule.retired


def test_explain_prints_why_fix_and_source(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "pt302"]) == 0
    out = capsys.readouterr().out
    assert "IPVS" in out and "Fix:" in out
    assert "Sources:\n  - Configuring Passthrough Networking for a LoadBalancer Service" in out
    assert (
        "https://docs.otc.t-systems.com/cloud-container-engine/umn/networking/services/loadbalancer/" in out
    )
    assert main(["explain", "PT999"]) == 2


@pytest.mark.parametrize("argv", [["rules"], ["preview", "--stack", "dev"]])
def test_a_reader_that_goes_away_gets_no_traceback(argv: list[str]) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "cce_passthrough", *argv],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # like `| head` exiting before the command writes
    stderr = process.stderr.read()
    assert process.wait(timeout=120) == 0
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr


def _project(tmp_path: Path, program: str | None = "import pulumi\npulumi.export('x', 1)\n") -> Path:
    (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime: python\n")
    if program is not None:
        (tmp_path / "__main__.py").write_text(program)
    return tmp_path


@pytest.mark.parametrize(
    ("stack_bytes", "program", "words"),
    [
        (b"config:\n  p:x: \xff\xfe\n", "import pulumi\n", "is not UTF-8 text"),
        (b"config: {}\n", None, "does not exist"),
        (b"config: {}\n", "raise KeyError('boom')\n", "the program failed: KeyError"),
    ],
    ids=["not-utf8", "no-program", "program-bug"],
)
def test_unusable_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], stack_bytes: bytes, program: str | None, words: str
) -> None:
    project = _project(tmp_path, program)
    (project / "Pulumi.dev.yaml").write_bytes(stack_bytes)
    assert main(["preview", "--project", str(project), "--stack", "dev"]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_a_yaml_date_in_config_reaches_the_program_as_text(tmp_path: Path) -> None:
    stack = write_stack(
        tmp_path,
        {"version": "v1.28", "flavor": "standard", "kubeProxyMode": "iptables"},
        [service(image="nginx")],
    )
    stack.write_text(stack.read_text() + "  other:released: 2024-01-01\n")
    assert main(["preview", "--project", str(ROOT), "--config", str(stack)]) == 0
