"""Pure parsing of the `.pulumi/` layout into stack summaries (no network)."""

from __future__ import annotations

import gzip
import json
from datetime import datetime, timezone

import pytest

from cce_passthrough.backend import layout, state
from cce_passthrough.backend.layout import ObjectInfo, StackRef, StateFormatError, plan_listing
from cce_passthrough.backend.report import render_report
from cce_passthrough.backend.state import parse_checkpoint, parse_meta_version, parse_time, summarize

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def checkpoint(time: str | None, resources: int = 1, stack: str = "organization/p/dev") -> bytes:
    latest = None if time is None else {"manifest": {"time": time}, "resources": [{}] * resources}
    return json.dumps({"version": 3, "checkpoint": {"stack": stack, "latest": latest}}).encode()


def lock(user: str, host: str, pid: int, ts: str) -> bytes:
    return json.dumps({"pid": pid, "username": user, "hostname": host, "timestamp": ts}).encode()


def objects(*keys: str) -> list[ObjectInfo]:
    return [ObjectInfo(k, T0) for k in keys]


def test_meta_version() -> None:
    assert parse_meta_version(None) == 0
    assert parse_meta_version("version: 1\n") == 1
    assert parse_meta_version(b"") == 0
    with pytest.raises(StateFormatError):
        parse_meta_version("version: [1]")
    with pytest.raises(StateFormatError):
        parse_meta_version(": : :")


def test_go_timestamps_with_nanoseconds_and_offsets() -> None:
    assert parse_time("2026-03-01T13:00:00.123456789+01:00") == datetime(
        2026, 3, 1, 12, 0, 0, 123456, tzinfo=timezone.utc
    )
    assert parse_time("2026-03-01T12:00:00Z") == T0
    assert parse_time("yesterday") is None
    assert parse_time(None) is None


def test_project_layout_stacks_locks_history() -> None:
    listing = objects(
        ".pulumi/meta.yaml",
        ".pulumi/stacks/web/dev.json",
        ".pulumi/stacks/web/dev.json.bak",
        ".pulumi/stacks/web/prod.json.gz",
        ".pulumi/stacks/api/staging.json",
        ".pulumi/stacks/legacy-at-top.json",  # not part of a v1 layout
        ".pulumi/locks/organization/web/prod/8f2c.json",
        ".pulumi/history/web/dev/dev-1770000000.history.json",
        ".pulumi/history/web/dev/dev-1770000000.checkpoint.json",
        ".pulumi/history/web/dev/dev-1770000100.history.json",
        ".pulumi/backups/web/dev/dev.1770000000.json",
    )
    plan = plan_listing(listing, 1)
    assert set(plan.stacks) == {StackRef("web", "dev"), StackRef("web", "prod"), StackRef("api", "staging")}
    assert plan.locks == {StackRef("web", "prod"): [".pulumi/locks/organization/web/prod/8f2c.json"]}
    assert plan.history_counts == {StackRef("web", "dev"): 2}
    assert plan.ignored == [".pulumi/stacks/legacy-at-top.json"]
    assert ".pulumi/stacks/web/dev.json.bak" not in plan.keys_to_read()

    contents = {
        ".pulumi/stacks/web/dev.json": checkpoint("2026-03-01T10:00:00.5Z", resources=4),
        ".pulumi/stacks/web/prod.json.gz": gzip.compress(checkpoint("2026-02-01T09:30:00Z", resources=7)),
        ".pulumi/stacks/api/staging.json": checkpoint(None),
        ".pulumi/locks/organization/web/prod/8f2c.json": lock("alice", "ci-7", 4242, "2026-03-01T11:59:00Z"),
    }
    report = summarize(plan, contents)
    by_name = {s.ref.display: s for s in report.stacks}
    assert [s.ref.display for s in report.stacks] == ["api/staging", "web/dev", "web/prod"]

    dev = by_name["web/dev"]
    assert dev.last_update == datetime(2026, 3, 1, 10, 0, 0, 500000, tzinfo=timezone.utc)
    assert (dev.resource_count, dev.history_count, dev.locked) == (4, 2, False)

    prod = by_name["web/prod"]
    assert prod.last_update == datetime(2026, 2, 1, 9, 30, tzinfo=timezone.utc)
    assert prod.resource_count == 7
    assert prod.locked
    assert prod.locks[0].owner == "alice@ci-7 (pid 4242) since 2026-03-01T11:59:00Z"

    staging = by_name["api/staging"]
    assert staging.last_update is None and staging.last_update_source == "none"

    text = render_report(report, "s3://bucket at http://127.0.0.1:1")
    assert "project-scoped (meta.yaml version 1)" in text
    prod_line = next(line for line in text.splitlines() if line.startswith("web") and " prod " in line)
    assert "2026-02-01T09:30:00Z" in prod_line and "locked by alice@ci-7 (pid 4242)" in prod_line
    staging_line = next(line for line in text.splitlines() if line.startswith("api"))
    assert "never" in staging_line
    assert "3 stack(s), 1 locked" in text
    assert "note: ignored .pulumi/stacks/legacy-at-top.json" in text


