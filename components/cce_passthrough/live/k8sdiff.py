"""The provider's detailed diff between a (pruned) live Kubernetes object and the program's new inputs, as
pulumi-kubernetes v4 computes it, and the engine's property paths. Pure data in, changes out.

- The provider diffs the pruned live object against the new inputs with a JSON merge patch and turns it
  into a detailed diff (`convertPatchToDiff`): a field recorded but no longer declared is a delete, so
  every field the cluster filled in that the program does not send shows as a change.
- A change under `.metadata.name`, `.metadata.namespace`, a Service's `.spec.clusterIP` or a
  Deployment's `.spec.selector` replaces the object (the provider's force-new table, `diff.go`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from ..core.property_paths import format_path, parse_path

Path = tuple[str | int, ...]

MISSING: Any = object()

_FORCE_NEW: dict[str, tuple[str, ...]] = {
    "Service": (".spec.clusterIP",),
    "Deployment": (
        ".spec.selector",
        ".spec.selector.matchExpressions",
        ".spec.selector.matchExpressions.key",
        ".spec.selector.matchExpressions.operator",
        ".spec.selector.matchExpressions.values",
        ".spec.selector.matchLabels",
    ),
}


class DiffKind(str, Enum):
    ADD = "add"
    UPDATE = "update"
    DELETE = "delete"
    ADD_REPLACE = "add-replace"
    UPDATE_REPLACE = "update-replace"
    DELETE_REPLACE = "delete-replace"

    @property
    def replaces(self) -> bool:
        return self.value.endswith("-replace")

    def replacing(self) -> DiffKind:
        return {
            DiffKind.ADD: DiffKind.ADD_REPLACE,
            DiffKind.UPDATE: DiffKind.UPDATE_REPLACE,
            DiffKind.DELETE: DiffKind.DELETE_REPLACE,
        }.get(self, self)


@dataclass(frozen=True)
class Change:
    path: str
    kind: DiffKind
    before: Any = None
    after: Any = None

    @property
    def replaces(self) -> bool:
        return self.kind.replaces


# --- property paths (the engine's syntax: `metadata.annotations["kubernetes.io/elb.id"]`, `a[0].b`) ---


def matches(pattern: Path, path: Path) -> bool:
    """`pattern` (with `*` for any key or index) is `path` or one of its ancestors."""
    if len(pattern) > len(path):
        return False
    return all(p == "*" or p == q for p, q in zip(pattern, path, strict=False))


# --- the provider's diff ---------------------------------------------------------------------------


def merge_patch(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """RFC 7386 merge patch from `old` to `new` (`jsonpatch.CreateMergePatch`): lists replaced whole."""
    patch: dict[str, Any] = {}
    for key, after in new.items():
        if key not in old:
            patch[key] = after
            continue
        before = old[key]
        if _json_type(before) != _json_type(after):
            patch[key] = after
        elif isinstance(after, Mapping):
            nested = merge_patch(before, after)
            if nested:
                patch[key] = nested
        elif not _equal(before, after):
            patch[key] = after
    for key in old:
        if key not in new:
            patch[key] = None
    return patch


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list):
        return "array"
    return type(value).__name__


def _equal(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True) or a == b


class _Converter:
    def __init__(self, force_new: Sequence[str]) -> None:
        self.force_new = [_jsonpath(p) for p in force_new]
        self.diff: dict[str, Change] = {}

    def value(
        self, path: Path, patched: Any, old: Any, new_input: Any, old_input: Any, in_array: bool
    ) -> None:
        """`addPatchValueToDiff`: `patched` is the patch's value at `path` (inside a list, the new value)."""
        if new_input is MISSING and (patched is not None or old_input is MISSING):
            return
        if patched is None:
            kind = DiffKind.DELETE
        elif old is MISSING:
            kind = DiffKind.ADD
        elif isinstance(patched, Mapping):
            if isinstance(old, Mapping):
                new_map = new_input if isinstance(new_input, Mapping) else {}
                old_map = old_input if isinstance(old_input, Mapping) else {}
                self.map(path, patched, old, new_map, old_map, in_array)
                return
            kind = DiffKind.UPDATE
        elif isinstance(patched, list):
            if isinstance(old, list):
                new_list = new_input if isinstance(new_input, list) else []
                old_list = old_input if isinstance(old_input, list) else []
                self.array(path, patched, old, new_list, old_list)
                return
            kind = DiffKind.UPDATE
        elif _equal(patched, old):
            return
        else:
            kind = DiffKind.UPDATE
        if any(self._forces_new(pattern, path, patched) for pattern in self.force_new):
            kind = kind.replacing()
        text = format_path(path)
        self.diff[text] = Change(text, kind, None if old is MISSING else old, patched)

    def map(
        self,
        path: Path,
        patched: Mapping[str, Any],
        old: Mapping[str, Any],
        new_input: Mapping[str, Any],
        old_input: Mapping[str, Any],
        in_array: bool,
    ) -> None:
        """`addPatchMapToDiff`: inside a list the patch holds whole values, so deletions are found here."""
        for key, value in patched.items():
            self.value(
                (*path, key),
                value,
                old.get(key, MISSING),
                new_input.get(key, MISSING),
                old_input.get(key, MISSING),
                in_array,
            )
        if in_array:
            for key, value in old.items():
                if key not in patched:
                    self.value(
                        (*path, key),
                        None,
                        value,
                        new_input.get(key, MISSING),
                        old_input.get(key, MISSING),
                        True,
                    )

    def array(
        self, path: Path, patched: list[Any], old: list[Any], new_input: list[Any], old_input: list[Any]
    ) -> None:
        """`addPatchArrayToDiff`: element by element; a position only one side has is added or deleted."""

        def at(items: list[Any], index: int) -> Any:
            return items[index] if index < len(items) else None

        common = min(len(patched), len(old))
        for index in range(common):
            self.value(
                (*path, index), patched[index], old[index], at(new_input, index), at(old_input, index), True
            )
        for index in range(common, len(patched)):
            self.value(
                (*path, index), patched[index], MISSING, at(new_input, index), at(old_input, index), True
            )
        for index in range(common, len(old)):
            self.value((*path, index), None, old[index], at(new_input, index), at(old_input, index), True)

    @staticmethod
    def _forces_new(pattern: Path, path: Path, patched: Any) -> bool:
        """The jsonpath `pattern` finds something in the patch slice that holds `patched` at `path`."""
        for index, part in enumerate(pattern):
            if index < len(path):
                if part != "*" and part != path[index]:
                    return False
                continue
            # Past the changed path: the pattern goes on inside the changed value.
            if isinstance(patched, Mapping) and isinstance(part, str) and part in patched:
                patched = patched[part]
            elif isinstance(patched, list) and part == "*" and patched:
                patched = patched[0]
            else:
                return False
        return True


def _jsonpath(text: str) -> Path:
    """`.spec.containers[*].image` -> ("spec", "containers", "*", "image")."""
    return parse_path(text.lstrip("."))


def diff(
    old: Mapping[str, Any], new: Mapping[str, Any], kind: str, ignore_changes: Sequence[str] = ()
) -> dict[str, Change]:
    """The provider's detailed diff between the (pruned) live object and the new inputs."""
    patch = merge_patch(old, new)
    if not patch:
        return {}
    force_new = [".metadata.name", ".metadata.namespace", *_FORCE_NEW.get(kind, ())]
    converter = _Converter(force_new)
    converter.map((), patch, old, new, old, in_array=False)
    ignored = [parse_path(p) for p in ignore_changes]
    return {
        key: change
        for key, change in converter.diff.items()
        if not any(matches(p, parse_path(key)) for p in ignored)
    }
