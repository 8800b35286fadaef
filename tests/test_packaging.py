"""`pip install .` gives another program `from cce_passthrough import PassThroughService`."""

import subprocess
import sys
import zipfile
from pathlib import Path

from helpers import ROOT


def _pip(cwd: Path, command: str, *options: str) -> None:
    """This project, without dependencies or network: setuptools comes pinned in requirements.txt."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            command,
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            *options,
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        cwd=cwd,
    )


def test_the_wheel_carries_the_package_and_the_console_script(tmp_path: Path) -> None:
    _pip(tmp_path, "wheel", "--wheel-dir", str(tmp_path))
    [wheel] = tmp_path.glob("cce_passthrough-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "cce_passthrough/__init__.py" in names
    assert "cce_passthrough/py.typed" in names
    assert "cce_passthrough/offline/engine.py" in names
    assert not [n for n in names if n.startswith(("tests/", "stacks/", "components/"))]
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert (
        "cce-passthrough = cce_passthrough.cli.main:main"
        in zipfile.ZipFile(wheel).read(entry_points).decode()
    )


def test_another_program_imports_the_installed_component(tmp_path: Path) -> None:
    target = tmp_path / "site"
    _pip(tmp_path, "install", "--target", str(target))
    consumer = tmp_path / "consumer"
    consumer.mkdir()
    probe = (
        "import cce_passthrough, pulumi\n"
        "from cce_passthrough import PassThroughService, PassThroughServiceArgs\n"
        "assert issubclass(PassThroughService, pulumi.ComponentResource)\n"
        "print(cce_passthrough.__file__)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=consumer,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
    )
    assert run.stdout.strip().startswith(str(target)), "imported the installed copy, not the working tree"
