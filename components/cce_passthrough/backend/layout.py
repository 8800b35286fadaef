"""Where Pulumi's DIY backend keeps what under ``.pulumi/``: object keys, never their contents. Pure.

Layout (pulumi/pulumi ``pkg/backend/diy``: ``store.go``, ``lock.go``, ``meta.go``):

* ``.pulumi/meta.yaml`` - ``version: 1`` means project-scoped stacks; absent or ``0`` is legacy.
* project layout (v1): ``.pulumi/stacks/<project>/<stack>.json[.gz|.zst]``,
  ``.pulumi/locks/organization/<project>/<stack>/<lock-id>.json``,
  ``.pulumi/history/<project>/<stack>/<stack>-<ts>.history.json``.
* legacy layout (v0): ``.pulumi/stacks/<stack>.json``, ``.pulumi/locks/<stack>/<lock-id>.json``,
  ``.pulumi/history/<stack>/...``.
* ``<stack>.json.bak`` files are backups Pulumi writes next to the state; they are not stacks.

The I/O layer lists keys (relative to the state root, i.e. after any prefix), asks
:func:`plan_listing` which objects it must read, reads them and hands the bytes to
:func:`.state.summarize`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from .url import BackendError, BackendTarget

BOOKKEEPING = ".pulumi"
STACKS_DIR = f"{BOOKKEEPING}/stacks/"
LOCKS_DIR = f"{BOOKKEEPING}/locks/"
HISTORY_DIR = f"{BOOKKEEPING}/history/"
META_KEY = f"{BOOKKEEPING}/meta.yaml"
DIY_ORGANIZATION = "organization"
# What is read of one object at most: a stack's state (large stacks reach tens of MiB), a lock
# file or meta.yaml (a few hundred bytes each). Larger objects are reported, never read.
MAX_STATE_BYTES = 128 * 1024 * 1024
MAX_LOCK_BYTES = 64 * 1024
MAX_META_BYTES = 64 * 1024

_NAME_RE = re.compile(r"^[A-Za-z0-9_.-]+$")
_STACK_SUFFIXES = (".json.gz", ".json.zst", ".json", ".yaml", ".yml")


class StateFormatError(ValueError):
    """A ``.pulumi/`` object that does not have the shape Pulumi writes."""


@dataclass(frozen=True)
class ObjectInfo:
    """One listed object, ``key`` relative to the state root."""

    key: str
    last_modified: datetime
    size: int = 0


@dataclass(frozen=True)
class ObjectVersion:
    """One stored version (or delete marker) of an object, as ``ListObjectVersions`` reports it."""

    key: str
    version_id: str
    last_modified: datetime
    size: int
    is_latest: bool
    is_delete_marker: bool


@dataclass(frozen=True)
class StackRef:
    project: str | None  # None in the legacy layout
    stack: str

    @property
    def display(self) -> str:
        return f"{self.project}/{self.stack}" if self.project else self.stack


@dataclass
class ListingPlan:
    """What :func:`plan_listing` found; tells the I/O layer which objects to read."""

    layout_version: int
    stacks: dict[StackRef, ObjectInfo] = field(default_factory=dict)
    locks: dict[StackRef, list[str]] = field(default_factory=dict)
    history_counts: dict[StackRef, int] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    too_large: dict[str, int] = field(default_factory=dict)  # key -> listed size, not read

    def keys_to_read(self) -> list[str]:
        keys = [obj.key for obj in self.stacks.values()]
        for lock_keys in self.locks.values():
            keys.extend(lock_keys)
        return sorted(k for k in keys if k not in self.too_large)


def _split_stack_file(name: str) -> str | None:
    for suffix in _STACK_SUFFIXES:
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            return stem if _NAME_RE.match(stem) else None
    return None


def classify_stack_key(key: str, layout_version: int) -> StackRef | None:
    """Stack reference for a state object key, as Pulumi's ``ListReferences`` would see it."""
    if not key.startswith(STACKS_DIR):
        return None
    parts = key[len(STACKS_DIR) :].split("/")
    if layout_version >= 1:
        if len(parts) != 2 or not _NAME_RE.match(parts[0]):
            return None
        stack = _split_stack_file(parts[1])
        return StackRef(parts[0], stack) if stack else None
    if len(parts) != 1:
        return None
    stack = _split_stack_file(parts[0])
    return StackRef(None, stack) if stack else None


def classify_lock_key(key: str, layout_version: int) -> StackRef | None:
    """Stack reference owning a lock object key (``<lock-id>.json``)."""
    if not key.startswith(LOCKS_DIR) or not key.endswith(".json"):
        return None
    parts = key[len(LOCKS_DIR) :].split("/")
    if not all(_NAME_RE.match(p) for p in parts):
        return None
    if layout_version >= 1:
        if len(parts) == 4 and parts[0] == DIY_ORGANIZATION:
            return StackRef(parts[1], parts[2])
        if len(parts) == 3:  # tolerate <project>/<stack>/<id>.json
            return StackRef(parts[0], parts[1])
        return None
    return StackRef(None, parts[0]) if len(parts) == 2 else None


