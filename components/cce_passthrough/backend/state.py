"""Pure parsing of what Pulumi's DIY backend stores under ``.pulumi/``.

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
:func:`summarize`. Nothing here talks to the network.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import yaml

from .output import escape_control

BOOKKEEPING = ".pulumi"
STACKS_DIR = f"{BOOKKEEPING}/stacks/"
LOCKS_DIR = f"{BOOKKEEPING}/locks/"
HISTORY_DIR = f"{BOOKKEEPING}/history/"
META_KEY = f"{BOOKKEEPING}/meta.yaml"
DIY_ORGANIZATION = "organization"

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
class StackRef:
    project: str | None  # None in the legacy layout
    stack: str

    @property
    def display(self) -> str:
        return f"{self.project}/{self.stack}" if self.project else self.stack


@dataclass(frozen=True)
class LockInfo:
    key: str
    username: str | None = None
    hostname: str | None = None
    pid: int | None = None
    timestamp: datetime | None = None

    @property
    def owner(self) -> str:
        if not (self.username or self.hostname):
            return "unknown owner"
        who = f"{self.username or '?'}@{self.hostname or '?'}"
        if self.pid is not None:
            who += f" (pid {self.pid})"
        if self.timestamp is not None:
            who += f" since {format_time(self.timestamp)}"
        return who


@dataclass(frozen=True)
class CheckpointInfo:
    last_update: datetime | None
    resource_count: int | None
    ever_updated: bool = True  # False: `pulumi stack init` only, ``checkpoint.latest`` is null


@dataclass(frozen=True)
class StackSummary:
    ref: StackRef
    state_key: str | None  # None: only a lock exists (first update still running)
    last_update: datetime | None
    last_update_source: str  # "checkpoint", "object" (S3 LastModified) or "none"
    resource_count: int | None
    history_count: int
    locks: tuple[LockInfo, ...] = ()
    problem: str | None = None

    @property
    def locked(self) -> bool:
        return bool(self.locks)


@dataclass
class ListingPlan:
    """What :func:`plan_listing` found; tells the I/O layer which objects to read."""

    layout_version: int
    stacks: dict[StackRef, ObjectInfo] = field(default_factory=dict)
    locks: dict[StackRef, list[str]] = field(default_factory=dict)
    history_counts: dict[StackRef, int] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)

    def keys_to_read(self) -> list[str]:
        keys = [obj.key for obj in self.stacks.values()]
        for lock_keys in self.locks.values():
            keys.extend(lock_keys)
        return sorted(keys)


@dataclass(frozen=True)
class StateReport:
    layout_version: int
    stacks: tuple[StackSummary, ...]
    ignored: tuple[str, ...] = ()

    @property
    def problems(self) -> list[str]:
        return [f"{s.ref.display}: {s.problem}" for s in self.stacks if s.problem]


def format_time(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: object) -> datetime | None:
    """RFC 3339 as Go writes it (nanoseconds, ``Z`` or offset) -> aware datetime, else None."""
    if not isinstance(value, str) or not value:
        return None
    match = re.match(
        r"^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$", value.strip()
    )
    if not match:
        return None
    base, frac, zone = match.groups()
    micro = (frac or ".0")[1:7].ljust(6, "0")
    text = f"{base.replace(' ', 'T')}.{micro}{'+00:00' if zone in (None, 'Z') else zone}"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def parse_meta_version(text: str | bytes | None) -> int:
    """``version`` from ``.pulumi/meta.yaml``; a missing file means the legacy layout (0)."""
    if text is None:
        return 0
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
        raise StateFormatError(f"{META_KEY} is not valid YAML") from exc
    if data is None:
        return 0
    if not isinstance(data, dict):
        raise StateFormatError(f"{META_KEY} is not a mapping")
    version = data.get("version", 0)
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise StateFormatError(f"{META_KEY} has an invalid version: {version!r}")
    return version


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
        elif key.startswith(HISTORY_DIR):
            ref = classify_history_key(key, layout_version)
            if ref is not None:
                plan.history_counts[ref] = plan.history_counts.get(ref, 0) + 1
    return plan


def _load_document(key: str, data: bytes) -> Any:
    if key.endswith(".zst"):
        raise StateFormatError("zstd-compressed state cannot be decoded here")
    if key.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        # BadGzipFile (an OSError) for a bad header, EOFError when truncated, zlib.error for a
        # valid header followed by a corrupt deflate stream.
        except (OSError, EOFError, zlib.error) as exc:
            raise StateFormatError("corrupt gzip data") from exc
    try:
        if key.endswith((".yaml", ".yml")):
            return yaml.safe_load(data)
        return json.loads(data)
    # ValueError includes JSONDecodeError and UnicodeDecodeError; RecursionError is what both
    # parsers raise for absurdly deep nesting ("[" * 100000).
    except (ValueError, RecursionError, yaml.YAMLError) as exc:
        raise StateFormatError("not valid JSON/YAML") from exc


def parse_checkpoint(key: str, data: bytes) -> CheckpointInfo:
    """``checkpoint.latest.manifest.time`` and the resource count of a stack state file."""
    doc = _load_document(key, data)
    if not isinstance(doc, dict) or not isinstance(doc.get("checkpoint"), dict):
        raise StateFormatError("no 'checkpoint' object")
    latest = doc["checkpoint"].get("latest")
    if latest is None:  # stack initialised, never updated
        return CheckpointInfo(None, 0, ever_updated=False)
    if not isinstance(latest, dict):
        raise StateFormatError("'checkpoint.latest' is not an object")
    manifest = latest.get("manifest")
    when = parse_time(manifest.get("time")) if isinstance(manifest, dict) else None
    resources = latest.get("resources")
    count = len(resources) if isinstance(resources, list) else 0
    return CheckpointInfo(when, count)


def parse_lock(key: str, data: bytes | None) -> LockInfo:
    """A lock file (``{"pid", "username", "hostname", "timestamp"}``); unreadable -> owner unknown."""
    if data is None:
        return LockInfo(key)
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):
        return LockInfo(key)
    if not isinstance(doc, dict):
        return LockInfo(key)
    pid = doc.get("pid")
    username = doc.get("username")
    hostname = doc.get("hostname")
    return LockInfo(
        key=key,
        username=username if isinstance(username, str) and username else None,
        hostname=hostname if isinstance(hostname, str) and hostname else None,
        pid=pid if isinstance(pid, int) and not isinstance(pid, bool) else None,
        timestamp=parse_time(doc.get("timestamp")),
    )


def summarize(plan: ListingPlan, contents: Mapping[str, bytes | None]) -> StateReport:
    """Combine the plan with the bytes of the objects it asked for (None = could not be read)."""
    refs = sorted(set(plan.stacks) | set(plan.locks), key=lambda r: (r.project or "", r.stack))
    summaries: list[StackSummary] = []
    for ref in refs:
        locks = tuple(parse_lock(k, contents.get(k)) for k in sorted(plan.locks.get(ref, [])))
        obj = plan.stacks.get(ref)
        history = plan.history_counts.get(ref, 0)
        if obj is None:
            summaries.append(StackSummary(ref, None, None, "none", None, history, locks))
            continue
        data = contents.get(obj.key)
        problem: str | None = None
        info = CheckpointInfo(None, None)
        if data is None:
            problem = f"could not read {obj.key}"
        else:
            try:
                info = parse_checkpoint(obj.key, data)
            except StateFormatError as exc:
                if not obj.key.endswith(".zst"):
                    problem = f"{obj.key}: {exc}"
        when: datetime | None
        if info.last_update is not None:
            when, source = info.last_update, "checkpoint"
        elif not info.ever_updated:
            when, source = None, "none"
        else:
            when, source = obj.last_modified, "object"
        summaries.append(
            StackSummary(ref, obj.key, when, source, info.resource_count, history, locks, problem)
        )
    return StateReport(plan.layout_version, tuple(summaries), tuple(sorted(plan.ignored)))


def render_report(report: StateReport, where: str) -> str:
    """The table printed by ``cce-passthrough backend check``; what the bucket holds is escaped."""
    layout = (
        f"project-scoped (meta.yaml version {report.layout_version})"
        if report.layout_version >= 1
        else "legacy (no meta.yaml / version 0)"
    )
    lines = [f"backend: {where}", f"layout:  {layout}"]
    if not report.stacks:
        lines.append("no stacks found (run `pulumi login` with this backend, then `pulumi stack init`)")
    else:
        rows = [("PROJECT", "STACK", "LAST UPDATE", "RESOURCES", "HISTORY", "LOCK")]
        for s in report.stacks:
            if s.last_update is None:
                updated = "never"
            else:
                updated = format_time(s.last_update) + ("" if s.last_update_source == "checkpoint" else "*")
            lock = (
                "; ".join(f"locked by {escape_control(lock.owner)}" for lock in s.locks) if s.locks else "-"
            )
            resources = "?" if s.resource_count is None else str(s.resource_count)
            if s.state_key is None:
                resources = "(no state yet)"
            rows.append((s.ref.project or "-", s.ref.stack, updated, resources, str(s.history_count), lock))
        widths = [max(len(row[i]) for row in rows) for i in range(5)]
        for row in rows:
            lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:5])) + "  " + row[5])
        if any(s.last_update_source == "object" for s in report.stacks):
            lines.append("* time of the state object, the checkpoint has no manifest time")
    locked = sum(1 for s in report.stacks if s.locked)
    lines.append(f"{len(report.stacks)} stack(s), {locked} locked")
    for key in report.ignored:
        lines.append(
            f"note: ignored {escape_control(key)} "
            f"(not part of the {'project' if report.layout_version else 'legacy'} layout)"
        )
    for problem in report.problems:
        lines.append(f"problem: {escape_control(problem)}")
    return "\n".join(lines) + "\n"
