"""Writing a set of files into a directory the user owns, as `--render DIR` does: inside DIR only,
never through a link, never over a file this tool did not write, and all of the set or none of it.

Everything goes through one descriptor of DIR, opened without following a link, and every name is
resolved relative to it without following links (`dir_fd`, `O_NOFOLLOW`): a symbolic link placed in
DIR, or DIR itself being one, cannot send a write elsewhere. What this tool wrote is recorded in a
manifest in DIR (`.cce-passthrough-render.json`: each file's name and SHA-256); a later render replaces
or removes a file only when it still holds what was written. Files of renders made before the manifest
existed are recognised by their first line. Anything else under a planned name (a file of the user, one
they edited, a link, a FIFO, a directory) stops the render before anything is written. Nothing in DIR
is opened for reading unless it is a regular file, and then without blocking, so a FIFO cannot hang it.

The new files are written and flushed in a private directory inside DIR first, then renamed over their
names one by one (a rename replaces a name atomically, and never follows a link at the target); when a
rename fails, the names already replaced get their earlier content back.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import shutil
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..core.diagnostics import Diagnostic
from ..rules.faults import render_refused

MANIFEST = ".cce-passthrough-render.json"
_TEMP_PREFIX = ".cce-passthrough-render-tmp."
_MOST = 16 * 1024 * 1024  # no file this tool writes is larger; a larger one is not ours
_READ = os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


class RenderRefusedError(Exception):
    """DIR cannot be written safely (PT912): nothing was written; the command cannot run (exit 2)."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        self.diagnostic = diagnostic
        super().__init__(f"{diagnostic.code} {diagnostic.message} Fix: {diagnostic.fix}")


def _refused(directory: Path, message: str, fix: str) -> RenderRefusedError:
    return RenderRefusedError(render_refused(str(directory), message, fix))


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class _Existing:
    kind: str
    """`file`, `link`, `directory`, `FIFO`, `other`."""
    content: bytes | None = None
    """A regular file's bytes (at most `_MOST`), read without following a link and without blocking."""


_KINDS = ((stat.S_ISLNK, "link"), (stat.S_ISDIR, "directory"), (stat.S_ISFIFO, "FIFO"))


def _kind(dfd: int, name: str) -> str | None:
    """What `name` is in DIR, without following a link; None when there is nothing."""
    try:
        mode = os.stat(name, dir_fd=dfd, follow_symlinks=False).st_mode
    except FileNotFoundError:
        return None
    if stat.S_ISREG(mode):
        return "file"
    return next((kind for test, kind in _KINDS if test(mode)), "other")


def _look(dfd: int, name: str) -> _Existing | None:
    kind = _kind(dfd, name)
    if kind != "file":
        return None if kind is None else _Existing(kind)
    try:
        fd = os.open(name, _READ, dir_fd=dfd)
    except OSError:
        return _Existing("other")
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped since the stat
            return _Existing("other")
        content = bytearray()
        while len(content) <= _MOST:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            content += chunk
        return _Existing("file", bytes(content) if len(content) <= _MOST else None)
    finally:
        os.close(fd)


def _recorded(dfd: int) -> dict[str, str]:
    """name -> SHA-256 of what an earlier render wrote; empty when there is no usable manifest."""
    found = _look(dfd, MANIFEST)
    if found is None or found.content is None:
        return {}
    try:
        files = json.loads(found.content.decode("utf-8")).get("files")
    except (ValueError, AttributeError):
        return {}
    if not isinstance(files, dict):
        return {}
    return {str(k): str(v) for k, v in files.items() if isinstance(k, str) and isinstance(v, str)}


def _ours(name: str, existing: _Existing, recorded: Mapping[str, str], legacy_marker: bytes) -> bool:
    if existing.kind != "file" or existing.content is None:
        return False
    if name in recorded:
        return digest(existing.content) == recorded[name]
    return name.endswith(".yaml") and existing.content.startswith(legacy_marker)


def _safe_name(name: str) -> bool:
    return bool(name) and "/" not in name and "\0" not in name and not name.startswith(".")


@contextlib.contextmanager
def _open_directory(directory: Path) -> Iterator[int]:
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise _refused(
            directory, "exists and is not a directory", "Pass a directory, or a path that does not exist."
        ) from None
    try:
        dfd = os.open(directory, _DIRECTORY)
    except OSError as exc:
        if directory.is_symlink():
            raise _refused(
                directory,
                "is a symbolic link; the render never writes through a link",
                "Pass the directory the link points to.",
            ) from None
        raise _refused(
            directory, f"cannot be opened ({exc.strerror or exc})", "Pass a directory you can write."
        ) from None
    try:
        yield dfd
    finally:
        os.close(dfd)


