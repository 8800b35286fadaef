"""What `pulumi preview` would plan for a Kubernetes object the program declares and the cluster already
has: the import (what `pulumi import` records), the refresh (what `pulumi preview --refresh` compares) and
the diff, as pulumi-kubernetes v4 and the Pulumi engine compute them. Pure data in, a plan step out.

The rules mirrored here, all from the provider's and the engine's source:

- `pulumi import` reads the object and records as its inputs the live `apiVersion`, `kind`, `metadata`
  and `spec` whole, less `creationTimestamp`, `generation`, `managedFields`, `resourceVersion`, `uid`
  and the annotations `deployment.kubernetes.io/revision` and `kubectl.kubernetes.io/last-applied-
  configuration` (pulumi-kubernetes `provider.go`, `Read` with no prior inputs).
- A refresh keeps of the live object only the shape of the recorded inputs (`pruneLiveState`).
- The engine first copies, for every `ignoreChanges` path, the recorded value into the new inputs
  (`PropertyPath.Reset`: set when recorded, deleted when not).
- The provider diffs the pruned live object against the new inputs with a JSON merge patch and turns it
  into a detailed diff (`convertPatchToDiff`): a field recorded but no longer declared is a delete, so
  every field the cluster filled in that the program does not send shows as a change.
- A change under `.metadata.name`, `.metadata.namespace`, a Service's `.spec.clusterIP` or a
  Deployment's `.spec.selector` replaces the object (the provider's force-new table, `diff.go`), and so
  does a change under a `replaceOnChanges` path (the engine).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

Path = tuple[str | int, ...]

MISSING: Any = object()

REVISION = "deployment.kubernetes.io/revision"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
# The input properties of a Service or Deployment resource (the rest of the object is output only).
INPUT_PROPERTIES = ("apiVersion", "kind", "metadata", "spec")
_READ_ONLY_METADATA = ("creationTimestamp", "generation", "managedFields", "resourceVersion", "uid")
_NORMALISED_AWAY_METADATA = (*_READ_ONLY_METADATA, "deletionGracePeriodSeconds", "deletionTimestamp")

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


class Operation(str, Enum):
    SAME = "same"
    UPDATE = "update"
    REPLACE = "replace"


@dataclass(frozen=True)
class Change:
    path: str
    kind: DiffKind
    before: Any = None
    after: Any = None

    @property
    def replaces(self) -> bool:
        return self.kind.replaces


@dataclass(frozen=True)
class Step:
    """One resource of the plan: `same` when nothing differs."""

    operation: Operation
    changes: tuple[Change, ...] = field(default_factory=tuple)

    @property
    def replaces(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.replaces)


# --- property paths (the engine's syntax: `metadata.annotations["kubernetes.io/elb.id"]`, `a[0].b`) ---

_SEGMENT = re.compile(r'\.?([A-Za-z0-9_$*-]+)|\[(\d+|\*)\]|\["((?:[^"\\]|\\.)*)"\]')


def parse_path(text: str) -> Path:
    """`metadata.annotations["x.y"]` -> ("metadata", "annotations", "x.y"); `a[0]` -> ("a", 0)."""
    parts: list[str | int] = []
    position = 0
    while position < len(text):
        match = _SEGMENT.match(text, position)
        if match is None or match.end() == position:
            raise ValueError(f"not a property path: {text!r}")
        name, index, quoted = match.groups()
        if name is not None:
            parts.append(name)
        elif index is not None:
            parts.append("*" if index == "*" else int(index))
        else:
            parts.append(quoted.replace('\\"', '"'))
        position = match.end()
    return tuple(parts)


def format_path(path: Sequence[str | int]) -> str:
    """The provider's spelling of a diff path: `.` between plain keys, `["..."]` for keys with `.`, `"`,
    `[` or `]`, `[N]` for indexes."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif any(c in part for c in '."[]'):
            escaped = part.replace('"', '\\"')
            text += f'["{escaped}"]'
        else:
            text += f".{part}" if text else part
    return text


def _matches(pattern: Path, path: Path) -> bool:
    """`pattern` (with `*` for any key or index) is `path` or one of its ancestors."""
    if len(pattern) > len(path):
        return False
    return all(p == "*" or p == q for p, q in zip(pattern, path, strict=False))


# --- what import and refresh record ---------------------------------------------------------------


