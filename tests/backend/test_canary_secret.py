"""A canary credential through every output path of `backend`: stdout, stderr, logs, exceptions.

The canary values sit where real credentials do (AWS_* and HW_* variables, a session token, a
profile file, a backend URL's userinfo) while each command runs its success, refusal and
failure paths against moto, an S3-shaped server that echoes what it is sent, servers that are
not S3, a closed port and a silent one. No 8 consecutive characters of any canary may appear
in what the command prints, in a log record that would be shown (WARNING and above, or any
record of this package), or in an exception leaving the command.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from cce_passthrough.backend import connection

from .conftest import foreign_server
from .test_output_safety import leaked
from .test_versions import STATE_KEY, state_doc

CANARIES = {
    "AWS_ACCESS_KEY_ID": "AKIACANARYQ7X3Z9W1V5",
    "AWS_SECRET_ACCESS_KEY": "Canary/Sk+Q7X3Z9W1V5T2R8P6N4M0L=",
    "AWS_SESSION_TOKEN": "CanaryToken//Q7X3Z9W1V5T2R8P6N4M0LxKjHgFdSa==",
    "HW_ACCESS_KEY": "HWCANARYAKQ7X3Z9W1V5",
    "HW_SECRET_KEY": "HwCanarySkQ7X3Z9W1V5T2R8P6N4M0",
}
URL_PASSWORD = "UrlCanaryPwQ7X3Z9W1V5"


def echo_everything() -> str:
    """An error text quoting every canary whole, cut, URL-encoded and JSON-escaped."""
    parts = ["signed by {access_key}"]
    for value in CANARIES.values():
        parts += [value, value[:9], value[-9:], quote(value, safe=""), json.dumps(value)]
    return "; ".join(parts)


@pytest.fixture
def canary_env(monkeypatch) -> None:
    for name, value in CANARIES.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def exit_stack() -> Iterator[contextlib.ExitStack]:
    with contextlib.ExitStack() as stack:
        yield stack


def assert_no_canary(*texts: str) -> None:
    joined = "\n".join(texts)
    for value in [*CANARIES.values(), URL_PASSWORD]:
        assert leaked(joined, value) == [], (value, joined)


def shown_records(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.WARNING or record.name.startswith("cce_passthrough")
    ]


def moto_paths(env: dict[str, Any]) -> list[list[str]]:
    client, bucket, args = env["s3_client"], env["bucket"], env["target_args"]
    first = [["bootstrap", *args]]
    env["setup"] = lambda: (
        client.put_object(Bucket=bucket, Key=".pulumi/meta.yaml", Body=b"version: 1\n"),
        client.put_object(Bucket=bucket, Key=STATE_KEY, Body=state_doc(1)),
        client.put_object(
            Bucket=bucket,
            Key=".pulumi/locks/organization/web/dev/1.json",
            Body=json.dumps({"username": CANARIES["AWS_ACCESS_KEY_ID"], "hostname": "h", "pid": 1}).encode(),
        ),
    )
    return [
        *first,
        ["bootstrap", *args],
        ["url", *args, "--prefix", "dev"],
        ["url", *args, "--prefix", "dev", "--url-only"],
        ["check", *args],
        ["versions", *args, "--stack", "web/dev"],
        ["restore", *args, "--stack", "web/dev", "--version-id", "no-such"],
        ["restore", *args, "--key", STATE_KEY, "--version-id", "no-such"],
    ]


@pytest.mark.parametrize("where", ["moto", "echoing", "html-200", "json-404", "closed", "silent"])
def test_no_output_path_shows_a_canary_credential(
    request, cli, canary_env, caplog, monkeypatch, bucket_name, where
) -> None:
    stack = request.getfixturevalue("exit_stack")
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("CCE_PASSTHROUGH_S3_TIMEOUT", "1")
    commands: list[list[str]]
    if where == "moto":
        env = {
            "s3_client": request.getfixturevalue("s3_client"),
            "bucket": bucket_name,
            "target_args": request.getfixturevalue("target_args"),
        }
        commands = moto_paths(env)
    else:
        endpoint = {
            "echoing": lambda: request.getfixturevalue("scripted_s3").url,
            "html-200": lambda: stack.enter_context(foreign_server("html-200")),
            "json-404": lambda: stack.enter_context(foreign_server("json-404")),
            "closed": lambda: request.getfixturevalue("closed_port_endpoint"),
            "silent": lambda: request.getfixturevalue("silent_endpoint").url,
        }[where]()
        if where == "echoing":
            request.getfixturevalue("scripted_s3").answer["message"] = echo_everything()
        args = ["--bucket", bucket_name, "--region", "us-east-1", "--endpoint", endpoint]
        commands = [
            ["bootstrap", *args],
            ["check", *args],
            ["versions", *args, "--stack", "web/dev"],
            ["restore", *args, "--stack", "web/dev", "--version-id", "v"],
        ]
    outputs: list[str] = []
    for index, command in enumerate(commands):
        result = cli(*command)
        assert result.code in (0, 1, 2), (command, result)
        outputs += [result.out, result.err]
        if where == "moto" and index == 0:
            env["setup"]()
    assert_no_canary(*outputs, *shown_records(caplog))


def test_credentials_in_a_backend_url_or_an_exception_never_show(
    cli, canary_env, caplog, monkeypatch, bucket_name
) -> None:
    caplog.set_level(logging.DEBUG)
    results = [
        cli("check", "--backend-url", f"s3://user:{URL_PASSWORD}@{bucket_name}?region=us-east-1"),
        cli(
            "check",
            "--backend-url",
            f"s3://{bucket_name}?endpoint=https://u:{URL_PASSWORD}@h&region=us-east-1",
        ),
    ]
    secret = CANARIES["AWS_SECRET_ACCESS_KEY"]

    def boom(*_: Any, **__: Any) -> Any:
        raise RuntimeError(f"internal failure quoting {secret[:12]} and {secret}")

    monkeypatch.setattr(connection, "make_client", boom)
    results.append(
        cli("check", "--bucket", bucket_name, "--region", "us-east-1", "--endpoint", "127.0.0.1:9")
    )
    for result in results:
        assert result.code == 2
    assert_no_canary(*(r.out + r.err for r in results), *shown_records(caplog))


def test_the_installed_command_shows_no_canary(scripted_s3, bucket_name) -> None:
    """The real entry point in its own process: whatever it writes, including Python's last-resort log output."""
    scripted_s3.answer["message"] = echo_everything()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "HW_", "PULUMI_"))}
    env.update(CANARIES, AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull, NO_PROXY="*")
    args = ["--bucket", bucket_name, "--region", "us-east-1", "--endpoint", scripted_s3.url]
    done = subprocess.run(
        [sys.executable, "-m", "cce_passthrough", "backend", "check", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "signed by <redacted>" in done.stderr
    assert_no_canary(done.stdout, done.stderr)
