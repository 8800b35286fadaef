"""The layers of the package, visible in its folders: each imports only the layers below it, and the pure
layers (core, rules, live) run without Pulumi."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT

PACKAGE_DIR = ROOT / "components" / "cce_passthrough"
PACKAGE = "cce_passthrough"

# Which layers each layer may import (itself included). The root `__init__`/`__main__` is the face and may
# import anything; no layer imports the root except for `__version__`.
MAY_IMPORT: dict[str, frozenset[str]] = {
    "core": frozenset({"core"}),
    "rules": frozenset({"rules", "core"}),
    "wiring": frozenset({"wiring", "rules", "core"}),
    "offline": frozenset({"offline", "wiring", "rules", "core"}),
    "cli": frozenset({"cli", "offline", "wiring", "rules", "core", "backend", "live"}),
    "backend": frozenset({"backend"}),
    "live": frozenset({"live", "rules", "core"}),
}
PURE_LAYERS = ("core", "rules", "live")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in MAY_IMPORT) else None


def _imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, absolute module, imported names) for every import of the package in `path`."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[int, str, list[str]]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            found.append((node.lineno, target, [alias.name for alias in node.names]))
    return [(line, target, names) for line, target, names in found if target.split(".")[0] == PACKAGE]


def _modules() -> list[Path]:
    return sorted(PACKAGE_DIR.rglob("*.py"))


def test_every_folder_of_the_package_is_a_known_layer() -> None:
    folders = {p.name for p in PACKAGE_DIR.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders <= set(MAY_IMPORT)


# Folders of tests/ that hold no tests of a layer: the support package and the data the tests read.
TEST_SUPPORT_FOLDERS = frozenset({"helpers", "fixtures", "corpus"})


def test_every_folder_of_tests_is_a_layer_or_support() -> None:
    # A folder left with only __pycache__ after its files moved holds no tests: only Python files count.
    folders = {p.name for p in (ROOT / "tests").iterdir() if p.is_dir() and any(p.glob("*.py"))}
    assert sorted(folders - TEST_SUPPORT_FOLDERS - set(MAY_IMPORT)) == []


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE_DIR)))
def test_each_layer_imports_only_the_layers_below_it(path: Path) -> None:
    layer = _layer(_module_name(path))
    if layer is None:
        return  # the root face
    wrong = []
    for line, target, names in _imports(path):
        target_layer = _layer(target)
        if target_layer is None and target == PACKAGE and names == ["__version__"]:
            continue
        if target_layer is None and target == PACKAGE:
            # `from .. import core` style: the layer is the imported name
            targets = {name for name in names if name in MAY_IMPORT}
            if targets and targets <= MAY_IMPORT[layer]:
                continue
        if target_layer not in MAY_IMPORT[layer]:
            wrong.append(f"line {line}: {layer} imports {target} {names}")
    assert wrong == []


def test_the_pure_layers_never_load_pulumi() -> None:
    pure = [
        _module_name(path)
        for path in _modules()
        if _layer(_module_name(path)) in PURE_LAYERS and path.name != "__main__.py"
    ]
    assert any(module.startswith(f"{PACKAGE}.rules.") for module in pure)
    script = (
        "import importlib, json, sys\n"
        f"for module in {pure!r}:\n"
        "    importlib.import_module(module)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('pulumi'))))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert json.loads(run.stdout) == []


def test_the_package_root_loads_its_public_names_on_first_use() -> None:
    script = (
        "import json, sys\n"
        "import cce_passthrough\n"
        "before = sorted(m for m in sys.modules if m.startswith('pulumi'))\n"
        "from cce_passthrough import ConstraintViolation, Diagnostic, PassThroughService\n"
        "from cce_passthrough import PassThroughServiceArgs, Severity\n"
        "print(json.dumps([before, 'pulumi' in sys.modules, PassThroughService.__module__]))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert json.loads(run.stdout) == [[], True, "cce_passthrough.wiring.component"]


MAX_LINES = 400


def test_no_module_is_over_400_lines() -> None:
    long = {
        str(path.relative_to(PACKAGE_DIR)): len(path.read_text().splitlines())
        for path in _modules()
        if len(path.read_text().splitlines()) > MAX_LINES
    }
    assert long == {}


# At the top of tests/ only the tests of the repository as a whole; every other test is in its layer's folder.
REPOSITORY_TESTS = frozenset(
    {
        "test_layers.py",
        "test_vocabulary.py",
        "test_packaging.py",
        "test_requirements.py",
        "test_bench_programs.py",
    }
)


def test_the_top_of_tests_holds_only_the_tests_of_the_whole_repository() -> None:
    assert sorted({p.name for p in (ROOT / "tests").glob("*.py")} - REPOSITORY_TESTS) == []
