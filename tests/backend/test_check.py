"""`backend check` reads what Pulumi stores under `.pulumi/` in the bucket (moto on 127.0.0.1)."""

from __future__ import annotations

import gzip
import json
from typing import Any


def checkpoint(stack: str, time: str, resources: int) -> bytes:
    latest = {"manifest": {"time": time, "magic": "x", "version": "v3.272.0"}, "resources": [{}] * resources}
    return json.dumps({"version": 3, "checkpoint": {"stack": stack, "latest": latest}}).encode()


def put(client: Any, bucket: str, key: str, data: bytes) -> None:
    client.put_object(Bucket=bucket, Key=key, Body=data)


def seed_environment(client: Any, bucket: str, root: str, stack: str, time: str, locked: bool) -> None:
    put(client, bucket, f"{root}.pulumi/meta.yaml", b"version: 1\n")
    put(
        client,
        bucket,
        f"{root}.pulumi/stacks/cce-app/{stack}.json",
        checkpoint(f"organization/cce-app/{stack}", time, 5),
    )
    put(client, bucket, f"{root}.pulumi/stacks/cce-app/{stack}.json.bak", b"{}")
    put(client, bucket, f"{root}.pulumi/history/cce-app/{stack}/{stack}-1.history.json", b"{}")
    if locked:
        lock = {
            "pid": 777,
            "username": "deployer",
            "hostname": "runner-3",
            "timestamp": "2026-04-01T08:00:00Z",
        }
        put(
            client,
            bucket,
            f"{root}.pulumi/locks/organization/cce-app/{stack}/5e1f.json",
            json.dumps(lock).encode(),
        )


def test_check_lists_stacks_last_update_and_locks(cli, s3_client, bucket_name, target_args) -> None:
    assert cli("bootstrap", *target_args).code == 0
    seed_environment(s3_client, bucket_name, "", "dev", "2026-04-01T07:59:00.999999999Z", locked=True)
    put(
        s3_client,
        bucket_name,
        ".pulumi/stacks/cce-app/prod.json.gz",
        gzip.compress(checkpoint("organization/cce-app/prod", "2026-03-15T18:30:00+08:00", 12)),
    )

    result = cli("check", *target_args)
    assert result.code == 0, result.err
    assert result.err == ""
    lines = result.out.splitlines()
    dev = next(line for line in lines if line.startswith("cce-app") and " dev " in line)
    prod = next(line for line in lines if line.startswith("cce-app") and " prod " in line)
    assert "2026-04-01T07:59:00Z" in dev and "locked by deployer@runner-3 (pid 777)" in dev
    assert "2026-03-15T10:30:00Z" in prod and prod.rstrip().endswith("-")  # not locked
    assert "12" in prod.split()
    assert "2 stack(s), 1 locked" in result.out
    assert "project-scoped (meta.yaml version 1)" in result.out


def test_one_prefix_per_environment_keeps_states_apart(cli, s3_client, bucket_name, target_args) -> None:
    assert cli("bootstrap", *target_args).code == 0
    seed_environment(s3_client, bucket_name, "dev/", "dev", "2026-04-01T00:00:00Z", locked=False)
    seed_environment(s3_client, bucket_name, "prod/", "prod", "2026-04-02T00:00:00Z", locked=True)

    dev = cli("check", *target_args, "--prefix", "dev")
    prod = cli("check", *target_args, "--prefix", "prod")
    assert dev.code == 0 and prod.code == 0
    assert "1 stack(s), 0 locked" in dev.out and " prod " not in dev.out
    assert "1 stack(s), 1 locked" in prod.out and " dev " not in prod.out
    # the unprefixed root holds no state at all
    assert "no stacks found" in cli("check", *target_args).out


def test_check_uses_the_printed_login_url(cli, s3_client, bucket_name, target_args, monkeypatch) -> None:
    """Round trip through the CLI: `backend url --url-only` -> PULUMI_BACKEND_URL -> `backend check`."""
    assert cli("bootstrap", *target_args).code == 0
    seed_environment(s3_client, bucket_name, "staging/", "staging", "2026-04-03T00:00:00Z", locked=False)
    url = cli("url", *target_args, "--prefix", "staging", "--url-only").out.strip()
    assert url.startswith(f"s3://{bucket_name}/staging?endpoint=http://127.0.0.1:")
    monkeypatch.setenv("PULUMI_BACKEND_URL", url)
    result = cli("check")
    assert result.code == 0, result.err
    assert f"backend: s3://{bucket_name}/staging at http://127.0.0.1:" in result.out
    assert "2026-04-03T00:00:00Z" in result.out


