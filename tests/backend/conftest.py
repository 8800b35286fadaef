"""Fixtures for the state-backend tests: a real S3-protocol server (moto) on 127.0.0.1.

* ``s3_server``: one ``ThreadedMotoServer`` per session on ``127.0.0.1``, port 0 (free port),
  started and stopped here; its request log (werkzeug) is silenced.
* ``aws_env`` (autouse): dummy credentials, no ``~/.aws`` files, no instance metadata, no
  proxies, no inherited endpoint/profile/Huawei variables.
* ``network_guard`` (autouse): any connect or name lookup to something other than loopback
  fails the test, so "no test touches a network address other than 127.0.0.1" is enforced.
* ``moto_iam_auth``: turns on moto's IAM request authentication (server control endpoint
  ``/moto-api/reset-auth``) for one test and turns it off again.
"""

from __future__ import annotations

import argparse
import contextlib
import http.server
import io
import json
import logging
import socket
import threading
import urllib.request
import uuid
import xml.sax.saxutils
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import botocore.config
import botocore.exceptions
import pytest
from moto.server import ThreadedMotoServer

from cce_passthrough.backend.cli import add_backend_parser, run_backend

DUMMY_ACCESS_KEY = "AKIATESTDUMMYKEY0001"
DUMMY_SECRET_KEY = "dummy-secret-key-for-tests-only-0001"
REGION = "us-east-1"
_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


@dataclass(frozen=True)
class S3Server:
    host: str
    port: int

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def control(self, path: str, body: bytes) -> bytes:
        """POST to moto's own control API (never through a proxy)."""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        request = urllib.request.Request(
            f"{self.endpoint}{path}", data=body, method="POST", headers={"Content-Type": "text/plain"}
        )
        with opener.open(request, timeout=10) as response:
            data: bytes = response.read()
            return data


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    for name in ("werkzeug", "moto"):
        logging.getLogger(name).setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        assert host == "127.0.0.1"
        yield S3Server(host, port)
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    for name in (
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_S3",
        "AWS_DEFAULT_REGION",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_ROLE_ARN",
        "HW_ACCESS_KEY",
        "HW_SECRET_KEY",
        "HW_SECURITY_TOKEN",
        "PULUMI_BACKEND_URL",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", DUMMY_ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", DUMMY_SECRET_KEY)
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-such-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-such-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


def _host_of(address: Any) -> str | None:
    if isinstance(address, tuple) and address:
        return str(address[0])
    return None  # AF_UNIX paths and the like are not network addresses


