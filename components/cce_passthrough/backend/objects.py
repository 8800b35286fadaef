"""Requests that read the state objects and their versions, and copy one back: check, versions, restore.

What the keys mean is :mod:`.layout`'s, what the objects say :mod:`.state`'s; this module only
sends the requests, and reads no object beyond the size :mod:`.layout` allows.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

import botocore.exceptions

from .connection import error_code
from .layout import (
    MAX_LOCK_BYTES,
    MAX_META_BYTES,
    MAX_STATE_BYTES,
    META_KEY,
    ObjectInfo,
    ObjectVersion,
    StackRef,
    StateFormatError,
    lock_dir_candidates,
    plan_listing,
)
from .state import StateReport, parse_meta_version, summarize
from .url import BackendError, BackendTarget

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _read_object(client: Any, bucket: str, key: str, limit: int) -> bytes | None:
    """The object's bytes; None if it is gone (e.g. a lock released meanwhile).

    More than ``limit`` bytes raises :class:`StateFormatError` after reading ``limit + 1``.
    """
    try:
        body = client.get_object(Bucket=bucket, Key=key)["Body"]
    except botocore.exceptions.ClientError as exc:
        if error_code(exc) in {"NoSuchKey", "404"}:
            return None
        raise
    try:
        data: bytes = body.read(limit + 1)  # the listed size can be stale: never trust it alone
    finally:
        body.close()
    if len(data) > limit:
        raise StateFormatError(f"{key} is larger than {limit} bytes, more than this tool reads")
    return data


def _when(item: Mapping[str, Any]) -> datetime:
    value = item.get("LastModified")
    return value if isinstance(value, datetime) else _EPOCH


def _list_objects(client: Any, bucket: str, prefix: str) -> list[ObjectInfo]:
    objects: list[ObjectInfo] = []
    paginator = client.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []) or []:
            if "Key" in item:
                objects.append(ObjectInfo(str(item["Key"]), _when(item), int(item.get("Size") or 0)))
    return objects


def read_layout_version(client: Any, target: BackendTarget) -> int:
    return parse_meta_version(
        _read_object(client, target.bucket, target.state_root + META_KEY, MAX_LOCK_BYTES)
    )


def list_state(client: Any, target: BackendTarget) -> StateReport:
    """List ``<prefix>/.pulumi/`` and summarise stacks, last updates and locks."""
    root = target.state_root
    listed = _list_objects(client, target.bucket, root + ".pulumi/")
    relative = [ObjectInfo(o.key[len(root) :], o.last_modified, o.size) for o in listed]
    has_meta = any(o.key == META_KEY for o in relative)
    meta = _read_object(client, target.bucket, root + META_KEY, MAX_META_BYTES) if has_meta else None
    plan = plan_listing(relative, parse_meta_version(meta))
    stack_keys = {obj.key for obj in plan.stacks.values()}
    contents: dict[str, bytes | None] = {}
    for key in plan.keys_to_read():
        limit = MAX_STATE_BYTES if key in stack_keys else MAX_LOCK_BYTES
        try:
            contents[key] = _read_object(client, target.bucket, root + key, limit)
        except StateFormatError:  # it grew past the limit after the listing
            plan.too_large[key] = limit + 1
    return summarize(plan, contents)


def held_locks(client: Any, target: BackendTarget, ref: StackRef) -> list[str]:
    keys: list[str] = []
    for directory in lock_dir_candidates(ref):
        keys.extend(o.key for o in _list_objects(client, target.bucket, target.state_root + directory))
    return sorted(k for k in keys if k.endswith(".json"))


def _version(item: Mapping[str, Any], *, delete_marker: bool) -> ObjectVersion:
    size = 0 if delete_marker else int(item.get("Size") or 0)
    return ObjectVersion(
        str(item.get("Key")),
        str(item.get("VersionId")),
        _when(item),
        size,
        bool(item.get("IsLatest")),
        delete_marker,
    )


def list_versions(client: Any, bucket: str, keys: list[str]) -> list[ObjectVersion]:
    """All versions and delete markers of exactly ``keys``, newest first."""
    wanted = set(keys)
    found: list[ObjectVersion] = []
    paginator = client.get_paginator("list_object_versions")
    for prefix in sorted({k.rsplit(".json", 1)[0] + ".json" for k in keys}):
        for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
            for section, delete_marker in (("Versions", False), ("DeleteMarkers", True)):
                found.extend(
                    _version(item, delete_marker=delete_marker)
                    for item in page.get(section, []) or []
                    if item.get("Key") in wanted
                )
    return sorted(found, key=lambda v: (v.last_modified, v.is_latest), reverse=True)


def restore_version(client: Any, bucket: str, key: str, version_id: str) -> str:
    """Make ``version_id`` the current content of ``key`` by copying it on top.

    Nothing is deleted: the version being replaced stays in the history, so a restore can
    itself be undone. Returns the id of the new current version.
    """
    try:
        head = client.head_object(Bucket=bucket, Key=key, VersionId=version_id)
    except botocore.exceptions.ClientError as exc:
        if error_code(exc) in {"404", "NoSuchKey", "NoSuchVersion", "400", "405", "MethodNotAllowed"}:
            raise BackendError(
                f"no restorable version {version_id!r} of {key!r} (delete marker or unknown id)"
            ) from exc
        raise
    if head.get("DeleteMarker"):
        raise BackendError(f"version {version_id!r} of {key!r} is a delete marker; pick an older version")
    response = client.copy_object(
        Bucket=bucket,
        Key=key,
        CopySource={"Bucket": bucket, "Key": key, "VersionId": version_id},
        MetadataDirective="COPY",
    )
    return str(response.get("VersionId") or "")
