"""After a plain `pip install` (no extras), a command that needs an extra stops with one line naming the pip
command that installs it, exit 2, before it runs or writes anything."""

import shlex
import sys
from pathlib import Path

import pytest

from cce_passthrough.cli.main import main
from helpers import ROOT


@pytest.mark.parametrize(
    ("flag", "module", "requirement"),
    [
        ("--policy-pack", "pulumi_policy", "pulumi-policy<2,>=1.20"),
        ("--render", "kubernetes_validate", "kubernetes-validate<2,>=1.30"),
    ],
)
def test_a_missing_extra_is_one_line_with_the_command_that_installs_it(
    flag: str,
    module: str,
    requirement: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # as if `pip install cce-passthrough` had not brought it
    render = tmp_path / "render"
    argv = [
        "preview",
        "--project",
        str(ROOT),
        "--stack",
        "dev",
        flag,
        *([str(render)] if flag == "--render" else []),
    ]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    [line] = err.splitlines()
    assert line.endswith(shlex.join([sys.executable, "-m", "pip", "install", requirement]))
    assert line.startswith(f"cce-passthrough: error: {flag} needs the ")
    assert not render.exists()
