"""An endpoint that is not S3, or never answers: exit 2 with one clear line, within a known bound.

Pulumi's DIY backend and this tool both speak the S3 REST-XML protocol: every answer to the
requests made here is an XML document (or no body at all), except an object's or a bucket
policy's own bytes. A web page or a JSON API at the configured address is a wrong `--endpoint`,
and must not read as "no stacks" (exit 0) or crash.
"""

from __future__ import annotations

import pytest

from cce_passthrough.backend import connection
from cce_passthrough.backend.url import make_target

COMMANDS: dict[str, list[str]] = {
    "bootstrap": [],
    "check": [],
    "versions": ["--stack", "web/dev"],
    "restore": ["--stack", "web/dev", "--version-id", "v1"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_server_that_is_not_s3_is_named_as_such(
    cli, foreign_endpoint, bucket_name, command, one_error_line
) -> None:
    args = ["--bucket", bucket_name, "--region", "us-east-1", "--endpoint", foreign_endpoint]
    result = cli(command, *args, *COMMANDS[command])
    assert result.code == 2, result
    line = one_error_line(result, f"{foreign_endpoint} is not an S3 endpoint", "--endpoint")
    assert "KeyError" not in line and "unexpected" not in line
    assert result.out == ""


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_an_endpoint_that_never_answers_times_out_with_one_line(
    cli, silent_endpoint, bucket_name, command, monkeypatch, one_error_line
) -> None:
    monkeypatch.setenv("CCE_PASSTHROUGH_S3_TIMEOUT", "1")
    args = ["--bucket", bucket_name, "--region", "us-east-1", "--endpoint", silent_endpoint.url]
    result = cli(command, *args, *COMMANDS[command])
    assert result.code == 2, result
    one_error_line(result, f"{silent_endpoint.url} did not answer within 1 s", "2 attempts")
    assert silent_endpoint.accepted.is_set()
    assert result.out == ""


def test_the_documented_bound_of_a_request_is_a_few_seconds(monkeypatch) -> None:
    """docs/backend.md: connect 3 s, read 5 s, 2 attempts; CCE_PASSTHROUGH_S3_TIMEOUT sets the read timeout."""
    monkeypatch.delenv("CCE_PASSTHROUGH_S3_TIMEOUT", raising=False)
    target = make_target(bucket="state-1", region="us-east-1", endpoint="127.0.0.1:9")
    config = connection.make_client(target).meta.config
    assert (config.connect_timeout, config.read_timeout) == (3, 5)
    assert config.retries["total_max_attempts"] == 2

    monkeypatch.setenv("CCE_PASSTHROUGH_S3_TIMEOUT", "20")
    assert connection.make_client(target).meta.config.read_timeout == 20


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1e9", "301", "nan"])
def test_an_unusable_timeout_setting_is_refused_before_any_request(
    cli, value, monkeypatch, bucket_name, closed_port_endpoint, one_error_line
) -> None:
    monkeypatch.setenv("CCE_PASSTHROUGH_S3_TIMEOUT", value)
    result = cli(
        "check", "--bucket", bucket_name, "--region", "us-east-1", "--endpoint", closed_port_endpoint
    )
    assert result.code == 2
    one_error_line(result, "CCE_PASSTHROUGH_S3_TIMEOUT", "1 to 300")