@pytest.fixture(autouse=True)
def network_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def check(address: Any) -> None:
        host = _host_of(address)
        if host is not None and host not in _LOOPBACK:
            raise AssertionError(f"test tried to reach non-loopback address {host!r}")

    def connect(self: socket.socket, address: Any) -> None:
        check(address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        check(address)
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and str(host) not in _LOOPBACK:
            raise AssertionError(f"test tried to resolve non-loopback host {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture
def bucket_name() -> str:
    return f"state-{uuid.uuid4().hex[:20]}"


@pytest.fixture
def s3_client(s3_server: S3Server) -> Any:
    """A plain boto3 client for arranging and reading back (not the code under test)."""
    return boto3.client(
        "s3",
        endpoint_url=s3_server.endpoint,
        region_name=REGION,
        aws_access_key_id=DUMMY_ACCESS_KEY,
        aws_secret_access_key=DUMMY_SECRET_KEY,
        config=botocore.config.Config(s3={"addressing_style": "path"}),
    )


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Any:
    """Run ``cce-passthrough backend ...`` through argparse exactly as the main CLI will."""

    def run(*argv: str) -> CliResult:
        parser = argparse.ArgumentParser(prog="cce-passthrough")
        sub = parser.add_subparsers(dest="command")
        add_backend_parser(sub)
        capsys.readouterr()
        code = run_backend(parser.parse_args(["backend", *argv]))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def target_args(s3_server: S3Server, bucket_name: str) -> list[str]:
    return ["--bucket", bucket_name, "--region", REGION, "--endpoint", s3_server.endpoint]


@pytest.fixture
def moto_iam_auth(s3_server: S3Server) -> Iterator[None]:
    """Make moto authenticate every request against its IAM users for this test only."""
    previous = json.loads(s3_server.control("/moto-api/reset-auth", b"0"))[
        "PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT"
    ]
    try:
        yield
    finally:
        s3_server.control("/moto-api/reset-auth", str(previous).encode())


def _assert_one_error_line(result: CliResult, *fragments: str) -> str:
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("cce-passthrough: error: "), lines[0]
    assert "Traceback" not in result.err
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def one_error_line() -> Any:
    """``one_error_line(result, *fragments)``: exactly one prefixed stderr line containing them."""
    return _assert_one_error_line


class _ForeignHandler(http.server.BaseHTTPRequestHandler):
    """Answers every request with the same canned response: a web server that is not S3."""

    status = 200
    content_type = "text/html; charset=utf-8"
    body = b"<!DOCTYPE html>\n<html><head><title>Welcome</title></head><body><h1>It works</h1></body></html>"

    def respond(self) -> tuple[int, str, bytes]:
        return self.status, self.content_type, self.body

    def _answer(self) -> None:
        status, content_type, body = self.respond()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_PUT = do_HEAD = do_POST = do_DELETE = _answer  # noqa: N815 (http.server's names)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _JsonNotFoundHandler(_ForeignHandler):
    """An API gateway: every path is a JSON 404."""

    status = 404
    content_type = "application/json"
    body = b'{"error": "not found", "path": "/"}'


FOREIGN_HANDLERS: dict[str, type[_ForeignHandler]] = {
    "html-200": _ForeignHandler,
    "json-404": _JsonNotFoundHandler,
}


@contextlib.contextmanager
def foreign_server(kind: str) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 that is not S3: ``html-200`` (a web page) or ``json-404`` (an API)."""
    with serving(FOREIGN_HANDLERS[kind]) as url:
        yield url


@contextlib.contextmanager
def serving(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    """``handler`` behind a threaded HTTP server on 127.0.0.1, for the duration of the block."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(params=sorted(FOREIGN_HANDLERS))
def foreign_endpoint(request: pytest.FixtureRequest) -> Iterator[str]:
    with foreign_server(request.param) as url:
        yield url


@dataclass
class SilentEndpoint:
    """A socket on 127.0.0.1 that accepts connections and never sends a byte."""

    url: str
    accepted: threading.Event


@pytest.fixture
def silent_endpoint() -> Iterator[SilentEndpoint]:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.2)
    accepted = threading.Event()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept_and_hold() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            held.append(conn)  # kept open and unanswered until teardown
            accepted.set()

    thread = threading.Thread(target=accept_and_hold, daemon=True)
    thread.start()
    try:
        yield SilentEndpoint(f"http://127.0.0.1:{listener.getsockname()[1]}", accepted)
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        listener.close()


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A 127.0.0.1 port that is bound but not listening: connections are refused, deterministically."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()


@pytest.fixture
def closed_port_endpoint(closed_port: int) -> str:
    return f"http://127.0.0.1:{closed_port}"


@dataclass
class ScriptedS3:
    """An S3-shaped server that answers every request with one XML ``<Error>`` (status, code, message).

    ``message`` may use ``{access_key}`` for the access key id the request was signed with.
    """

    url: str
    answer: dict[str, Any]


@pytest.fixture
def scripted_s3() -> Iterator[ScriptedS3]:
    answer: dict[str, Any] = {"status": 403, "code": "Teapot", "message": "no"}

    class Handler(_ForeignHandler):
        def respond(self) -> tuple[int, str, bytes]:
            authorization = self.headers.get("Authorization", "")
            access_key = authorization.partition("Credential=")[2].partition("/")[0]
            message = str(answer["message"]).replace("{access_key}", access_key)
            body = (
                '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>'
                + xml.sax.saxutils.escape(str(answer["code"]))
                + "</Code><Message>"
                + xml.sax.saxutils.escape(message, {"\n": "&#10;", "\r": "&#13;"})
                + "</Message></Error>"
            )
            return int(answer["status"]), "application/xml", body.encode()

    with serving(Handler) as url:
        yield ScriptedS3(url, answer)


@pytest.fixture
def run_cli() -> Any:
    """``run_cli(argv) -> (code, stdout, stderr)`` with its own streams (usable inside hypothesis tests)."""

    def run(argv: list[str]) -> tuple[int, str, str]:
        parser = argparse.ArgumentParser(prog="cce-passthrough")
        add_backend_parser(parser.add_subparsers(dest="command"))
        out, err = io.StringIO(), io.StringIO()
        code = run_backend(parser.parse_args(["backend", *argv]), out=out, err=err)
        return code, out.getvalue(), err.getvalue()

    return run


@dataclass
class FuzzBucket:
    """One bucket for a whole fuzzing test, versioned; each example writes under its own prefix."""

    server: S3Server
    client: Any
    name: str
    args: list[str]
    count: int = 0

    def fresh_prefix(self) -> str:
        self.count += 1
        return f"example-{self.count}/"

    def clear(self) -> None:
        """Forget everything moto stores (it keeps every version in memory; a long run would fill it).

        Listing and deleting would not do: moto cannot list a key holding a control character.
        """
        self.server.control("/moto-api/reset", b"")
        self.client.create_bucket(Bucket=self.name)
        self.client.put_bucket_versioning(Bucket=self.name, VersioningConfiguration={"Status": "Enabled"})

    def put(self, key: str, body: bytes) -> str:
        """The new version's id; a key moto cannot store (a newline in it) is stored under a cleaned name."""
        try:
            answer = self.client.put_object(Bucket=self.name, Key=key, Body=body)
        except botocore.exceptions.ClientError:
            answer = self.client.put_object(
                Bucket=self.name, Key=key.encode("unicode_escape").decode(), Body=body
            )
        return str(answer.get("VersionId"))


@pytest.fixture
def fuzz_bucket(s3_server: S3Server, s3_client: Any, bucket_name: str, run_cli: Any) -> FuzzBucket:
    args = ["--bucket", bucket_name, "--region", REGION, "--endpoint", s3_server.endpoint]
    assert run_cli(["bootstrap", *args])[0] == 0
    return FuzzBucket(s3_server, s3_client, bucket_name, args)
