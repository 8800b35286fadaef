"""One vocabulary: each word the package shares is defined once, in the lowest layer that needs it, and
every other module imports it: the `[secret]` marker (core/secrets.py), the `kubernetes.io/elb.*`
annotation keys (core/annotations.py), the ELB class names (core/model.py), the engine's property paths
(core/property_paths.py) and the stack's config as the Pulumi CLI hands it to a program (one
`StackConfig`, in rules/stackconfig.py)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import ROOT

PACKAGE_DIR = ROOT / "components" / "cce_passthrough"
MODULES = sorted(PACKAGE_DIR.rglob("*.py"))
ANNOTATION_KEY = re.compile(r"kubernetes\.io/elb\.[A-Za-z0-9._-]+")
QUOTED_SEGMENT = r'\["((?:[^"\\]|\\.)*)"\]'  # the pattern of a quoted property-path segment


def _name(path: Path) -> str:
    return str(path.relative_to(PACKAGE_DIR))


def _strings(path: Path) -> Iterator[tuple[int, str]]:
    """(line, text) of every string constant of the module's code, docstrings left out: prose may name
    a word, code must import it."""
    tree = ast.parse(path.read_text(), str(path))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_the_secret_marker_is_written_only_where_it_is_defined(path: Path) -> None:
    if _name(path) == "core/secrets.py":
        return
    assert [line for line, text in _strings(path) if "[secret]" in text] == []


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_an_annotation_key_is_spelt_out_only_in_the_annotation_vocabulary(path: Path) -> None:
    if _name(path) == "core/annotations.py":
        return
    assert [(line, text) for line, text in _strings(path) if ANNOTATION_KEY.fullmatch(text)] == []


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_the_elb_class_names_are_one_table(path: Path) -> None:
    """CCE's `union`/`performance` against this project's `shared`/`dedicated`: core/model.py's
    ELB_CLASS_NAMES, and no second table."""
    if _name(path) == "core/model.py":
        return
    tables = [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.Dict)
        and {k.value for k in node.keys if isinstance(k, ast.Constant)} & {"union", "performance"}
        and {v.value for v in node.values if isinstance(v, ast.Constant)} & {"shared", "dedicated"}
    ]
    assert tables == []


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_property_paths_are_parsed_in_one_place(path: Path) -> None:
    """`metadata.annotations["kubernetes.io/elb.id"]`: a quoted segment is read by core/property_paths.py
    for the engine's steps, the provider's diff and adopt alike."""
    if _name(path) == "core/property_paths.py":
        return
    assert [line for line, text in _strings(path) if QUOTED_SEGMENT in text] == []


def test_one_stack_config() -> None:
    defined = [
        _name(path)
        for path in MODULES
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.ClassDef) and node.name == "StackConfig"
    ]
    assert len(defined) == 1, defined
