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
- The provider diffs the pruned live object against the new inputs (`k8sdiff`); a change under a
  `replaceOnChanges` path replaces the object too (the engine).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ..core.property_paths import parse_path
from .k8sdiff import Change, Path, diff, matches

REVISION = "deployment.kubernetes.io/revision"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
# The input properties of a Service or Deployment resource (the rest of the object is output only).
INPUT_PROPERTIES = ("apiVersion", "kind", "metadata", "spec")
_READ_ONLY_METADATA = ("creationTimestamp", "generation", "managedFields", "resourceVersion", "uid")
_NORMALISED_AWAY_METADATA = (*_READ_ONLY_METADATA, "deletionGracePeriodSeconds", "deletionTimestamp")


class Operation(str, Enum):
    SAME = "same"
    UPDATE = "update"
    REPLACE = "replace"


@dataclass(frozen=True)
class Step:
    """One resource of the plan: `same` when nothing differs."""

    operation: Operation
    changes: tuple[Change, ...] = field(default_factory=tuple)

    @property
    def replaces(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.replaces)


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
        if not change.replaces and any(matches(p, parse_path(key)) for p in replace_paths):
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