def classify_history_key(key: str, layout_version: int) -> StackRef | None:
    if not key.startswith(HISTORY_DIR) or not key.endswith(".history.json"):
        return None
    parts = key[len(HISTORY_DIR) :].split("/")
    if layout_version >= 1:
        return StackRef(parts[0], parts[1]) if len(parts) == 3 else None
    return StackRef(None, parts[0]) if len(parts) == 2 else None


def stack_state_key(project: str | None, stack: str, suffix: str = ".json") -> str:
    """Key of a stack's state object relative to the state root."""
    for name in (project, stack):
        if name is not None and not _NAME_RE.match(name):
            raise StateFormatError(f"invalid project or stack name {name!r}")
    return f"{STACKS_DIR}{project}/{stack}{suffix}" if project else f"{STACKS_DIR}{stack}{suffix}"


def state_root_of_key(key: str) -> str | None:
    """``"envs/dev/"`` for ``envs/dev/.pulumi/stacks/...``; None if the key is not under any ``.pulumi/stacks/``."""
    index = key.find(STACKS_DIR)
    while index > 0 and key[index - 1] != "/":
        index = key.find(STACKS_DIR, index + 1)
    return None if index < 0 else key[:index]


def lock_dir_candidates(ref: StackRef) -> list[str]:
    """Directories that may hold locks for ``ref`` (relative to the state root)."""
    if ref.project is None:
        return [f"{LOCKS_DIR}{ref.stack}/"]
    return [
        f"{LOCKS_DIR}{DIY_ORGANIZATION}/{ref.project}/{ref.stack}/",
        f"{LOCKS_DIR}{ref.project}/{ref.stack}/",
    ]


def plan_listing(objects: Iterable[ObjectInfo], layout_version: int) -> ListingPlan:
    """Sort listed objects into stacks, locks, history and the rest; mark what is too large to read."""
    plan = ListingPlan(layout_version=layout_version)
    for obj in objects:
        key = obj.key
        if key == META_KEY or key.endswith("/"):
            continue
        if key.startswith(STACKS_DIR):
            ref = classify_stack_key(key, layout_version)
            if ref is None:
                if not key.endswith(".bak"):
                    plan.ignored.append(key)
                continue
            previous = plan.stacks.get(ref)
            # Same stack stored twice (e.g. .json and .json.gz): the newer object is the live one.
            if previous is None or obj.last_modified > previous.last_modified:
                plan.stacks[ref] = obj
        elif key.startswith(LOCKS_DIR):
            ref = classify_lock_key(key, layout_version)
            if ref is None:
                plan.ignored.append(key)
            else:
                plan.locks.setdefault(ref, []).append(key)
                if obj.size > MAX_LOCK_BYTES:
                    plan.too_large[key] = obj.size
        elif key.startswith(HISTORY_DIR):
            ref = classify_history_key(key, layout_version)
            if ref is not None:
                plan.history_counts[ref] = plan.history_counts.get(ref, 0) + 1
    for obj in plan.stacks.values():
        if obj.size > MAX_STATE_BYTES:
            plan.too_large[obj.key] = obj.size
    return plan


def stack_keys(target: BackendTarget, stack: str, layout_version: int) -> list[str]:
    """Full object keys that may hold ``stack``'s state (``PROJECT/STACK`` or legacy ``STACK``)."""
    project: str | None
    if "/" in stack:
        parts = stack.split("/")
        if len(parts) == 3 and parts[0] == "organization":
            parts = parts[1:]
        if len(parts) != 2:
            raise BackendError(f"invalid stack {stack!r}: expected PROJECT/STACK")
        project, name = parts
        if layout_version < 1:
            raise BackendError("this backend uses the legacy layout (no projects): pass --stack STACK")
    else:
        project, name = None, stack
        if layout_version >= 1:
            raise BackendError("this backend is project-scoped: pass --stack PROJECT/STACK")
    try:
        return [
            target.state_root + stack_state_key(project, name, s) for s in (".json", ".json.gz", ".json.zst")
        ]
    except ValueError as exc:
        raise BackendError(str(exc)) from exc


def stack_ref_for_key(target: BackendTarget, key: str, layout_version: int) -> StackRef:
    """The stack whose state object ``key`` is, under ``target``'s state root; else BackendError.

    Restore checks that stack's lock, so a key must name a stack state object under the same
    root (``--prefix``) whose locks are looked at.
    """
    root = state_root_of_key(key)
    if root is None:
        raise BackendError(
            f"{key!r} is not a stack's state object (.pulumi/stacks/...); pass a key as printed by "
            "`backend versions`, or --stack"
        )
    if root != target.state_root:
        where = f"--prefix {root.rstrip('/')}" if root else "no --prefix"
        raise BackendError(
            f"key {key!r} lies outside {target.where}: pass {where}, so that its stack's lock is checked"
        )
    ref = classify_stack_key(key[len(root) :], layout_version)
    if ref is None:
        raise BackendError(
            f"{key!r} is not a stack's state object for this backend's layout; pass a key as printed by "
            "`backend versions`, or --stack"
        )
    return ref
