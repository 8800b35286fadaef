"""What Pulumi's DIY backend writes into ``.pulumi/`` objects: meta.yaml, checkpoints, locks. Pure.

The keys those objects live under are :mod:`.layout`'s; here their bytes become stack summaries
(last update, resource count, lock owners). Nothing here talks to the network.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import yaml

from .layout import MAX_STATE_BYTES, META_KEY, ListingPlan, StackRef, StateFormatError


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


# libyaml's loader when PyYAML has it: it stops deep nesting at once (1,000 levels), where the
# pure-Python one takes seconds to reach a RecursionError on a few kilobytes of "[[[[".
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_yaml(data: str | bytes) -> Any:
    return yaml.load(data, Loader=_YAML_LOADER)


def parse_meta_version(text: str | bytes | None) -> int:
    """``version`` from ``.pulumi/meta.yaml``; a missing file means the legacy layout (0)."""
    if text is None:
        return 0
    try:
        data = _load_yaml(text)
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


def _gunzip(data: bytes) -> bytes:
    """gzip data, expanded to at most MAX_STATE_BYTES (a small file can expand to gigabytes)."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        expanded = inflater.decompress(data, MAX_STATE_BYTES + 1)
    except zlib.error as exc:  # a bad header, or a corrupt deflate stream after a valid one
        raise StateFormatError("corrupt gzip data") from exc
    if len(expanded) > MAX_STATE_BYTES or inflater.unconsumed_tail:
        raise StateFormatError(f"gzip data expands to more than {MAX_STATE_BYTES // 2**20} MiB")
    if not inflater.eof:
        raise StateFormatError("corrupt gzip data (truncated)")
    return expanded


def _load_document(key: str, data: bytes) -> Any:
    if key.endswith(".zst"):
        raise StateFormatError("zstd-compressed state cannot be decoded here")
    if key.endswith(".gz"):
        data = _gunzip(data)
    try:
        if key.endswith((".yaml", ".yml")):
            return _load_yaml(data)
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
        if obj.key in plan.too_large:
            problem = (
                f"{obj.key}: {plan.too_large[obj.key]} bytes, more than the "
                f"{MAX_STATE_BYTES // 2**20} MiB read of a stack's state"
            )
        elif data is None:
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
