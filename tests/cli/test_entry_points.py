"""Every entry point parses its arguments, refuses what it cannot run with exit 2, and keeps its exit
codes whatever is asked of it (README "Exit codes")."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cce_passthrough.cli import rulesdoc
from cce_passthrough.cli.main import main
from helpers import ROOT


def _run(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )


def _failing_project(tmp_path: Path) -> Path:
    (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime: python\n")
    (tmp_path / "__main__.py").write_text("raise KeyError('boom')\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config: {}\n")
    return tmp_path


@pytest.mark.parametrize("value", ["1", "true", "TRUE", "yes", "on"])
def test_a_true_traceback_variable_shows_the_traceback_and_keeps_exit_2(tmp_path: Path, value: str) -> None:
    project = _failing_project(tmp_path)
    run = _run(
        ["-m", "cce_passthrough", "preview", "--project", str(project)],
        ROOT,
        {"CCE_PASSTHROUGH_TRACEBACK": value},
    )
    assert run.returncode == 2, run.stderr
    assert "Traceback" in run.stderr and "KeyError: 'boom'" in run.stderr
    assert run.stderr.rstrip().splitlines()[-1].startswith("cce-passthrough: error: the program failed")


@pytest.mark.parametrize("value", ["0", "false", "no", "off", ""])
def test_a_false_traceback_variable_shows_no_traceback(tmp_path: Path, value: str) -> None:
    project = _failing_project(tmp_path)
    run = _run(
        ["-m", "cce_passthrough", "preview", "--project", str(project)],
        ROOT,
        {"CCE_PASSTHROUGH_TRACEBACK": value},
    )
    assert run.returncode == 2
    assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1


def test_rulesdoc_help_prints_usage_and_writes_nothing(tmp_path: Path) -> None:
    run = _run(["-m", "cce_passthrough.cli.rulesdoc", "--help"], tmp_path)
    assert run.returncode == 0 and "usage:" in run.stdout
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv", [["--bogus"], ["not-a-checkout"], ["a", "b"]])
def test_rulesdoc_refuses_what_is_not_a_checkout_and_writes_nothing(tmp_path: Path, argv: list[str]) -> None:
    run = _run(["-m", "cce_passthrough.cli.rulesdoc", *argv], tmp_path)
    assert run.returncode == 2 and "usage:" in run.stderr and "Traceback" not in run.stderr
    assert list(tmp_path.iterdir()) == []


def test_rulesdoc_regenerates_a_checkout(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(f"# x\n\n{rulesdoc.README_BEGIN}\nold\n{rulesdoc.README_END}\n")
    assert rulesdoc.main([str(tmp_path)]) == 0
    assert (tmp_path / "docs" / "rules.md").read_text() == rulesdoc.rules_markdown()


def test_an_unknown_stack_names_the_stacks_that_exist(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", "--project", str(ROOT), "--stack", "nope"]) == 2
    err = capsys.readouterr().err
    assert "no stack 'nope'" in err and "dev, prod, staging" in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("name", ["", "../dev", "org/project/dev", "..", "dev stack"])
def test_a_stack_name_pulumi_would_refuse_is_refused(capsys: pytest.CaptureFixture[str], name: str) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["preview", "--project", str(ROOT), "--stack", name])
    assert exit_.value.code == 2
    assert "is not a stack name" in capsys.readouterr().err


def test_render_without_a_cluster_version_cannot_run_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(
        "import pulumi_kubernetes as k8s\nk8s.core.v1.ConfigMap('c', data={'a': 'b'})\n"
    )
    (tmp_path / "Pulumi.dev.yaml").write_text("config: {}\n")
    out = tmp_path / "out"
    assert main(["preview", "--project", str(tmp_path), "--render", str(out)]) == 2
    assert "no p:cluster.version" in capsys.readouterr().err
    assert not out.exists()
