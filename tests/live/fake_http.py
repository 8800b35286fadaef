"""The common part of the fake API servers: a threaded HTTP/1.1 server on 127.0.0.1 (ephemeral port)
with a route table, a request log the tests assert on, and scripted faults (an error status for the
next N matching calls, a hang longer than the client's timeout, a malformed body).

A subclass adds routes with `self.route(METHOD, regex, handler)`; a handler gets a `Request` and
returns a `Response`. Tests and the doctor's tests add routes the same way (CCE, ELB v3...).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Request:
    method: str
    path: str  # as sent, percent-encoded
    query: list[tuple[str, str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes
    raw_query: str
    params: dict[str, str] = field(default_factory=dict)  # named groups of the route

    def arg(self, name: str, default: str | None = None) -> str | None:
        for key, value in self.query:
            if key == name:
                return value
        return default

    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass
class Response:
    status: int = 200
    body: Any = None  # JSON-encoded unless bytes
    headers: dict[str, str] = field(default_factory=dict)
    # a streamed body (watch): an iterator of chunks, sent with chunked transfer encoding
    stream: Iterator[bytes] | None = None

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if self.body is None:
            return b""
        return json.dumps(self.body).encode()


Handler = Callable[[Request], Response]


@dataclass
class Fault:
    method: str
    pattern: re.Pattern[str]
    times: int
    response: Response | None = None  # None with hang > 0: just wait
    hang: float = 0.0
    query: str | None = None  # only requests whose query string holds this text


class FakeServer:
    """Start with `start()`, stop with `stop()`; `url` is http://127.0.0.1:<port>."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._faults: list[Fault] = []
        self.requests: list[Request] = []
        self.lock = threading.RLock()
        self.stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- scripting -------------------------------------------------------------------------------------

    def route(self, method: str, pattern: str, handler: Handler) -> None:
        self._routes.append((method, re.compile(pattern + r"\Z"), handler))

    def fail(
        self, method: str, pattern: str, response: Response, times: int = 1, query: str | None = None
    ) -> None:
        """The next `times` calls matching METHOD and the path regex (and whose query string holds
        `query`, when given) get `response` instead."""
        with self.lock:
            self._faults.append(Fault(method, re.compile(pattern + r"\Z"), times, response, query=query))

    def hang(self, method: str, pattern: str, seconds: float, times: int = 1) -> None:
        """The next `times` matching calls wait `seconds` before being answered normally: longer than
        the client's read timeout, this is a timeout."""
        with self.lock:
            self._faults.append(Fault(method, re.compile(pattern + r"\Z"), times, None, seconds))

    def calls(self, method: str, pattern: str) -> list[Request]:
        regex = re.compile(pattern + r"\Z")
        with self.lock:
            return [r for r in self.requests if r.method == method and regex.match(r.path)]

    # -- serving ---------------------------------------------------------------------------------------

    def authenticate(self, request: Request) -> Response | None:
        """None to accept; a subclass returns the error response of its API."""
        return None

    def not_found(self, request: Request) -> Response:
        return Response(404, {"message": f"no route for {request.method} {request.path}"})

    def _fault_for(self, request: Request) -> Fault | None:
        with self.lock:
            for fault in self._faults:
                if (
                    fault.times > 0
                    and fault.method == request.method
                    and fault.pattern.match(request.path)
                    and (fault.query is None or fault.query in request.raw_query)
                ):
                    fault.times -= 1
                    return fault
        return None

    def dispatch(self, request: Request) -> Response:
        with self.lock:
            self.requests.append(request)
        denied = self.authenticate(request)
        if denied is not None:
            return denied
        fault = self._fault_for(request)
        if fault is not None:
            if fault.hang:
                self.stopping.wait(fault.hang)
            if fault.response is not None:
                return fault.response
        path = urlsplit(request.path).path
        if len(path) > 1:
            path = path.rstrip("/")  # clients differ on trailing slashes (`/version/`)
        for method, pattern, handler in self._routes:
            match = pattern.match(path)
            if method == request.method and match:
                request.params = {k: v for k, v in match.groupdict().items() if v is not None}
                return handler(request)
        return self.not_found(request)

    def start(self) -> FakeServer:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                split = urlsplit(self.path)
                request = Request(
                    method=self.command,
                    path=split.path,
                    query=parse_qsl(split.query, keep_blank_values=True),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                    raw_query=split.query,
                )
                try:
                    response = server.dispatch(request)
                except Exception as exc:  # a bug in a fake: answer 500 rather than hang the client
                    response = Response(500, {"message": f"fake server error: {exc!r}"})
                self.send_response(response.status)
                headers = {"Content-Type": "application/json", **response.headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                if response.stream is not None:
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    try:
                        for chunk in response.stream:
                            if chunk:
                                self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                                self.wfile.flush()
                        self.wfile.write(b"0\r\n\r\n")
                        self.wfile.flush()
                    except (BrokenPipeError, ConnectionResetError):
                        self.close_connection = True
                    return
                payload = response.payload()
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                try:
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle  # noqa: N815

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.daemon = True
        self._thread.start()
        return self

    @property
    def port(self) -> int:
        assert self._httpd is not None
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


def wait_until(condition: Callable[[], bool], timeout: float = 5.0, interval: float = 0.01) -> bool:
    """Poll `condition` (for the fakes' background timelines); True once it holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()