def imported_inputs(live: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs `pulumi import` records for a live Service or Deployment."""
    inputs: dict[str, Any] = {key: copy.deepcopy(live[key]) for key in INPUT_PROPERTIES if key in live}
    metadata = inputs.get("metadata")
    if isinstance(metadata, dict):
        for key in _READ_ONLY_METADATA:
            metadata.pop(key, None)
        annotations = metadata.get("annotations")
        if isinstance(annotations, dict):
            # Only the keys go: an object whose only annotations were these keeps an empty map.
            annotations.pop(REVISION, None)
            annotations.pop(LAST_APPLIED, None)
    return inputs


def prune(live: Any, shape: Any) -> Any:
    """`live` cut down to the keys (and list positions) of `shape` (`pruneMap` / `pruneSlice`)."""
    if isinstance(live, Mapping) and isinstance(shape, Mapping):
        result: dict[str, Any] = {}
        for key, value in live.items():
            if key not in shape:
                continue
            target = shape[key]
            if value is None or target is None or type(value) is not type(target):
                result[key] = copy.deepcopy(value)
            else:
                result[key] = prune(value, target)
        return result
    if isinstance(live, list) and isinstance(shape, list):
        if not live or not shape:
            return []
        if type(live[0]) is not type(shape[0]):
            return copy.deepcopy(live)
        pruned = []
        for index, target in enumerate(shape):
            if index >= len(live):
                break
            value = live[index]
            if value is None or target is None:
                pruned.append(copy.deepcopy(value))
            elif isinstance(value, (Mapping, list)):
                pruned.append(prune(value, target))
            else:
                pruned.append(value)
        return pruned
    return copy.deepcopy(live)


def _normalise(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """`normalizeInputs`: read-only metadata removed; the default namespace made explicit."""
    result = copy.deepcopy(dict(inputs))
    metadata = result.get("metadata")
    if isinstance(metadata, dict):
        for key in _NORMALISED_AWAY_METADATA:
            metadata.pop(key, None)
        if not metadata.get("namespace"):
            metadata["namespace"] = "default"
    return result


# --- the engine's ignoreChanges --------------------------------------------------------------------


def apply_ignore_changes(new: dict[str, Any], old: Mapping[str, Any], paths: Sequence[str]) -> list[str]:
    """Reset every path of `new` to its value in `old` (deleted where `old` has none), in place.
    Returns the paths the engine could not reset (it reports them and carries on)."""
    failed = []
    for text in paths:
        if not _reset(parse_path(text), old, new):
            failed.append(text)
    return failed


def _reset(path: Path, old: Any, new: Any) -> bool:
    key, rest = path[0], path[1:]
    if isinstance(key, int):
        if not isinstance(old, list) or not isinstance(new, list):
            return not isinstance(old, list) and not isinstance(new, list)
        if key >= len(old) and key >= len(new):
            return True
        if key >= len(old) or key >= len(new):
            return False
        if not rest:
            new[key] = copy.deepcopy(old[key])
            return True
        return _reset(rest, old[key], new[key])
    if key == "*":
        if isinstance(old, Mapping) and isinstance(new, dict):
            if not rest:
                new.clear()
                new.update(copy.deepcopy(dict(old)))
                return True
            return all(k in new and _reset(rest, old[k], new[k]) for k in old)
        if isinstance(old, list) and isinstance(new, list):
            if not rest:
                for index in range(min(len(old), len(new))):
                    new[index] = copy.deepcopy(old[index])
            elif not all(_reset(rest, o, n) for o, n in zip(old, new, strict=False)):
                return False
            return len(old) == len(new)
        return False
    if not rest:
        if isinstance(old, Mapping) and key in old:
            if not isinstance(new, dict):
                return False
            new[key] = copy.deepcopy(old[key])
        elif isinstance(new, dict):
            new.pop(key, None)
        return True
    if not isinstance(old, Mapping) or not isinstance(new, dict):
        return not isinstance(old, Mapping) and not isinstance(new, dict)
    has_old, has_new = key in old, key in new
    if has_old and not has_new:
        return False
    if not has_old and not has_new:
        return True
    return _reset(rest, old.get(key), new[key])


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
        if not any(_matches(p, parse_path(key)) for p in ignored)
    }


# --- one resource of the plan ----------------------------------------------------------------------


@dataclass(frozen=True)
class Declared:
    """A Kubernetes resource as the program registers it: inputs and the options that shape its plan."""

    kind: str
    inputs: Mapping[str, Any]
    ignore_changes: tuple[str, ...] = ()
    replace_on_changes: tuple[str, ...] = ()


def plan(recorded_inputs: Mapping[str, Any], live: Mapping[str, Any], declared: Declared) -> Step:
    """The step `pulumi preview` shows for `declared` when the state holds `recorded_inputs` and the
    cluster `live` (after an import or a refresh, the state's live object is the cluster's)."""
    new = _normalise(declared.inputs)
    old_inputs = _normalise(recorded_inputs)
    apply_ignore_changes(new, old_inputs, declared.ignore_changes)
    old = prune(live, old_inputs)
    metadata = old.get("metadata")
    if isinstance(metadata, dict):
        metadata["namespace"] = metadata.get("namespace") or "default"
        for key in ("resourceVersion",):
            metadata.pop(key, None)
    changes = diff(old, new, declared.kind, declared.ignore_changes)
    replace_paths = [parse_path(p) for p in declared.replace_on_changes]
    result = []
    for key in sorted(changes):
        change = changes[key]
        if not change.replaces and any(_matches(p, parse_path(key)) for p in replace_paths):
            change = Change(change.path, change.kind.replacing(), change.before, change.after)
        result.append(change)
    if not result:
        return Step(Operation.SAME)
    operation = Operation.REPLACE if any(c.replaces for c in result) else Operation.UPDATE
    return Step(operation, tuple(result))


def plan_after_import(live: Mapping[str, Any], declared: Declared) -> Step:
    """The first preview after `pulumi import` of `live`."""
    return plan(imported_inputs(live), live, declared)


def plan_after_refresh(live: Mapping[str, Any], declared: Declared) -> Step:
    """A `pulumi preview --refresh` when the state holds what the program last sent: only fields the
    program sets can differ, which is what drift outside Pulumi looks like to Pulumi."""
    return plan(declared.inputs, live, declared)


def leaves(value: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Every scalar of a JSON value with its path."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, (*path, index))
    else:
        yield path, value
