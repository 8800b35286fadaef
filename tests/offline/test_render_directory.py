"""`--render DIR` in a directory the user owns (issue 11, item 2): never outside DIR, never through a
link, never over a file this tool did not write, the whole set or nothing, and no hang on a FIFO."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cce_passthrough.cli.main import main
from cce_passthrough.offline import render_dir
from cce_passthrough.offline.manifest_files import MARKER, SUMMARY
from cce_passthrough.offline.render_dir import MANIFEST, RenderRefusedError, write_set
from helpers import ROOT

DEV_FILES = ["01-default-deployment-nginx.yaml", "02-default-service-nginx.yaml", SUMMARY]


def render(directory: Path, capsys: pytest.CaptureFixture[str], stack: str = "dev") -> tuple[int, str]:
    code = main(["preview", "--project", str(ROOT), "--stack", stack, "--render", str(directory)])
    captured = capsys.readouterr()
    return code, captured.err


def listing(directory: Path) -> dict[str, str]:
    return {p.name: p.read_text() if p.is_file() and not p.is_symlink() else "" for p in directory.iterdir()}


def test_a_link_under_a_planned_name_is_neither_followed_nor_replaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "precious.yaml"
    outside.write_text("mine\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / DEV_FILES[0]).symlink_to(outside)
    code, err = render(out, capsys)
    assert code == 2
    assert "PT912" in err and f"{DEV_FILES[0]} (link)" in err
    assert outside.read_text() == "mine\n"
    assert sorted(p.name for p in out.iterdir()) == [DEV_FILES[0]]  # nothing written


def test_a_link_under_another_name_is_left_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outside = tmp_path / "precious.yaml"
    outside.write_text(f"{MARKER}\nmine\n")  # even when its target looks like a rendered file
    out = tmp_path / "out"
    out.mkdir()
    (out / "zz-link.yaml").symlink_to(outside)
    assert render(out, capsys)[0] == 0
    assert (out / "zz-link.yaml").is_symlink() and outside.read_text() == f"{MARKER}\nmine\n"


def test_a_render_directory_that_is_a_link_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "out").symlink_to(real)
    code, err = render(tmp_path / "out", capsys)
    assert code == 2 and "is a symbolic link" in err
    assert list(real.iterdir()) == []


def test_a_render_directory_that_is_a_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "out").write_text("x")
    code, err = render(tmp_path / "out", capsys)
    assert code == 2 and "PT912" in err and "not a directory" in err


def test_a_file_of_the_user_under_a_planned_name_stops_the_render_before_anything_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / DEV_FILES[1]).write_text("my own service\n")
    code, err = render(tmp_path, capsys)
    assert code == 2 and f"{DEV_FILES[1]} (file)" in err
    assert listing(tmp_path) == {DEV_FILES[1]: "my own service\n"}


def test_a_rendered_file_edited_since_is_not_replaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert render(tmp_path, capsys)[0] == 0
    edited = tmp_path / DEV_FILES[0]
    edited.write_text(edited.read_text() + "# my note\n")
    before = listing(tmp_path)
    code, err = render(tmp_path, capsys)
    assert code == 2 and "changed since it was rendered" in err
    assert listing(tmp_path) == before


def test_a_second_render_replaces_its_files_and_removes_those_no_longer_planned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert render(tmp_path, capsys, "staging")[0] == 0
    (tmp_path / "notes.txt").write_text("kept\n")
    assert render(tmp_path, capsys, "dev")[0] == 0
    assert sorted(listing(tmp_path)) == sorted([MANIFEST, *DEV_FILES, "notes.txt"])


def test_files_of_a_render_without_manifest_are_recognised_by_their_first_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "03-old-service-gone.yaml").write_text(f"{MARKER}\nkind: Service\n")
    (tmp_path / DEV_FILES[0]).write_text(f"{MARKER}\nkind: Deployment\n")
    assert render(tmp_path, capsys)[0] == 0
    assert sorted(listing(tmp_path)) == sorted([MANIFEST, *DEV_FILES])


def test_a_fifo_in_the_directory_does_not_hang_the_render(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "00-pipe.yaml")
    run = subprocess.run(
        [sys.executable, "-m", "cce_passthrough", "preview", "--stack", "dev", "--render", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "00-pipe.yaml").exists() and (tmp_path / DEV_FILES[0]).is_file()


def test_a_fifo_under_a_planned_name_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.mkfifo(tmp_path / SUMMARY)
    code, err = render(tmp_path, capsys)
    assert code == 2 and f"{SUMMARY} (FIFO)" in err


def test_a_failing_rename_puts_the_earlier_files_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert render(tmp_path, capsys, "staging")[0] == 0
    before = listing(tmp_path)
    real_rename = os.rename
    calls = {"n": 0}

    def failing(*args: object, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        real_rename(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(render_dir.os, "rename", failing)
    code, err = render(tmp_path, capsys, "dev")
    assert code == 2 and "No space left on device" in err
    assert listing(tmp_path) == before


def test_an_interrupted_render_leaves_no_lasting_trace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    leftover = tmp_path / ".cce-passthrough-render-tmp.0123456789abcdef"
    leftover.mkdir()
    (leftover / DEV_FILES[0]).write_text("half written")
    assert render(tmp_path, capsys)[0] == 0
    assert not leftover.exists()


def test_a_name_that_is_not_a_plain_file_name_is_never_written(tmp_path: Path) -> None:
    for name in ("../escape.yaml", "a/b.yaml", ".hidden"):
        with pytest.raises(ValueError):
            write_set(tmp_path / "out", {name: "x"}, MARKER)
    assert not (tmp_path / "escape.yaml").exists()


def test_the_refusal_names_every_entry_in_the_way(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("mine")
    (tmp_path / "b.yaml").mkdir()
    with pytest.raises(RenderRefusedError) as refused:
        write_set(tmp_path, {"a.yaml": "x", "b.yaml": "y", "c.yaml": "z"}, MARKER)
    assert "a.yaml (file), b.yaml (directory)" in refused.value.diagnostic.message
    assert not (tmp_path / "c.yaml").exists()