def write_set(directory: Path, files: Mapping[str, str], legacy_marker: str) -> list[str]:
    """Make DIR hold `files` (name -> text) in place of what an earlier render wrote there; the names
    of earlier files no longer planned, which were removed. Raises RenderRefusedError (nothing written) or
    OSError (a write failed; what was replaced is put back)."""
    for name in files:
        if not _safe_name(name):
            raise ValueError(f"not a plain file name: {name!r}")
    marker = legacy_marker.encode("utf-8")
    with _open_directory(directory) as dfd:
        recorded = _recorded(dfd)
        names = set(os.listdir(dfd)) - {MANIFEST}  # noqa: PTH208 (by descriptor: no path to follow)
        # Read only what this tool may have written; everything else is looked at, never opened.
        candidates = names & (set(files) | set(recorded) | {n for n in names if n.endswith(".yaml")})
        present = {
            name: _look(dfd, name) if name in candidates else _Existing(_kind(dfd, name) or "gone")
            for name in sorted(names)
        }
        foreign = []
        for name in sorted(files):
            existing = present.get(name)
            if existing is not None and not _ours(name, existing, recorded, marker):
                changed = name in recorded and existing.kind == "file"
                foreign.append(f"{name} ({'changed since it was rendered' if changed else existing.kind})")
        manifest = _look(dfd, MANIFEST)
        if manifest is not None and manifest.kind != "file":
            foreign.append(f"{MANIFEST} ({manifest.kind})")
        if foreign:
            raise _refused(
                directory,
                "a planned file name is taken by something this tool did not write, nothing written: "
                + ", ".join(foreign),
                "Move those entries out of the directory, or render into an empty directory.",
            )
        stale = [
            name
            for name, existing in present.items()
            if name not in files and existing is not None and _ours(name, existing, recorded, marker)
        ]
        _remove_leftover_temporaries(dfd, present)
        new_manifest = json.dumps(
            {
                "written by": "cce-passthrough preview --render; files it may replace or remove",
                "files": {name: digest(text.encode("utf-8")) for name, text in sorted(files.items())},
            },
            indent=2,
            sort_keys=True,
        )
        _swap(dfd, {**files, MANIFEST: new_manifest}, present | {MANIFEST: manifest})
        for name in stale:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(name, dir_fd=dfd)
        os.fsync(dfd)
        return stale


def _remove_leftover_temporaries(dfd: int, present: Mapping[str, _Existing | None]) -> None:
    """The private directories of renders that were interrupted (ours by name, real directories)."""
    for name, existing in present.items():
        if name.startswith(_TEMP_PREFIX) and existing is not None and existing.kind == "directory":
            shutil.rmtree(name, dir_fd=dfd, ignore_errors=True)


def _swap(dfd: int, files: Mapping[str, str], before: Mapping[str, _Existing | None]) -> None:
    temporary = f"{_TEMP_PREFIX}{secrets.token_hex(8)}"
    os.mkdir(temporary, 0o700, dir_fd=dfd)
    try:
        tfd = os.open(temporary, _DIRECTORY, dir_fd=dfd)
        try:
            for name, text in files.items():
                _write(tfd, name, text.encode("utf-8"))
            replaced: list[str] = []
            try:
                for name in sorted(files):
                    os.rename(name, name, src_dir_fd=tfd, dst_dir_fd=dfd)
                    replaced.append(name)
            except OSError:
                _put_back(dfd, tfd, replaced, before)
                raise
        finally:
            os.close(tfd)
    finally:
        shutil.rmtree(temporary, dir_fd=dfd, ignore_errors=True)


def _write(dfd: int, name: str, data: bytes) -> None:
    fd = os.open(name, _CREATE, 0o666, dir_fd=dfd)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def _put_back(dfd: int, tfd: int, replaced: list[str], before: Mapping[str, _Existing | None]) -> None:
    """Each name already replaced gets its earlier content again (or goes, when it had none)."""
    for name in reversed(replaced):
        earlier = before.get(name)
        with contextlib.suppress(OSError):
            if earlier is None or earlier.content is None:
                os.unlink(name, dir_fd=dfd)
            else:
                restore = f"restore-{name}"
                _write(tfd, restore, earlier.content)
                os.rename(restore, name, src_dir_fd=tfd, dst_dir_fd=dfd)
