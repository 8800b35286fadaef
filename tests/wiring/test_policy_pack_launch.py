"""`pulumi preview --policy-pack policy`: the pack starts the way Pulumi's Python host starts a policy pack
(tests/langhost.py), from the virtualenv its PulumiPolicy.yaml names, with what `pulumi install` in
`policy/` puts there."""

import json
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from google.protobuf import empty_pb2
from pulumi.runtime.proto import analyzer_pb2_grpc

from cce_passthrough.wiring.policy_pack import PACK_NAME, POLICIES
from helpers import ROOT
from helpers.langhost import FakeEngine, launch_policy_pack, policy_pack_interpreter

PACK = ROOT / "policy"
PIN = re.compile(r"^([A-Za-z0-9_.\[\]-]+)==(\S+)")


def _pins(path: Path) -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in path.read_text().splitlines():
        match = PIN.match(line.strip())
        if match:
            pins[re.sub(r"\[.*\]", "", match[1]).lower().replace("_", "-")] = match[2]
    return pins


def _installed_like_pulumi_install(venv: Path) -> None:
    """policy/venv as `pulumi install` leaves it, with the pack's requirements taken from this test run's
    environment (the same pins, see below): the tests install nothing from the network."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    [site_packages] = venv.glob("lib/python*/site-packages")
    this_run = sysconfig.get_path("purelib")
    (site_packages / "test-run-packages.pth").write_text(f"import site; site.addsitedir({this_run!r})\n")


def test_pulumi_preview_policy_pack_starts_the_pack_from_the_virtualenv_it_declares(tmp_path: Path) -> None:
    pack = tmp_path / "policy"
    shutil.copytree(PACK, pack, ignore=shutil.ignore_patterns("venv", "__pycache__"))
    python = policy_pack_interpreter(pack)
    assert python.is_relative_to(pack), f"PulumiPolicy.yaml names no virtualenv: the pack would run {python}"
    _installed_like_pulumi_install(python.parent.parent)
    with (
        FakeEngine(project="cce-passthrough", stack="dev") as engine,
        launch_policy_pack(pack, engine.address, engine.project, engine.stack, config={}) as analyzer,
    ):
        info = analyzer_pb2_grpc.AnalyzerStub(analyzer.channel).GetAnalyzerInfo(empty_pb2.Empty())
    assert info.name == PACK_NAME
    assert {p.name for p in info.policies} == {p.name for p in POLICIES}


def test_pulumi_install_in_policy_installs_this_repository_into_the_pack() -> None:
    # `pulumi install` runs pip from the pack's directory, and pip reads `-e ..` against the current
    # directory (not the requirements file's): from policy/, that is this repository.
    pip_dry_run = ["install", "--dry-run", "--no-index", "--no-deps", "--no-build-isolation", "--quiet"]
    report = subprocess.run(
        [sys.executable, "-m", "pip", *pip_dry_run, "--report", "-", "-r", "requirements.txt"],
        cwd=PACK,
        capture_output=True,
        text=True,
        check=True,
    )
    editable = [
        item["download_info"]["url"]
        for item in json.loads(report.stdout)["install"]
        if item["download_info"].get("dir_info", {}).get("editable")
    ]
    assert editable == [ROOT.as_uri()]


def test_the_pack_pins_what_the_project_pins() -> None:
    project = _pins(ROOT / "requirements.txt")
    for extra in ROOT.glob("requirements-*.txt"):
        project |= _pins(extra)
    pack = _pins(PACK / "requirements.txt")
    assert pack, "policy/requirements.txt pins nothing"
    assert {name: project.get(name) for name in pack} == pack
