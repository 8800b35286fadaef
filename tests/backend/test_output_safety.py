"""What a bucket or an endpoint sends is shown, never obeyed; credentials never show, whole or in part.

Every human output escapes control characters (newlines, carriage returns, terminal escape
sequences, C1 controls, Unicode line separators and bidirectional overrides): a lock file, an
object key or an error text from a server cannot forge a line or drive the terminal.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

import pytest

from cce_passthrough.backend.output import redact

from .test_versions import STATE_KEY, state_doc

RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
CANARY_AK = "AKIACANARY7Q3X9Z1W5V"
CANARY_SK = "canary/Secret+Key=Q3X9Z1W5V2T8R6P4N0"
FRAGMENT = 8  # docs/backend.md: no 8 consecutive characters of a credential are ever printed


def leaked(text: str, secret: str) -> list[str]:
    windows = (secret[i : i + FRAGMENT] for i in range(len(secret) - FRAGMENT + 1))
    return [w for w in windows if w in text]


def seed_stack(client: Any, bucket: str) -> None:
    client.put_object(Bucket=bucket, Key=".pulumi/meta.yaml", Body=b"version: 1\n")
    client.put_object(Bucket=bucket, Key=STATE_KEY, Body=state_doc(1))


def test_a_lock_owner_cannot_forge_lines_or_drive_the_terminal(
    cli, s3_client, bucket_name, target_args
) -> None:
    assert cli("bootstrap", *target_args).code == 0
    seed_stack(s3_client, bucket_name)
    lock = {"pid": 7, "username": "mallory\n1 stack(s), 0 locked\x1b[2J", "hostname": "h\rost\u202e\x85"}
    s3_client.put_object(
        Bucket=bucket_name, Key=".pulumi/locks/organization/web/dev/1.json", Body=json.dumps(lock).encode()
    )
    result = cli("check", *target_args)
    assert result.code == 0, result.err
    assert not RAW_CONTROL.search(result.out)
    assert "locked by mallory\\n1 stack(s), 0 locked\\x1b[2J@h\\rost\\u202e\\x85 (pid 7)" in result.out
    assert "1 stack(s), 0 locked" not in result.out.splitlines()


def test_object_keys_with_control_characters_are_shown_escaped(
    cli, s3_client, bucket_name, target_args
) -> None:
    assert cli("bootstrap", *target_args).code == 0
    seed_stack(s3_client, bucket_name)
    odd = ".pulumi/stacks/web/\x1b[31mdev.json"
    s3_client.put_object(Bucket=bucket_name, Key=odd, Body=b"{}")
    s3_client.put_object(Bucket=bucket_name, Key=".pulumi/locks/x\r\u202e.json", Body=b"{}")
    check = cli("check", *target_args)
    assert not RAW_CONTROL.search(check.out + check.err)
    assert "note: ignored .pulumi/stacks/web/\\x1b[31mdev.json" in check.out
    assert "note: ignored .pulumi/locks/x\\r\\u202e.json" in check.out

    # moto answers a listing whose prefix holds ESC with a 500, so `versions` gets a bidi override
    reversed_key = ".pulumi/stacks/web/\u202eved.json"
    s3_client.put_object(Bucket=bucket_name, Key=reversed_key, Body=b"{}")
    versions = cli("versions", *target_args, "--key", reversed_key)
    assert versions.code == 0, versions.err
    assert not RAW_CONTROL.search(versions.out)
    assert ".pulumi/stacks/web/\\u202eved.json" in versions.out


def test_an_error_text_from_the_server_is_one_escaped_line(
    cli, scripted_s3, bucket_name, one_error_line
) -> None:
    scripted_s3.answer.update(code="Gate\x85way", message="denied\nforged: all good\r\u202e\u2028end")
    result = cli("check", "--bucket", bucket_name, "--region", "us-east-1", "--endpoint", scripted_s3.url)
    assert result.code == 2
    line = one_error_line(result, "denied")
    assert not RAW_CONTROL.search(result.err)
    assert "denied\\nforged: all good\\r\\u202e\\u2028end" in line


@pytest.mark.parametrize("command", ["bootstrap", "check", "versions", "restore"])
def test_credentials_echoed_by_a_server_are_not_printed_whole_or_in_part(
    cli, scripted_s3, bucket_name, monkeypatch, command
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", CANARY_AK)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", CANARY_SK)
    scripted_s3.answer["message"] = (
        "signed by {access_key}; key starts "
        + CANARY_AK[:12]
        + "; secret "
        + quote(CANARY_SK, safe="")
        + " ends "
        + CANARY_SK[-10:]
        + " as JSON "
        + json.dumps({"sk": CANARY_SK})
    )
    extra = {"versions": ["--stack", "web/dev"], "restore": ["--key", STATE_KEY, "--version-id", "v"]}
    args = ["--bucket", bucket_name, "--region", "us-east-1", "--endpoint", scripted_s3.url]
    result = cli(command, *args, *extra.get(command, []))
    assert result.code == 2
    if command != "bootstrap":  # bootstrap's first request is a HEAD: an error without a text
        assert "signed by <redacted>" in result.err
    assert leaked(result.out + result.err, CANARY_AK) == []
    assert leaked(result.out + result.err, CANARY_SK) == []


def test_credentials_from_a_profile_file_are_redacted_too(
    cli, scripted_s3, bucket_name, monkeypatch, tmp_path
) -> None:
    credentials = tmp_path / "credentials"
    credentials.write_text(f"[ci]\naws_access_key_id = {CANARY_AK}\naws_secret_access_key = {CANARY_SK}\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    scripted_s3.answer["message"] = "signed by {access_key}, secret ends " + CANARY_SK[-12:]
    url = f"s3://{bucket_name}?endpoint={scripted_s3.url}&region=us-east-1&s3ForcePathStyle=true&profile=ci"
    result = cli("check", "--backend-url", url)
    assert result.code == 2
    assert "signed by <redacted>" in result.err
    assert leaked(result.out + result.err, CANARY_AK) == []
    assert leaked(result.out + result.err, CANARY_SK) == []


@pytest.mark.parametrize("variable", ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"])
@pytest.mark.parametrize("bad", ["\n", "\x1b", " ", "\u00e9"])
def test_a_credential_with_a_control_character_or_space_is_refused_unshown(
    cli, closed_port_endpoint, bucket_name, monkeypatch, variable, bad, one_error_line
) -> None:
    value = (CANARY_AK if variable == "AWS_ACCESS_KEY_ID" else CANARY_SK)[:10] + bad + "Q3X9Z1W5V2"
    monkeypatch.setenv(variable, value)
    result = cli(
        "check", "--bucket", bucket_name, "--region", "us-east-1", "--endpoint", closed_port_endpoint
    )
    assert result.code == 2
    one_error_line(result, variable, "printable ASCII")
    assert leaked(result.out + result.err, value) == []


def test_redaction_covers_fragments_encodings_and_split_values() -> None:
    secrets = [CANARY_AK, CANARY_SK]
    for text in (
        CANARY_SK,
        CANARY_SK[:9],
        CANARY_SK[-9:],
        quote(CANARY_SK, safe=""),
        json.dumps(CANARY_SK),
        repr(CANARY_SK.encode()),
        CANARY_AK[:10] + "\n" + CANARY_AK[10:],
    ):
        shown = redact(f"before {text} after", secrets)
        assert leaked(shown, CANARY_AK) == [] and leaked(shown, CANARY_SK) == [], shown
        assert shown.startswith("before ") and shown.endswith(" after"), shown
    assert redact("a short one: abcd, abc", ["abcd", "abc"]) == "a short one: <redacted>, abc"
    assert redact("https://user:pw@host/x", []) == "https://<redacted>@host/x"
