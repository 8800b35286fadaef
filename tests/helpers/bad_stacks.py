"""The bad stack corpus (tests/corpus/bad-stacks/): each file and its header, and one run of the real
command line over it, in this process."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cce_passthrough.cli.main import main

from .stacks import ROOT, run_stack
from .state import write_export

CORPUS = ROOT / "tests" / "corpus" / "bad-stacks"
HEADER_KEYS = ("expect", "exit", "class", "argv", "secret", "grow", "foreign", "before")
# Issue 11's classes of hostile input; every one has cases in the corpus.
CLASSES = {
    "rule": "a documented CCE constraint broken (one rule of the catalogue)",
    "config-shape": "a key or value the configuration model does not take",
    "resource-exhaustion": "alias bomb, deep nesting, huge file, a file that is not a regular file",
    "yaml-tag": "!!binary, !!set, custom tags",
    "duplicate-key": "one key written twice",
    "non-string-key": "a mapping key YAML reads as a number, a boolean, null or a list",
    "huge-number": "a number too long for any setting",
    "namespace-key": "a misspelt key of the cce-passthrough namespace",
    "int32": "an integer the Kubernetes API stores as int32 out of its range",
    "annotation-key": "annotation key syntax, size, near-misses of kubernetes.io/elb.*",
    "control-characters": "control characters and terminal escapes in values",
    "secret": "a credential in plain text",
    "cli-argument": "a bad command-line argument (--stack '', a device, a FIFO, a render directory)",
}
DEFAULT_ARGV = "preview --project {project} --config {config}"


@dataclass(frozen=True)
class Case:
    path: Path
    mistake: str
    expect: tuple[str, ...]
    exit_code: int
    classes: tuple[str, ...]
    argv: str = DEFAULT_ARGV
    secrets: tuple[str, ...] = ()
    grow: tuple[str, int, str] | None = None
    """(marker, count, text): the marker in the file stands for `text` written `count` times."""
    foreign: tuple[str, ...] = ()
    """Files under the run's directory that the user wrote before the run (a render must not touch them)."""
    before: str | None = None
    """A stack of before/ deployed earlier: its state, as `pulumi stack export` prints it, is {tmp}/state.json."""

    @property
    def name(self) -> str:
        return self.path.stem

    def text(self) -> str:
        text = self.path.read_text(encoding="utf-8")
        if self.grow is not None:
            marker, count, piece = self.grow
            assert marker in text, f"{self.path.name}: no {marker} to grow"
            body = [line for line in text.splitlines(keepends=True) if not line.startswith("# grow: ")]
            text = "".join(body).replace(marker, piece * count)
        return text


def load(path: Path) -> Case:
    """A corpus file: its first comment line says the mistake, then `# key: value` lines (HEADER_KEYS)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines and lines[0].startswith("# "), f"{path.name}: the first line must say the mistake"
    fields: dict[str, list[str]] = {}
    for line in lines[1:]:
        if not line.startswith("#"):
            break
        key, sep, value = line[1:].strip().partition(": ")
        if sep and key in HEADER_KEYS:
            fields.setdefault(key, []).append(value.strip())
    assert "expect" in fields and "exit" in fields, f"{path.name}: needs # expect: and # exit:"
    expect = () if fields["expect"] == ["nothing"] else tuple(" ".join(fields["expect"]).split())
    grow = None
    if "grow" in fields:
        marker, count, piece = fields["grow"][0].split(" ", 2)
        grow = (marker, int(count), json.loads(piece))
    return Case(
        path=path,
        mistake=lines[0][2:].strip(),
        expect=expect,
        exit_code=int(fields["exit"][0]),
        classes=tuple(" ".join(fields.get("class", ["rule"])).split()),
        argv=fields.get("argv", [DEFAULT_ARGV])[0],
        secrets=tuple(fields.get("secret", [])),
        grow=grow,
        foreign=tuple(fields.get("foreign", [])),
        before=fields.get("before", [None])[0],
    )


def cases() -> list[Case]:
    return [load(path) for path in sorted(CORPUS.glob("*.yaml"))]


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str
    diagnostics: list[dict[str, Any]] = field(default_factory=list)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(sorted(d["code"] for d in self.diagnostics))

    def output(self) -> str:
        return self.stdout + self.stderr


def _argv(case: Case, workdir: Path, as_json: bool) -> list[str]:
    config = workdir / case.path.name
    fifo = workdir / "fifo.yaml"
    if "{fifo}" in case.argv and not fifo.exists():
        os.mkfifo(fifo)
    words = shlex.split(case.argv)
    places = {"{project}": str(ROOT), "{config}": str(config), "{tmp}": str(workdir), "{fifo}": str(fifo)}
    argv = []
    for word in words:
        for place, value in places.items():
            word = word.replace(place, value)
        argv.append(word)
    return [*argv, "--json"] if as_json else argv


def prepare(case: Case, workdir: Path) -> None:
    """The stack file as the user wrote it, and the files the user had before the run."""
    (workdir / case.path.name).write_text(case.text(), encoding="utf-8")
    if case.before is not None:
        deployed, _ = run_stack(
            case.name, config_file=CORPUS / "before" / f"{case.before}.yaml", preview=False
        )
        assert deployed.ok, deployed.diagnostics
        write_export(deployed, workdir / "state.json")
    for name in case.foreign:
        foreign = workdir / name
        foreign.parent.mkdir(parents=True, exist_ok=True)
        foreign.write_text("# written by hand, not by cce-passthrough\n")


def run(case: Case, workdir: Path, as_json: bool) -> Run:
    """`cce-passthrough <argv>` in this process, as the console script runs it (argparse refusals too)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            code = main(_argv(case, workdir, as_json))
        except SystemExit as exit_:  # argparse's refusal of a flag, as the console script exits
            code = exit_.code if isinstance(exit_.code, int) else 2
    result = Run(code, stdout.getvalue(), stderr.getvalue())
    if as_json and result.stdout.strip():
        result.diagnostics = list(json.loads(result.stdout).get("diagnostics", []))
    # A refusal after the plan (a --render directory) is a coded line on stderr, outside the JSON.
    known = {d["code"] for d in result.diagnostics}
    for code in re.findall(r"^cce-passthrough: error: (PT\d{3}) ", result.stderr, re.MULTILINE):
        if code not in known:
            result.diagnostics.append({"code": code, "field": "(stderr)", "fix": code, "message": code})
    return result
