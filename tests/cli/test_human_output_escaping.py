"""Control characters and terminal escape sequences in anything a stack file, a cluster or a program
chooses are escaped in every human output: the tree, the diagnostics, the errors (issue 11, item 8). A
value can neither forge a line of output nor take control of the terminal."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from cce_passthrough.cli.main import main
from cce_passthrough.core.text import json_printable, printable
from helpers import ROOT, STANDARD_CLUSTER, service, write_stack

FORGED = "\n    error: PT000 everything is fine"
ESCAPES = "\x1b]0;owned\x07\x1b[2J\x9b31m\u202e"


def raw_controls(text: str, colour: bool = False) -> list[str]:
    """Control characters left raw, but for line breaks (and SGR colour sequences when asked for)."""
    if colour:
        for code in ("\033[0m", "\033[2m", "\033[31m", "\033[32m", "\033[33m", "\033[36m"):
            text = text.replace(code, "")
    return [c for c in text if not c.isprintable() and c != "\n"]


def preview(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["preview", "--project", str(ROOT), *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_an_annotation_value_with_a_newline_and_escapes_is_escaped_in_the_outputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = write_stack(
        tmp_path, STANDARD_CLUSTER, [service(annotations={"example.com/note": FORGED + ESCAPES})]
    )
    code, out, _ = preview(["--config", str(stack)], capsys)
    assert code == 0
    assert raw_controls(out) == []
    assert "error: PT000" not in out.replace("\\n    error: PT000", "")
    assert "example.com/note: \\n    error: PT000 everything is fine\\x1b]0;owned\\x07" in out


def test_a_service_name_that_forges_a_line_is_escaped_in_the_diagnostics(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = write_stack(tmp_path, STANDARD_CLUSTER, [service(name="web" + FORGED)])
    code, out, _ = preview(["--config", str(stack)], capsys)
    assert code == 1
    assert raw_controls(out) == []
    assert not any(line.startswith("    error: PT000") for line in out.splitlines())
    assert "service web\\n    error: PT000 everything is fine" in out


def test_with_colour_only_the_trees_own_colour_codes_reach_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("cce_passthrough.cli.main._colour", lambda: True)
    stack = write_stack(tmp_path, STANDARD_CLUSTER, [service(image="nginx" + ESCAPES, replicas=-1)])
    code, out, _ = preview(["--config", str(stack)], capsys)
    assert code == 1
    assert "\033[31m" in out  # the error is red
    assert raw_controls(out, colour=True) == []


def test_a_stack_file_name_with_escapes_is_escaped_in_the_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / ("Pulumi.x" + ESCAPES + "\nforged.yaml")
    code, _, err = preview(["--config", str(missing)], capsys)
    assert code == 2
    assert raw_controls(err) == [] and len(err.strip().splitlines()) == 1


def test_a_render_directory_with_a_newline_is_escaped_in_the_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "out\nforged line"
    code, out, _ = preview(["--stack", "dev", "--render", str(out_dir)], capsys)
    assert code == 0
    note = [line for line in out.splitlines() if line.startswith("Rendered")]
    assert len(note) == 1 and "out\\nforged line" in note[0]
    assert not any(line.startswith("forged line") for line in out.splitlines())


def test_json_output_escapes_what_json_leaves_raw_and_means_the_same(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    value = "x" + ESCAPES + "\x7f"
    stack = write_stack(tmp_path, STANDARD_CLUSTER, [service(annotations={"example.com/note": value})])
    code, out, _ = preview(["--config", str(stack), "--json"], capsys)
    assert code == 0 and raw_controls(out) == []
    payload = json.loads(out)
    [svc] = [r for r in payload["resources"] if r["type"] == "kubernetes:core/v1:Service"]
    assert svc["inputs"]["metadata"]["annotations"]["example.com/note"] == value


def test_a_failing_program_message_is_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config: {}\n")
    (tmp_path / "__main__.py").write_text(
        textwrap.dedent(
            """
            raise RuntimeError("boom\\x1b[2J\\n    error: PT000 forged")
            """
        )
    )
    code = main(["preview", "--project", str(tmp_path), "--stack", "dev"])
    err = capsys.readouterr().err
    assert code == 2 and raw_controls(err) == [] and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain text, 中文, café", "plain text, 中文, café"),
        ("a\nb\tc\rd", "a\\nb\\tc\\rd"),
        ("\x1b[31mred", "\\x1b[31mred"),
        ("\u202eevil", "\\u202eevil"),
        ("\x9b2J", "\\x9b2J"),
        ("\U000e0041tag", "\\U000e0041tag"),
    ],
)
def test_printable_escapes_exactly_the_characters_that_act_on_a_terminal(text: str, shown: str) -> None:
    assert printable(text) == shown


def test_json_printable_is_the_same_json_value() -> None:
    value = {"k": "a\u202e\x9b\x7f\U000e0041\nz"}
    text = json_printable(json.dumps(value, ensure_ascii=False, indent=2))
    assert raw_controls(text) == [] and json.loads(text) == value
