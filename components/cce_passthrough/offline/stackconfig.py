"""Reading `Pulumi.yaml` and a stack file the way the Pulumi CLI hands them to a program."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

# libyaml when PyYAML was built with it: ten times faster on a stack of a hundred services.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# What a `secure:` value becomes offline: the cipher text cannot (and must not) be read here.
SECRET_PLACEHOLDER = "[secret]"


class StackFileError(Exception):
    """A project or stack file that cannot be read: the command cannot run (exit 2)."""


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

    def object(self, key: str) -> Any:
        """The value as the program's `get_object` reads it; None when unset or not JSON (the program
        itself reports that, as PT902)."""
        raw = self.values.get(key)
        try:
            return json.loads(raw) if raw is not None else None
        except json.JSONDecodeError:
            return None


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise StackFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise StackFileError(f"{path} is not UTF-8 text") from None
    try:
        return yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise StackFileError(f"{path}{where} is not valid YAML: {getattr(exc, 'problem', exc)}") from None


def load_project(directory: Path) -> Project:
    path = directory / "Pulumi.yaml"
    data = _read_yaml(path)
    if not isinstance(data, Mapping) or not isinstance(data.get("name"), str):
        raise StackFileError(f"{path} has no project name")
    main = directory / str(data.get("main") or "")
    main = main / "__main__.py" if main.is_dir() else main
    if not main.is_file():
        raise StackFileError(f"{path}: the program {main} does not exist")
    config_dir = directory / str(data.get("stackConfigDir") or ".")
    declared = data.get("config") or {}
    if not isinstance(declared, Mapping):
        raise StackFileError(f"{path}: config must be a mapping")
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
    data = _read_yaml(stack_file) or {}
    if not isinstance(data, Mapping):
        raise StackFileError(f"{stack_file} must be a mapping with a config: section")
    config = data.get("config") or {}
    if not isinstance(config, Mapping):
        raise StackFileError(f"{stack_file}: config: must be a mapping")
    for key, value in config.items():
        qualified = _qualify(str(key), project.name)
        if isinstance(value, Mapping) and set(value) == {"secure"}:
            values[qualified] = SECRET_PLACEHOLDER
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
    raise StackFileError(
        f"no stack {stack!r}: {path} does not exist ({have}); "
        f"write {path.name} there (a copy of another stack's file is a start), or preview any stack file "
        "with --config FILE"
    )


def _stack_name(path: Path) -> str:
    parts = path.name.split(".")
    if len(parts) >= 3 and parts[0] == "Pulumi" and parts[-1] in ("yaml", "yml"):
        return ".".join(parts[1:-1])
    return path.stem
