"""Bad stack files as users write them (tests/corpus/bad-stacks/, issue 11): each through the real command
line, `cce-passthrough preview --config FILE`, once with `--json` and once as the tree a human reads.

One mistake, one finding: each file gets exactly the codes its header expects and the exit code the README
documents (0 warnings only, 1 an error finding, 2 the command cannot run), never a traceback, never a
secret it holds, never a raw control character in the human output. Time and memory are bounded by the
reader's limits (`rules/stackfile.py`), not by a clock here; `bench/corpus_bench.py` measures both.

Together the files cover every rule a stack file can reach (the others are listed below with the reason),
every key of the configuration model and every class of hostile input of issue 11.
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

import pytest

from helpers.bad_stacks import CLASSES, Case, Run, cases, prepare, run

CASES = cases()


@functools.cache
def outcome(name: str) -> tuple[Run, Run]:
    """(the --json run, the tree run) of one case, each in a fresh directory."""
    case = next(c for c in CASES if c.name == name)
    runs = []
    for as_json in (True, False):
        with tempfile.TemporaryDirectory(prefix="bad-stack-") as workdir:
            prepare(case, Path(workdir))
            runs.append(run(case, Path(workdir), as_json))
    return runs[0], runs[1]


def test_every_bad_stack_says_its_mistake_and_its_classes() -> None:
    assert all(case.mistake and case.classes for case in CASES)
    assert all(set(case.classes) <= set(CLASSES) for case in CASES), {c.name: c.classes for c in CASES}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_a_bad_stack_gets_exactly_its_findings_and_its_exit_code(case: Case) -> None:
    as_json, as_tree = outcome(case.name)
    assert (as_json.codes, as_json.exit_code) == (tuple(sorted(case.expect)), case.exit_code), (
        case.mistake,
        [(d["code"], d["field"], d["message"]) for d in as_json.diagnostics],
        as_json.stderr,
    )
    assert as_tree.exit_code == case.exit_code, as_tree.output()
    for outcome_ in (as_json, as_tree):
        assert "Traceback" not in outcome_.output()
        for secret in case.secrets:
            assert secret not in outcome_.output()
    # a value can neither forge a line nor drive the terminal: every line a human reads is printable
    assert all(line.isprintable() for line in as_tree.output().split("\n")), as_tree.output()
    # every finding has its field and a fix that leads somewhere
    assert all(d["field"] and d["fix"] and d["message"] for d in as_json.diagnostics)
