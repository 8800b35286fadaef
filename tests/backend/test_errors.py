"""Credentials and reachability failures: one line on stderr, exit 2, no traceback, no secret."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest

from cce_passthrough.backend.connection import huawei_fallback_credentials

ADMIN_POLICY = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)


@pytest.fixture
def iam_user_key(s3_server) -> dict[str, str]:
    """A real access key of a moto IAM user allowed to do everything (made before auth is on)."""
    import boto3

    iam = boto3.client(
        "iam",
        endpoint_url=s3_server.endpoint,
        region_name="us-east-1",
        aws_access_key_id="AKIAARRANGEONLY00001",
        aws_secret_access_key="arrange-only",
    )
    name = f"state-admin-{id(iam)}"
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="all", PolicyDocument=ADMIN_POLICY)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return {"id": key["AccessKeyId"], "secret": key["SecretAccessKey"]}


def test_wrong_credentials_are_one_line_exit_2(
    cli, target_args, iam_user_key, moto_iam_auth, monkeypatch, one_error_line
) -> None:
    # positive control: with auth on, the IAM user's real key works ...
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", iam_user_key["id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", iam_user_key["secret"])
    ok = cli("bootstrap", *target_args)
    assert ok.code == 0, ok.err

    # ... an unknown key is rejected ...
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAUNKNOWNKEY000042")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wrong-secret-must-not-be-printed")
    for command in ("check", "bootstrap", "versions"):
        extra = ["--stack", "p/s"] if command == "versions" else []
        result = cli(command, *target_args, *extra)
        assert result.code == 2, (command, result)
        line = one_error_line(result, "credentials")
        assert "AKIAUNKNOWNKEY000042" not in line and "wrong-secret" not in result.err + result.out

    # ... and so is the right key with the wrong secret
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", iam_user_key["id"])
    result = cli("check", *target_args)
    assert result.code == 2
    line = one_error_line(result, "SignatureDoesNotMatch")
    assert iam_user_key["id"] not in line and iam_user_key["secret"] not in result.err


def test_huawei_env_credentials_are_used_when_aws_ones_are_absent(
    cli, target_args, iam_user_key, moto_iam_auth, monkeypatch, one_error_line
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("HW_ACCESS_KEY", iam_user_key["id"])
    monkeypatch.setenv("HW_SECRET_KEY", iam_user_key["secret"])
    result = cli("bootstrap", *target_args)
    assert result.code == 0, result.err
    assert iam_user_key["secret"] not in result.out

    monkeypatch.setenv("HW_SECRET_KEY", "not-the-secret")
    assert cli("check", *target_args).code == 2


def test_aws_variables_win_over_huawei_ones() -> None:
    both = {"AWS_ACCESS_KEY_ID": "a", "HW_ACCESS_KEY": "h", "HW_SECRET_KEY": "s"}
    assert huawei_fallback_credentials(both) is None
    assert (
        huawei_fallback_credentials({"AWS_PROFILE": "p", "HW_ACCESS_KEY": "h", "HW_SECRET_KEY": "s"}) is None
    )
    assert huawei_fallback_credentials({"HW_ACCESS_KEY": "h"}) is None
    assert huawei_fallback_credentials(
        {"HW_ACCESS_KEY": "h", "HW_SECRET_KEY": "s", "HW_SECURITY_TOKEN": "t"}
    ) == {
        "aws_access_key_id": "h",
        "aws_secret_access_key": "s",
        "aws_session_token": "t",
    }


def test_missing_credentials(cli, target_args, monkeypatch, one_error_line) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    result = cli("bootstrap", *target_args)
    assert result.code == 2
    one_error_line(result, "no credentials found", "HW_ACCESS_KEY")


def test_unknown_profile(cli, target_args, monkeypatch, one_error_line) -> None:
    monkeypatch.setenv(
        "PULUMI_BACKEND_URL", "s3://some-bucket?endpoint=127.0.0.1:1&region=us-east-1&profile=nope"
    )
    result = cli("check")
    assert result.code == 2
    one_error_line(result, "profile not found")


@pytest.mark.parametrize("command", ["bootstrap", "check", "versions", "restore"])
def test_unreachable_endpoint(cli, closed_port, bucket_name, command, one_error_line) -> None:
    extra: dict[str, list[str]] = {
        "versions": ["--key", "k.json"],
        "restore": ["--key", "k.json", "--version-id", "v1"],
    }
    endpoint = f"http://127.0.0.1:{closed_port}"
    args: list[str] = ["--bucket", bucket_name, "--region", "us-east-1", "--endpoint", endpoint]
    result = cli(command, *args, *extra.get(command, []))
    assert result.code == 2
    one_error_line(result, f"cannot reach S3 endpoint {endpoint}")
    assert result.out == ""


def test_bad_arguments_never_reach_the_network(cli, one_error_line) -> None:
    result = cli(
        "check", "--bucket", "ok-bucket", "--region", "us-east-1", "--endpoint", "http://example.com/path"
    )
    assert result.code == 2
    one_error_line(result, "invalid endpoint")
    result = cli("check")
    assert result.code == 2
    one_error_line(result, "PULUMI_BACKEND_URL")


def test_network_guard_is_active(s3_server: Any) -> None:
    """The autouse guard really blocks non-loopback addresses (so the suite cannot leak out)."""
    with pytest.raises(AssertionError, match="non-loopback"):
        socket.create_connection(("192.0.2.1", 9), timeout=0.1)
    with pytest.raises(AssertionError, match="non-loopback"):
        socket.getaddrinfo("obs.cn-north-4.myhuaweicloud.com", 443)


def test_unexpected_exception_is_one_redacted_line_exit_2(
    cli, target_args, monkeypatch, one_error_line
) -> None:
    """The last-resort handler keeps the contract: no traceback, no secret, exit 2."""
    from cce_passthrough.backend import connection

    def boom(*_: Any, **__: Any) -> Any:
        raise RuntimeError(
            "internal failure with dummy-secret-key-for-tests-only-0001 at https://u:pw-in-url@h/x"
        )

    monkeypatch.setattr(connection, "make_client", boom)
    result = cli("check", *target_args)
    assert result.code == 2
    line = one_error_line(result, "unexpected error", "RuntimeError")
    assert "dummy-secret-key-for-tests-only-0001" not in line and "pw-in-url" not in line
    assert result.out == ""


def test_unexpected_exception_while_parsing_arguments_is_one_line(cli, monkeypatch, one_error_line) -> None:
    from cce_passthrough.backend import cli as backend_cli

    def boom(*_: Any, **__: Any) -> Any:
        raise KeyError("surprise")

    monkeypatch.setattr(backend_cli, "make_target", boom)
    result = cli("url", "--bucket", "b-1", "--region", "cn-north-4")
    assert result.code == 2
    one_error_line(result, "unexpected error", "KeyError")
