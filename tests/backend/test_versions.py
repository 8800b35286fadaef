"""State history: overwrite a stack's state three times, list every version, restore the first."""

from __future__ import annotations

import json
from typing import Any

import pytest

STATE_KEY = ".pulumi/stacks/web/dev.json"


def state_doc(n: int) -> bytes:
    return json.dumps(
        {
            "version": 3,
            "checkpoint": {
                "stack": "organization/web/dev",
                "latest": {
                    "manifest": {"time": f"2026-03-0{n}T10:00:00Z"},
                    "resources": [{"urn": f"r{n}"}] * n,
                },
            },
        }
    ).encode()


def versions_of(client: Any, bucket: str, key: str) -> list[dict[str, Any]]:
    listed = client.list_object_versions(Bucket=bucket, Prefix=key)
    return [v for v in listed.get("Versions", []) if v["Key"] == key]


def body(client: Any, bucket: str, key: str, version_id: str | None = None) -> bytes:
    extra = {"VersionId": version_id} if version_id else {}
    data: bytes = client.get_object(Bucket=bucket, Key=key, **extra)["Body"].read()
    return data


@pytest.fixture(params=["", "envs/dev"], ids=["no-prefix", "prefix"])
def three_writes(request, cli, s3_client, bucket_name, target_args) -> dict[str, Any]:
    """A bootstrapped bucket whose stack state was written three times (three `pulumi up`s)."""
    prefix = request.param
    args = [*target_args, "--prefix", prefix] if prefix else list(target_args)
    assert cli("bootstrap", *args).code == 0
    root = f"{prefix}/" if prefix else ""
    key = root + STATE_KEY
    s3_client.put_object(Bucket=bucket_name, Key=root + ".pulumi/meta.yaml", Body=b"version: 1\n")
    ids = []
    for n in (1, 2, 3):
        ids.append(s3_client.put_object(Bucket=bucket_name, Key=key, Body=state_doc(n))["VersionId"])
    return {"args": args, "key": key, "ids": ids}


def test_all_three_versions_are_listed_and_the_first_restored(
    cli, s3_client, bucket_name, three_writes
) -> None:
    key, ids, args = three_writes["key"], three_writes["ids"], three_writes["args"]
    assert len(set(ids)) == 3

    # the S3 API itself keeps all three
    assert {v["VersionId"] for v in versions_of(s3_client, bucket_name, key)} == set(ids)

    listed = cli("versions", *args, "--stack", "web/dev")
    assert listed.code == 0, listed.err
    rows = [line for line in listed.out.splitlines()[1:] if line.strip()]
    assert [row.split()[1] for row in rows] == list(reversed(ids))  # newest first
    assert rows[0].endswith("latest") and all(row.split()[0] == key for row in rows)

    restored = cli("restore", *args, "--stack", "web/dev", "--version-id", ids[0])
    assert restored.code == 0, restored.err
    assert f"restored {key} from version {ids[0]}" in restored.out

    # current content is the first write again ...
    assert body(s3_client, bucket_name, key) == state_doc(1)
    # ... and nothing was lost: the three originals are still there, plus the restore
    after = versions_of(s3_client, bucket_name, key)
    assert len(after) == 4
    assert set(ids) <= {v["VersionId"] for v in after}
    for n, version_id in zip((1, 2, 3), ids, strict=True):
        assert body(s3_client, bucket_name, key, version_id) == state_doc(n)

    # `check` now reports the restored state's manifest time
    check = cli("check", *args)
    assert check.code == 0, check.err
    assert "2026-03-01T10:00:00Z" in check.out


def test_restore_by_key_works_too(cli, s3_client, bucket_name, three_writes) -> None:
    key, ids, args = three_writes["key"], three_writes["ids"], three_writes["args"]
    result = cli("restore", *args, "--key", key, "--version-id", ids[1])
    assert result.code == 0, result.err
    assert body(s3_client, bucket_name, key) == state_doc(2)


def test_restore_is_refused_while_the_stack_is_locked(
    cli, s3_client, bucket_name, three_writes, one_error_line
) -> None:
    key, ids, args = three_writes["key"], three_writes["ids"], three_writes["args"]
    root = key[: -len(STATE_KEY)]
    lock_key = root + ".pulumi/locks/organization/web/dev/0b1c.json"
    s3_client.put_object(
        Bucket=bucket_name, Key=lock_key, Body=b'{"pid": 1, "username": "ci", "hostname": "h"}'
    )

    refused = cli("restore", *args, "--stack", "web/dev", "--version-id", ids[0])
    assert refused.code == 1
    one_error_line(refused, "web/dev is locked", "--force")
    assert body(s3_client, bucket_name, key) == state_doc(3)

    forced = cli("restore", *args, "--stack", "web/dev", "--version-id", ids[0], "--force")
    assert forced.code == 0, forced.err
    assert body(s3_client, bucket_name, key) == state_doc(1)