def test_legacy_layout_without_meta() -> None:
    listing = objects(
        ".pulumi/stacks/dev.json",
        ".pulumi/stacks/proj/ignored.json",  # project layout files are invisible in legacy mode
        ".pulumi/locks/dev/1a2b.json",
        ".pulumi/history/dev/dev-1.history.json",
    )
    plan = plan_listing(listing, parse_meta_version(None))
    assert set(plan.stacks) == {StackRef(None, "dev")}
    report = summarize(
        plan,
        {
            ".pulumi/stacks/dev.json": checkpoint("2026-01-01T00:00:00Z"),
            ".pulumi/locks/dev/1a2b.json": b"{not json",
        },
    )
    (dev,) = report.stacks
    assert dev.ref.display == "dev"
    assert dev.history_count == 1
    assert dev.locked and dev.locks[0].owner == "unknown owner"
    assert "legacy" in render_report(report, "x")


def test_lock_without_state_is_still_reported() -> None:
    plan = plan_listing(objects(".pulumi/locks/organization/web/new/aa.json"), 1)
    report = summarize(plan, {".pulumi/locks/organization/web/new/aa.json": lock("bob", "h", 1, "")})
    (new,) = report.stacks
    assert new.state_key is None and new.locked
    assert "(no state yet)" in render_report(report, "x")


def test_unreadable_state_is_a_problem_not_a_crash() -> None:
    plan = plan_listing(
        [ObjectInfo(".pulumi/stacks/web/dev.json", T0), ObjectInfo(".pulumi/stacks/web/qa.json", T0)], 1
    )
    report = summarize(
        plan, {".pulumi/stacks/web/dev.json": b"{truncated", ".pulumi/stacks/web/qa.json": None}
    )
    assert len(report.problems) == 2
    assert all(s.last_update == T0 and s.last_update_source == "object" for s in report.stacks)
    assert "problem: web/dev" in render_report(report, "x")


def test_checkpoint_without_manifest_time_falls_back_to_object_time() -> None:
    data = json.dumps({"version": 3, "checkpoint": {"latest": {"resources": []}}}).encode()
    assert parse_checkpoint(".pulumi/stacks/a/b.json", data).last_update is None
    plan = plan_listing([ObjectInfo(".pulumi/stacks/a/b.json", T0)], 1)
    (summary,) = summarize(plan, {".pulumi/stacks/a/b.json": data}).stacks
    assert summary.last_update == T0 and summary.last_update_source == "object"
    with pytest.raises(StateFormatError):
        parse_checkpoint("k.json", b'{"deployment": {}}')


def _corrupt_gzip() -> bytes:
    """A valid gzip header followed by a deflate stream that is not one (zlib.error, not OSError)."""
    return gzip.compress(checkpoint("2026-03-01T12:00:00Z"))[:10] + b"\xff" * 32


DEEP = b"[" * 100_000


@pytest.mark.parametrize(
    ("key", "data"),
    [
        (".pulumi/stacks/web/dev.json.gz", _corrupt_gzip()),
        (".pulumi/stacks/web/dev.json.gz", gzip.compress(checkpoint("x"))[:-12]),  # truncated: EOFError
        (".pulumi/stacks/web/dev.json", DEEP),
        (".pulumi/stacks/web/dev.json.gz", gzip.compress(DEEP)),
        (".pulumi/stacks/web/dev.yaml", DEEP),
        (".pulumi/stacks/web/dev.json", b"\xff\xfe not utf-8"),
    ],
)
def test_undecodable_state_is_a_format_error(key: str, data: bytes) -> None:
    with pytest.raises(StateFormatError):
        parse_checkpoint(key, data)
    plan = plan_listing([ObjectInfo(key, T0)], 1)
    report = summarize(plan, {key: data})
    assert report.problems and report.problems[0].startswith("web/dev: ")
    assert "problem: web/dev" in render_report(report, "x")


def test_deeply_nested_lock_and_meta_do_not_crash() -> None:
    key = ".pulumi/locks/organization/web/dev/aa.json"
    plan = plan_listing([ObjectInfo(key, T0)], 1)
    (summary,) = summarize(plan, {key: DEEP}).stacks
    assert summary.locked and summary.locks[0].owner == "unknown owner"
    with pytest.raises(StateFormatError):
        parse_meta_version(DEEP)


def test_a_stack_state_larger_than_the_limit_is_a_problem_not_read() -> None:
    listing = [ObjectInfo(".pulumi/stacks/p/big.json", T0, layout.MAX_STATE_BYTES + 1)]
    plan = plan_listing(listing, 1)
    assert plan.keys_to_read() == []
    report = summarize(plan, {})
    size = layout.MAX_STATE_BYTES + 1
    assert report.problems == [
        f"p/big: .pulumi/stacks/p/big.json: {size} bytes, more than the 128 MiB read of a stack's state"
    ]


def test_gzip_state_that_expands_past_the_limit_is_refused(monkeypatch) -> None:
    monkeypatch.setattr(state, "MAX_STATE_BYTES", 1024 * 1024)
    bomb = gzip.compress(b"[" + b" " * (2 * 1024 * 1024) + b"]")
    with pytest.raises(StateFormatError, match="expands to more than 1 MiB"):
        parse_checkpoint(".pulumi/stacks/p/dev.json.gz", bomb)
    with pytest.raises(StateFormatError, match="truncated"):
        parse_checkpoint(
            ".pulumi/stacks/p/dev.json.gz", gzip.compress(checkpoint("2026-01-01T00:00:00Z"))[:-12]
        )