def test_legacy_layout(cli, s3_client, bucket_name, target_args) -> None:
    assert cli("bootstrap", *target_args).code == 0
    put(s3_client, bucket_name, ".pulumi/stacks/dev.json", checkpoint("dev", "2025-12-24T12:00:00Z", 2))
    put(
        s3_client,
        bucket_name,
        ".pulumi/locks/dev/77.json",
        b'{"username": "old", "hostname": "laptop", "pid": 9}',
    )
    result = cli("check", *target_args)
    assert result.code == 0, result.err
    assert "legacy" in result.out
    row = next(line for line in result.out.splitlines() if line.startswith("-  "))
    assert "dev" in row and "2025-12-24T12:00:00Z" in row and "locked by old@laptop (pid 9)" in row


def test_corrupt_state_is_reported_with_exit_1(cli, s3_client, bucket_name, target_args) -> None:
    assert cli("bootstrap", *target_args).code == 0
    put(s3_client, bucket_name, ".pulumi/meta.yaml", b"version: 1\n")
    put(s3_client, bucket_name, ".pulumi/stacks/cce-app/dev.json", b'{"version": 3, "checkpoint": ')
    result = cli("check", *target_args)
    assert result.code == 1
    assert "problem: cce-app/dev" in result.out


def test_check_of_a_missing_bucket(cli, target_args, one_error_line) -> None:
    result = cli("check", *target_args)
    assert result.code == 2
    one_error_line(result, "does not exist", "backend bootstrap")


def test_undecodable_state_objects_are_problems_not_tracebacks(
    cli, s3_client, bucket_name, target_args
) -> None:
    assert cli("bootstrap", *target_args).code == 0
    put(s3_client, bucket_name, ".pulumi/meta.yaml", b"version: 1\n")
    header_only = gzip.compress(checkpoint("x", "2026-01-01T00:00:00Z", 1))[:10] + b"\xff" * 32
    put(s3_client, bucket_name, ".pulumi/stacks/cce-app/gz.json.gz", header_only)
    put(s3_client, bucket_name, ".pulumi/stacks/cce-app/deep.json", b"[" * 100_000)
    put(s3_client, bucket_name, ".pulumi/locks/organization/cce-app/deep/1.json", b"[" * 100_000)
    put(s3_client, bucket_name, ".pulumi/stacks/cce-app/ok.json", checkpoint("ok", "2026-01-02T00:00:00Z", 3))
    result = cli("check", *target_args)
    assert result.code == 1, result.err
    assert result.err == ""
    assert "problem: cce-app/gz: .pulumi/stacks/cce-app/gz.json.gz: corrupt gzip data" in result.out
    assert "problem: cce-app/deep: .pulumi/stacks/cce-app/deep.json: not valid JSON/YAML" in result.out
    assert "2026-01-02T00:00:00Z" in result.out


def test_deeply_nested_meta_yaml_is_one_line_error(
    cli, s3_client, bucket_name, target_args, one_error_line
) -> None:
    assert cli("bootstrap", *target_args).code == 0
    put(s3_client, bucket_name, ".pulumi/meta.yaml", b"[" * 60_000)
    result = cli("check", *target_args)
    assert result.code == 1
    one_error_line(result, "meta.yaml is not valid YAML")


def test_objects_larger_than_the_tool_reads_are_reported_never_read(
    cli, s3_client, bucket_name, target_args, one_error_line
) -> None:
    """docs/backend.md: meta.yaml and lock files up to 64 KiB, a stack's state up to 128 MiB."""
    assert cli("bootstrap", *target_args).code == 0
    put(s3_client, bucket_name, ".pulumi/meta.yaml", b"version: 1\n")
    put(s3_client, bucket_name, ".pulumi/stacks/cce-app/dev.json", checkpoint("x", "2026-01-01T00:00:00Z", 1))
    put(s3_client, bucket_name, ".pulumi/locks/organization/cce-app/dev/1.json", b" " * (64 * 1024 + 1))
    result = cli("check", *target_args)
    assert result.code == 0, result.err
    assert "locked by unknown owner" in result.out

    put(s3_client, bucket_name, ".pulumi/meta.yaml", b"version: 1\n" + b"#" * 64 * 1024)
    result = cli("check", *target_args)
    assert result.code == 1
    one_error_line(result, ".pulumi/meta.yaml is larger than 65536 bytes")