def test_unknown_version_is_a_clear_error(cli, s3_client, bucket_name, three_writes, one_error_line) -> None:
    args, key = three_writes["args"], three_writes["key"]
    result = cli("restore", *args, "--stack", "web/dev", "--version-id", "no-such-version")
    assert result.code == 2
    one_error_line(result, "no version 'no-such-version'")
    assert body(s3_client, bucket_name, key) == state_doc(3)


def test_stack_argument_must_match_the_layout(cli, three_writes, one_error_line) -> None:
    result = cli("versions", *three_writes["args"], "--stack", "dev")
    assert result.code == 2
    one_error_line(result, "PROJECT/STACK")


def test_restore_by_key_of_an_unknown_version(
    cli, s3_client, bucket_name, three_writes, one_error_line
) -> None:
    args, key = three_writes["args"], three_writes["key"]
    result = cli("restore", *args, "--key", key, "--version-id", "no-such-version")
    assert result.code == 2
    one_error_line(result, "no restorable version")
    assert body(s3_client, bucket_name, key) == state_doc(3)


def test_versions_of_a_stack_without_state(cli, three_writes, one_error_line) -> None:
    result = cli("versions", *three_writes["args"], "--stack", "web/prod")
    assert result.code == 2
    one_error_line(result, "no versions of")


def lock_stack(client: Any, bucket: str, root: str) -> None:
    """A `pulumi up` in progress on web/dev: its lock file under the state root."""
    client.put_object(
        Bucket=bucket,
        Key=root + ".pulumi/locks/organization/web/dev/0b1c.json",
        Body=b'{"pid": 1, "username": "ci", "hostname": "h"}',
    )


def test_restore_by_key_checks_the_lock_of_the_stack_the_key_belongs_to(
    cli, s3_client, bucket_name, target_args, one_error_line
) -> None:
    """A key given without the --prefix it lives under still finds the lock, or is refused."""
    assert cli("bootstrap", *target_args).code == 0
    root = "envs/dev/"
    key = root + STATE_KEY
    s3_client.put_object(Bucket=bucket_name, Key=root + ".pulumi/meta.yaml", Body=b"version: 1\n")
    first = s3_client.put_object(Bucket=bucket_name, Key=key, Body=state_doc(1))["VersionId"]
    s3_client.put_object(Bucket=bucket_name, Key=key, Body=state_doc(2))
    lock_stack(s3_client, bucket_name, root)

    for extra in ([], ["--prefix", "other"]):
        refused = cli("restore", *target_args, *extra, "--key", key, "--version-id", first)
        assert refused.code == 2, refused
        one_error_line(refused, "outside", "--prefix envs/dev")
    locked = cli("restore", *target_args, "--prefix", "envs/dev", "--key", key, "--version-id", first)
    assert locked.code == 1
    one_error_line(locked, "web/dev is locked")
    assert body(s3_client, bucket_name, key) == state_doc(2)


@pytest.mark.parametrize(
    "key", [".pulumi/stacks/web/dev.json.bak", "notes.txt", ".pulumi/meta.yaml", ".pulumi/stacks/x/y/z.json"]
)
def test_restore_by_key_accepts_only_a_stack_state_object(
    cli, s3_client, bucket_name, three_writes, key, one_error_line
) -> None:
    args = three_writes["args"]
    root = three_writes["key"][: -len(STATE_KEY)]
    version = s3_client.put_object(Bucket=bucket_name, Key=root + key, Body=b"{}")["VersionId"]
    result = cli("restore", *args, "--key", root + key, "--version-id", version)
    assert result.code == 2
    one_error_line(result, "not a stack's state object", "backend versions")


def test_restore_is_refused_when_versioning_is_suspended(
    cli, s3_client, bucket_name, three_writes, one_error_line
) -> None:
    """With versioning Suspended the copy would overwrite the current state's "null" version: history lost."""
    key, ids, args = three_writes["key"], three_writes["ids"], three_writes["args"]
    s3_client.put_bucket_versioning(Bucket=bucket_name, VersioningConfiguration={"Status": "Suspended"})
    for extra in ([], ["--force"]):
        refused = cli("restore", *args, "--stack", "web/dev", "--version-id", ids[0], *extra)
        assert refused.code == 1
        one_error_line(refused, "versioning is Suspended", "backend bootstrap --fix")
    assert body(s3_client, bucket_name, key) == state_doc(3)
    assert len(versions_of(s3_client, bucket_name, key)) == 3
