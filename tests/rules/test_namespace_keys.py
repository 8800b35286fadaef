"""Every key of the `cce-passthrough` namespace is one the program reads (issue 11, item 3): a misspelt
`cce-passthrough:kubeConfig` would otherwise leave the kubeconfig unset and fall back to KUBECONFIG."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cce_passthrough.cli.main import main
from cce_passthrough.rules.config import NAMESPACE_KEYS, check_namespace_keys
from helpers import ROOT, STANDARD_CLUSTER, run_stack, service, write_stack


@pytest.mark.parametrize(
    ("key", "meant"),
    [("kubeConfig", "kubeconfig"), ("clustr", "cluster"), ("service", "services"), ("Cluster", "cluster")],
)
def test_a_misspelt_namespace_key_is_an_unknown_key_with_did_you_mean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str, meant: str
) -> None:
    stack = write_stack(tmp_path, STANDARD_CLUSTER, [service()])
    stack.write_text(stack.read_text() + f"  cce-passthrough:{key}: whatever\n")
    assert main(["preview", "--project", str(ROOT), "--config", str(stack), "--json"]) == 1
    findings = json.loads(capsys.readouterr().out)["diagnostics"]
    assert [(f["code"], f["field"]) for f in findings] == [("PT901", key)]
    assert f"Did you mean {meant!r}?" in findings[0]["message"]


def test_a_key_without_namespace_is_in_the_project_namespace_and_checked_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = write_stack(tmp_path, STANDARD_CLUSTER, [service()])
    stack.write_text(stack.read_text() + "  kubeconfg: {secure: v1:abc}\n")
    assert main(["preview", "--project", str(ROOT), "--config", str(stack)]) == 1
    out = capsys.readouterr().out
    assert "PT901 kubeconfg: unknown key 'kubeconfg' in the cce-passthrough namespace" in out
    assert "v1:abc" not in out


def test_keys_of_other_namespaces_are_left_to_their_owners(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = write_stack(tmp_path, STANDARD_CLUSTER, [service()])
    stack.write_text(stack.read_text() + "  huaweicloud:insecure: true\n  kubernetes:context: x\n")
    assert main(["preview", "--project", str(ROOT), "--config", str(stack)]) == 0


def test_the_program_checks_the_keys_the_pulumi_cli_hands_over_in_pulumi_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`pulumi up` gives the program its config in PULUMI_CONFIG; the offline engine sets it in-process."""
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps({"cce-passthrough:clustr": "{}"}))
    result, _ = run_stack("dev")
    assert [(d.code, d.field) for d in result.diagnostics] == [("PT901", "clustr")]


def test_every_key_the_program_reads_is_a_known_key() -> None:
    program = (ROOT / "components" / "cce_passthrough" / "wiring" / "program.py").read_text()
    for key in NAMESPACE_KEYS:
        assert f'"{key}"' in program
    assert check_namespace_keys(NAMESPACE_KEYS) == []


def test_the_cluster_id_doctor_and_preview_live_read_is_no_unknown_key() -> None:
    assert check_namespace_keys(["cluster", "services", "clusterId"]) == []


@pytest.mark.parametrize("key", ["cce-passthrough:", "''"])
def test_an_empty_namespace_key_is_named_in_its_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str
) -> None:
    """Found by fuzzing the stack files (tests/cli/test_fuzz_stack_files.py): the finding had no field."""
    stack = write_stack(tmp_path, STANDARD_CLUSTER, [service()])
    stack.write_text(stack.read_text() + f"  {key}: whatever\n")
    assert main(["preview", "--project", str(ROOT), "--config", str(stack), "--json"]) == 1
    findings = json.loads(capsys.readouterr().out)["diagnostics"]
    assert [(f["code"], f["field"]) for f in findings] == [("PT901", "cce-passthrough:")]
