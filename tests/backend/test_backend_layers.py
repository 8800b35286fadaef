"""The backend's own layers: pure modules never import botocore; nothing imports the rest of the package.

README "Layout": backend/ imports nothing else of cce_passthrough. Inside it, the decisions
(what a bucket's settings should be, what an answer from S3 looks like, what is printed) are
pure, so they are tested and fuzzed without a server; only connection, bucket and objects send
requests.
"""

from __future__ import annotations

import ast
from pathlib import Path

import cce_passthrough.backend as backend

PACKAGE = Path(backend.__file__).parent
PURE = {"url", "layout", "state", "posture", "protocol", "output", "report", "interrupt"}
REQUESTS = {"connection", "bucket", "objects"}
MAX_LINES = 400


def imports_of(module: str) -> set[str]:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.add("." * node.level + (node.module or ""))
    return found


def test_every_module_is_named_in_a_layer() -> None:
    modules = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__"}
    assert modules == PURE | REQUESTS | {"cli"}


def test_pure_modules_import_neither_botocore_nor_the_request_modules() -> None:
    for module in sorted(PURE):
        imported = imports_of(module)
        assert not any(name.split(".")[0] in {"boto3", "botocore"} for name in imported), module
        assert not {f".{m}" for m in REQUESTS} & imported, module


def test_the_backend_imports_nothing_else_of_the_package() -> None:
    for path in PACKAGE.glob("*.py"):
        for name in imports_of(path.stem):
            assert not name.startswith(".."), (path.name, name)
            assert not name.startswith("cce_passthrough"), (path.name, name)


def test_no_module_is_over_400_lines() -> None:
    lengths = {p.name: len(p.read_text().splitlines()) for p in PACKAGE.glob("*.py")}
    assert {name: n for name, n in lengths.items() if n > MAX_LINES} == {}
