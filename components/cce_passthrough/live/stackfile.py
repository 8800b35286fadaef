"""`adopt --write`: add one service to `cce-passthrough:services` of a stack file, keeping its comments, key
order and quoting (ruamel.yaml round trip), never following a link, never writing over a file that changed
since it was read (atomic replace after a byte-for-byte check). Pure file work: no Pulumi here."""

from __future__ import annotations

import io
import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

SERVICES_KEY = "cce-passthrough:services"
_MAX_BYTES = 1 << 20


class StackFileRefusedError(Exception):
    """The file was left as it was; the message says why."""


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML()  # round-trip: comments, key order, flow/block style and quotes are kept
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long annotation value onto two lines
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def read_regular(path: Path) -> bytes:
    """The file's bytes, refusing links, non-regular files and anything over 1 MiB."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        raise StackFileRefusedError(f"{path}: {exc.strerror or exc}") from None
    if stat.S_ISLNK(info.st_mode):
        raise StackFileRefusedError(
            f"{path} is a symbolic link; adopt writes only regular files it can replace safely"
        )
    if not stat.S_ISREG(info.st_mode):
        raise StackFileRefusedError(f"{path} is not a regular file")
    if info.st_size > _MAX_BYTES:
        raise StackFileRefusedError(f"{path} is larger than 1 MiB")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as handle:
        return handle.read(_MAX_BYTES + 1)


def add_service(original: bytes, entry: Mapping[str, Any], path: Path) -> bytes:
    """The stack file with `entry` appended to its services, everything else as it was."""
    from ruamel.yaml.error import YAMLError

    yaml = _yaml()
    try:
        document = yaml.load(original.decode("utf-8"))
    except (YAMLError, UnicodeDecodeError) as exc:
        raise StackFileRefusedError(f"{path} is not readable YAML: {str(exc).splitlines()[0]}") from None
    if not isinstance(document, dict):
        raise StackFileRefusedError(f"{path} has no config: mapping")
    config = document.get("config")
    if config is None:
        from ruamel.yaml.comments import CommentedMap

        config = document["config"] = CommentedMap()
    if not isinstance(config, dict):
        raise StackFileRefusedError(f"{path}: config: is not a mapping")
    services = config.get(SERVICES_KEY)
    if services is None:
        from ruamel.yaml.comments import CommentedSeq

        services = config[SERVICES_KEY] = CommentedSeq()
    if not isinstance(services, list):
        raise StackFileRefusedError(f"{path}: {SERVICES_KEY} is not a list")
    for existing in services:
        same_name = isinstance(existing, dict) and existing.get("name") == entry.get("name")
        if same_name and (existing.get("namespace") or "default") == (entry.get("namespace") or "default"):
            raise StackFileRefusedError(f"{path} already has a service {entry.get('name')!r}")
    services.append(_plain(entry))
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue().encode("utf-8")


def _plain(value: Any) -> Any:
    """Block style for the new entry, except short port and resource maps, written on one line like the
    stack files of this repository."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, Mapping):
        result = CommentedMap()
        for key, item in value.items():
            result[key] = _plain(item)
        scalars = all(not isinstance(v, (Mapping, list)) for v in value.values())
        short = sum(len(str(k)) + len(str(v)) for k, v in value.items()) <= 60
        if scalars and short and 0 < len(value) <= 4:
            result.fa.set_flow_style()
        return result
    if isinstance(value, list):
        seq = CommentedSeq(_plain(item) for item in value)
        if all(isinstance(item, str) for item in value):
            seq.fa.set_flow_style()
        return seq
    return value


def replace_if_unchanged(path: Path, expected: bytes, new: bytes) -> None:
    """Write `new` in place of `path` only if `path` still holds `expected`: a temporary file in the same
    folder, then an atomic rename; the file's mode is kept."""
    if read_regular(path) != expected:
        raise StackFileRefusedError(f"{path} changed while adopt was running; nothing written")
    mode = stat.S_IMODE(os.lstat(path).st_mode)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".adopt", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(new)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temporary).chmod(mode)
        if read_regular(path) != expected:
            raise StackFileRefusedError(f"{path} changed while adopt was running; nothing written")
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_entry(path: Path, entry: Mapping[str, Any]) -> None:
    original = read_regular(path)
    replace_if_unchanged(path, original, add_service(original, entry, path))
