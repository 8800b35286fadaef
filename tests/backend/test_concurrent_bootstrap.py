"""`backend bootstrap` is idempotent under concurrency: 15 runs at once on a new bucket all succeed.

Each run is the whole command (argument parsing, its own boto3 session and client) in its own
thread, against moto's server on 127.0.0.1: either all held at a barrier on their first request,
so that all find the bucket missing and race to create it, or started one after the other, so
that later runs find a bucket an earlier one is still setting up.
"""

from __future__ import annotations

import argparse
import io
import threading
from typing import Any

import pytest

from cce_passthrough.backend import connection
from cce_passthrough.backend.cli import add_backend_parser, run_backend

from .test_bootstrap import ALL_BLOCKED, assert_secured

RUNS = 15


def run_bootstrap(argv: list[str]) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="cce-passthrough")
    add_backend_parser(parser.add_subparsers(dest="command"))
    out, err = io.StringIO(), io.StringIO()
    code = run_backend(parser.parse_args(["backend", "bootstrap", *argv]), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def hold_first_requests(monkeypatch) -> None:
    """Hold every run's first request until all runs are ready to send it."""
    barrier = threading.Barrier(RUNS, timeout=120)
    real_make_client = connection.make_client

    def wait_for_all(**_: Any) -> None:  # returns None: a before-send handler's value would be the answer
        barrier.wait()

    def make_client(*args: Any, **kwargs: Any) -> Any:
        client = real_make_client(*args, **kwargs)
        client.meta.events.register("before-send.s3.HeadBucket", wait_for_all)
        return client

    monkeypatch.setattr(connection, "make_client", make_client)


@pytest.mark.parametrize(
    ("region", "together"),
    [
        # us-east-1: S3 answers a second CreateBucket of one's own bucket with 200; the runs that
        # start later find a bucket another run is still setting up.
        ("us-east-1", False),
        # elsewhere: BucketAlreadyOwnedByYou for all but one of the runs that raced to create it.
        ("eu-west-1", True),
    ],
    ids=["staggered-us-east-1", "together-eu-west-1"],
)
def test_fifteen_concurrent_bootstraps_of_a_new_bucket_all_succeed(
    request, s3_server, s3_client, bucket_name, region, together
) -> None:
    if together:
        request.getfixturevalue("hold_first_requests")
    argv = ["--bucket", bucket_name, "--region", region, "--endpoint", s3_server.endpoint]
    results: list[tuple[int, str, str]] = []
    lock = threading.Lock()

    def one_run() -> None:
        outcome = run_bootstrap(argv)
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=one_run) for _ in range(RUNS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    refused = [(code, err) for code, _, err in results if code != 0]
    assert refused == [], refused
    assert len(results) == RUNS
    assert_secured(s3_client, bucket_name)


def test_an_empty_private_bucket_is_set_up_like_a_new_one(cli, s3_client, bucket_name, target_args) -> None:
    """What a bootstrap that was stopped half-way, or one running alongside, leaves: no --fix needed."""
    s3_client.create_bucket(Bucket=bucket_name, ACL="private")
    s3_client.put_public_access_block(Bucket=bucket_name, PublicAccessBlockConfiguration=ALL_BLOCKED)
    result = cli("bootstrap", *target_args)
    assert result.code == 0, result.err
    assert "changed: enabled versioning" in result.out and "created bucket" not in result.out
    assert_secured(s3_client, bucket_name)


@pytest.mark.parametrize("status", ["Suspended", None])
def test_a_bucket_that_holds_objects_or_had_versioning_suspended_is_still_refused(
    cli, s3_client, bucket_name, target_args, status, one_error_line
) -> None:
    s3_client.create_bucket(Bucket=bucket_name, ACL="private")
    if status:
        s3_client.put_bucket_versioning(Bucket=bucket_name, VersioningConfiguration={"Status": status})
    else:
        s3_client.put_object(Bucket=bucket_name, Key="someone-elses/data.txt", Body=b"x")
    refused = cli("bootstrap", *target_args)
    assert refused.code == 1
    one_error_line(refused, "refusing to use existing bucket", "--fix")
    assert s3_client.get_bucket_versioning(Bucket=bucket_name).get("Status") == status
