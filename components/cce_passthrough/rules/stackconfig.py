"""Reading `Pulumi.yaml` and a stack file the way the Pulumi CLI hands them to a program."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.diagnostics import Diagnostic
from ..core.secrets import SECRET
from .stackfile import LIMITS, Limits, StackFileError, beyond_limits, load, malformed, unreadable

__all__ = [
    "Project",
    "StackConfig",
    "StackFileError",
    "load_project",
    "load_stack_config",
]


@dataclass
class Project:
    name: str
    directory: Path
    stack_config_dir: Path
    main: Path
    declared: dict[str, Any] = field(default_factory=dict)

    def stack_file(self, stack: str) -> Path:
        return self.stack_config_dir / f"Pulumi.{stack}.yaml"

    def stacks(self) -> list[str]:
        """The stacks that have a stack file, by name."""
        found = {_stack_name(path) for path in self.stack_config_dir.glob("Pulumi.*.yaml")}
        return sorted(name for name in found if name)


@dataclass
class StackConfig:
    """Config as the SDK sees it: `namespace:key` -> string (JSON for non-strings)."""

    project: str
    stack: str
    values: dict[str, str]
    secret_keys: list[str]
    findings: list[Diagnostic] = field(default_factory=list)
    """What the file says that YAML and the Pulumi CLI would read differently (PT908-PT911): with any,
    `values` is empty and the program is not run."""

    def object(self, key: str) -> Any:
        """The value as the program's `get_object` reads it; None when unset or not JSON (the program
        itself reports that, as PT902)."""
        raw = self.values.get(key)
        try:
            return json.loads(raw) if raw is not None else None
        except json.JSONDecodeError:
            return None


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def read_text(path: Path, limits: Limits = LIMITS) -> str:
    """The text of a regular file of at most `limits.file_bytes`; StackFileError (PT905, PT907) else.

    Opened without blocking, so that a FIFO is refused instead of waiting for a writer, and checked on
    the open descriptor, so that what is read is what was checked."""
    name = str(path)
    flags = (
        os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    )
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise unreadable(name, "does not exist") from None
    except OSError as exc:
        raise unreadable(name, f"cannot be opened ({exc.strerror or exc})") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = next((what for test, what in _KINDS if test(mode)), "not a regular file")
            raise unreadable(name, f"is {kind}, not a regular file")
        data = bytearray()
        while len(data) <= limits.file_bytes:
            chunk = os.read(fd, min(1 << 20, limits.file_bytes + 1 - len(data)))
            if not chunk:
                break
            data += chunk
    except OSError as exc:
        raise unreadable(name, f"cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if len(data) > limits.file_bytes:
        raise beyond_limits(
            name,
            f"{name} is larger than {limits.file_bytes:,} bytes; refused unread.",
            "Pass the stack file itself; a stack file is a few kilobytes.",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise unreadable(name, "is not UTF-8 text", "Save the file as UTF-8.") from None


def _read_yaml(path: Path, project: str = "") -> tuple[Any, list[Diagnostic]]:
    return load(read_text(path), str(path), project)


def load_project(directory: Path, *, needs_program: bool = True) -> Project:
    """`Pulumi.yaml` of `directory`; with `needs_program`, its program must exist too (the live commands
    read only the stack's config and do not need it)."""
    path = directory / "Pulumi.yaml"
    data, findings = _read_yaml(path)
    if findings:
        raise StackFileError(findings[0])
    if not isinstance(data, Mapping) or not isinstance(data.get("name"), str):
        raise malformed(str(path), "has no project name", "Name the project: `name: <project>`.")
    main = directory / str(data.get("main") or "")
    main = main / "__main__.py" if main.is_dir() else main
    if needs_program and not main.is_file():
        raise unreadable(str(path), f"the program {main} does not exist")
    config_dir = directory / str(data.get("stackConfigDir") or ".")
    declared = data.get("config") or {}
    if not isinstance(declared, Mapping):
        raise malformed(str(path), "config: must be a mapping")
    return Project(data["name"], directory, config_dir, main, dict(declared))


def _qualify(key: str, project: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def _encode(value: Any) -> str:
    # The CLI hands every non-string config value to the program as JSON text; YAML's own scalars
    # (dates, timestamps) go as their text, as strings are what Pulumi config holds.
    return value if isinstance(value, str) else json.dumps(value, default=str)


def load_stack_config(project: Project, stack_file: Path, stack: str | None = None) -> StackConfig:
    """Project-level `value`s and `default`s, overlaid by the stack file; `secure:` values masked."""
    values: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, declaration in project.declared.items():
        if isinstance(declaration, Mapping):
            for attribute in ("default", "value"):
                if attribute in declaration:
                    values[_qualify(key, project.name)] = _encode(declaration[attribute])
        else:
            values[_qualify(key, project.name)] = _encode(declaration)
    data, findings = _read_yaml(stack_file, project.name)
    if findings:
        # Read differently by YAML and by the Pulumi CLI: nothing of it is handed to the program.
        return StackConfig(project.name, stack or _stack_name(stack_file), values, secret_keys, findings)
    data = data or {}
    if not isinstance(data, Mapping):
        raise malformed(str(stack_file), "must be a mapping with a config: section")
    config = data.get("config") or {}
    if not isinstance(config, Mapping):
        raise malformed(str(stack_file), "config: must be a mapping")
    for key, value in config.items():
        qualified = _qualify(str(key), project.name)
        if isinstance(value, Mapping) and set(value) == {"secure"}:
            values[qualified] = SECRET
            secret_keys.append(qualified)
        else:
            values[qualified] = _encode(value)
    name = stack or _stack_name(stack_file)
    return StackConfig(project.name, name, values, secret_keys)


def existing_stack_file(project: Project, stack: str) -> Path:
    """The stack file of `stack`; StackFileError naming the stacks that do exist when it has none."""
    path = project.stack_file(stack)
    if path.is_file():
        return path
    known = project.stacks()
    have = (
        f"stacks of project {project.name}: {', '.join(known)}" if known else "this project has no stack file"
    )
    raise unreadable(
        str(path),
        f"no stack {stack!r}: the file does not exist ({have})",
        f"Write {path.name} there (a copy of another stack's file is a start), or preview any stack file "
        "with --config FILE.",
    )


def _stack_name(path: Path) -> str:
    parts = path.name.split(".")
    if len(parts) >= 3 and parts[0] == "Pulumi" and parts[-1] in ("yaml", "yml"):
        return ".".join(parts[1:-1])
    return path.stem
