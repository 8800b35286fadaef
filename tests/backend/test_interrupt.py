"""Ctrl-C during any `backend` command: one line, exit 130, no traceback, nothing left half-done.

The interrupt is a real SIGINT, raised in the process at a chosen S3 request (the moment a user
would press Ctrl-C while that request is on its way); one test sends it from outside to the
installed command while it waits for an endpoint.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

from cce_passthrough.backend import connection

from .test_bootstrap import assert_secured
from .test_versions import STATE_KEY, body, state_doc

EXIT_INTERRUPTED = 130


@pytest.fixture
def ctrl_c_at(monkeypatch) -> Callable[[str], list[str]]:
    """``ctrl_c_at("CopyObject")``: SIGINT the process as the first request of that operation is sent.

    Returns the list of operations sent, in order, for the test to inspect.
    """

    def arm(operation: str) -> list[str]:
        sent: list[str] = []
        real_make_client = connection.make_client

        def make_client(*args: Any, **kwargs: Any) -> Any:
            client = real_make_client(*args, **kwargs)

            def before_send(model: Any = None, **_: Any) -> None:
                sent.append(model.name if model is not None else "?")

            def interrupt(**_: Any) -> None:
                if sent.count(operation) == 1 and sent[-1] == operation:
                    signal.raise_signal(signal.SIGINT)

            client.meta.events.register("before-call.s3.*", before_send)
            client.meta.events.register(f"before-send.s3.{operation}", interrupt)
            return client

        monkeypatch.setattr(connection, "make_client", make_client)
        return sent

    return arm


def assert_interrupted(result: Any, one_error_line: Any) -> str:
    assert result.code == EXIT_INTERRUPTED, result
    line: str = one_error_line(result, "interrupted")
    return line


@pytest.mark.parametrize(
    ("command", "operation"),
    [("check", "ListObjectsV2"), ("versions", "GetObject"), ("restore", "GetObject")],
)
def test_ctrl_c_while_reading_is_one_line_and_changes_nothing(
    cli, s3_client, bucket_name, target_args, ctrl_c_at, command, operation, one_error_line
) -> None:
    assert cli("bootstrap", *target_args).code == 0
    s3_client.put_object(Bucket=bucket_name, Key=".pulumi/meta.yaml", Body=b"version: 1\n")
    first = s3_client.put_object(Bucket=bucket_name, Key=STATE_KEY, Body=state_doc(1))["VersionId"]
    s3_client.put_object(Bucket=bucket_name, Key=STATE_KEY, Body=state_doc(2))
    extra = {"versions": ["--stack", "web/dev"], "restore": ["--stack", "web/dev", "--version-id", first]}
    sent = ctrl_c_at(operation)
    result = cli(command, *target_args, *extra.get(command, []))
    assert operation in sent
    line = assert_interrupted(result, one_error_line)
    assert "nothing was changed" in line
    assert body(s3_client, bucket_name, STATE_KEY) == state_doc(2)


def test_ctrl_c_during_the_restore_copy_finishes_the_copy_first(
    cli, s3_client, bucket_name, target_args, ctrl_c_at, one_error_line
) -> None:
    assert cli("bootstrap", *target_args).code == 0
    s3_client.put_object(Bucket=bucket_name, Key=".pulumi/meta.yaml", Body=b"version: 1\n")
    first = s3_client.put_object(Bucket=bucket_name, Key=STATE_KEY, Body=state_doc(1))["VersionId"]
    s3_client.put_object(Bucket=bucket_name, Key=STATE_KEY, Body=state_doc(2))
    sent = ctrl_c_at("CopyObject")
    result = cli("restore", *target_args, "--stack", "web/dev", "--version-id", first)
    assert sent[-1] == "CopyObject"
    assert_interrupted(result, one_error_line)
    assert f"restored {STATE_KEY} from version {first}" in result.out
    assert body(s3_client, bucket_name, STATE_KEY) == state_doc(1)


@pytest.mark.parametrize("operation", ["HeadBucket", "CreateBucket", "PutBucketVersioning"])
def test_ctrl_c_during_bootstrap_never_leaves_a_half_set_up_bucket(
    cli, s3_client, bucket_name, target_args, ctrl_c_at, operation, one_error_line
) -> None:
    ctrl_c_at(operation)
    result = cli("bootstrap", *target_args)
    assert_interrupted(result, one_error_line)
    if operation == "HeadBucket":  # before any change: nothing there
        assert bucket_name not in [b["Name"] for b in s3_client.list_buckets()["Buckets"]]
    else:
        assert_secured(s3_client, bucket_name)
    again = cli("bootstrap", *target_args)
    assert again.code == 0, again.err
    assert_secured(s3_client, bucket_name)


def test_ctrl_c_to_the_installed_command_waiting_for_an_endpoint(silent_endpoint, bucket_name) -> None:
    """The real entry point (python -m cce_passthrough), a real SIGINT from outside the process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "HW_", "PULUMI_"))}
    env.update(
        AWS_ACCESS_KEY_ID="AKIATESTDUMMYKEY0001",
        AWS_SECRET_ACCESS_KEY="dummy-secret",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        NO_PROXY="*",
    )
    command = [sys.executable, "-m", "cce_passthrough", "backend", "check"]
    command += ["--bucket", bucket_name, "--region", "us-east-1", "--endpoint", silent_endpoint.url]
    with subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            assert silent_endpoint.accepted.wait(120), "the command never connected"
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=120)
        finally:
            process.kill()
    assert process.returncode == EXIT_INTERRUPTED, err
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("cce-passthrough: error: interrupted"), err
    assert "Traceback" not in err
