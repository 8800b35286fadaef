"""Two dependency sets: requirements.txt is what `pulumi up` installs into the program's and the plugin's
virtualenvs (the package's own dependencies, pinned), requirements-dev.txt what `make` and CI install (the
runtime set, every extra, the test and lint toolchain)."""

import re
from importlib.metadata import PackageNotFoundError, packages_distributions, requires
from importlib.resources import files
from pathlib import Path

from packaging.requirements import Requirement

from cce_passthrough.rules.stackconfig import load_project, load_stack_config
from helpers import ROOT, FixtureInvokes
from helpers.langhost import FakeEngine, run_program

TOOLCHAIN = {"pytest", "moto", "hypothesis", "mypy", "ruff", "types-pyyaml", "wheel"}


def _name(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def _pins(path: Path) -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            requirement = Requirement(line)
            [specifier] = requirement.specifier
            assert specifier.operator == "==", f"{path.name}: {line} is not an exact pin"
            pins[_name(requirement.name)] = specifier.version
    return pins


def _declared(extra: str | None) -> set[str]:
    """The package's requirements (installed metadata, from pyproject.toml): its own, or one extra's."""
    found = set()
    for line in requires("cce-passthrough") or []:
        requirement = Requirement(line)
        in_extra = requirement.marker is not None and "extra" in str(requirement.marker)
        if (extra is None and not in_extra) or (
            extra is not None
            and requirement.marker is not None
            and requirement.marker.evaluate({"extra": extra})
        ):
            found.add(_name(requirement.name))
    return found


def _closure(names: set[str]) -> set[str]:
    """Every distribution installing `names` brings in (no extras)."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = _name(todo.pop())
        if name in seen:
            continue
        seen.add(name)
        try:
            declared = requires(name) or []
        except PackageNotFoundError:
            continue
        for line in declared:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return seen


def test_requirements_txt_pins_the_packages_own_dependencies_and_nothing_else() -> None:
    assert set(_pins(ROOT / "requirements.txt")) == _declared(None), (
        "requirements.txt pins exactly pyproject.toml's `dependencies`; an extra's pin goes to requirements-dev.txt"
    )
    assert "-e ." in (ROOT / "requirements.txt").read_text().splitlines()


def test_requirements_dev_pins_every_extra_on_top_of_the_runtime_set() -> None:
    dev = ROOT / "requirements-dev.txt"
    assert "-r requirements.txt" in dev.read_text().splitlines()
    pinned = set(_pins(dev))
    for extra in ("policy", "render", "backend", "live"):
        assert _declared(extra) <= pinned, f"extra {extra} is not pinned in requirements-dev.txt"
    assert pinned >= TOOLCHAIN
    assert not pinned & set(_pins(ROOT / "requirements.txt")), "a pin in both files"


def test_the_runtime_set_installs_no_test_or_lint_tool_and_no_extra() -> None:
    runtime = _closure(set(_pins(ROOT / "requirements.txt")) | {"cce-passthrough"})
    extras = set().union(*(_declared(e) for e in ("policy", "render", "backend", "live")))
    assert not runtime & (TOOLCHAIN | extras)


def test_make_and_ci_install_the_development_set() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install --quiet -r requirements-dev.txt" in makefile
    assert "$(STAMP): requirements.txt requirements-dev.txt pyproject.toml" in makefile
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def _vendored_by_setuptools() -> set[str]:
    """pkg_resources (imported by pulumi-huaweicloud) puts setuptools' vendored packages on sys.path."""
    return {path.name.removesuffix(".py") for path in Path(str(files("setuptools") / "_vendor")).iterdir()}


def test_pulumi_up_of_every_stack_imports_only_the_runtime_set() -> None:
    runtime = _closure(set(_pins(ROOT / "requirements.txt")) | {"cce-passthrough"})
    owners = packages_distributions()
    vendored = _vendored_by_setuptools() if "setuptools" in runtime else set()
    project = load_project(ROOT)
    for stack in ("dev", "staging", "prod"):
        config = load_stack_config(project, project.stack_file(stack))
        with FakeEngine(project=project.name, stack=stack, invoke=FixtureInvokes()) as engine:
            run = run_program(
                ROOT, engine, config.values, config.secret_keys, extra_env={"PYTHONPROFILEIMPORTTIME": "1"}
            )
        assert run.returncode == 0, run.stderr[-3000:]
        imported = {
            line.split("|")[-1].strip().split(".")[0]
            for line in run.stderr.splitlines()
            if line.startswith("import time:") and "|" in line
        }
        outside = {
            f"{module} ({', '.join(owners[module])})"
            for module in imported
            if module in owners
            and module not in vendored
            and not {_name(d) for d in owners[module]} & runtime
        }
        assert not outside, f"{stack}: imports from outside requirements.txt: {sorted(outside)}"
