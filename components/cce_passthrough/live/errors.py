"""One error type for every live call, whichever API it went to: a stable code, what failed, and a fix.

The Kubernetes client and Huawei Cloud's SDK each raise their own exception families; `kube.py` and
`huawei.py` translate them into `LiveError` so that `verify`, `doctor` and `adopt` handle one type
and print one kind of message. The codes are catalogued (PT580-PT589) like every other finding.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from enum import Enum

from ..core.diagnostics import Diagnostic
from ..core.secrets import Masker
from ..core.text import printable
from ..rules.catalogue import Rule, rule

_MAX_DETAIL = 300


class Failure(str, Enum):
    """What went wrong, independent of the API: decides the code and the generic fix."""

    CONFIG = "config"  # no usable kubeconfig or credentials, before any call
    UNREACHABLE = "unreachable"  # connection refused, DNS, TLS handshake
    UNAUTHENTICATED = "unauthenticated"  # HTTP 401
    FORBIDDEN = "forbidden"  # HTTP 403
    NOT_FOUND = "not-found"  # HTTP 404
    THROTTLED = "throttled"  # HTTP 429, after the limited retries
    SERVER = "server-error"  # HTTP 5xx, after the limited retries
    TIMEOUT = "timeout"  # connect or read timeout
    MALFORMED = "malformed"  # a response that is not what the API documents
    REJECTED = "rejected"  # any other 4xx: the request itself was refused (400, 409, 422)


_RULES: dict[Failure, Rule] = {
    Failure.CONFIG: rule("PT580"),
    Failure.UNREACHABLE: rule("PT581"),
    Failure.UNAUTHENTICATED: rule("PT582"),
    Failure.FORBIDDEN: rule("PT583"),
    Failure.NOT_FOUND: rule("PT584"),
    Failure.THROTTLED: rule("PT585"),
    Failure.SERVER: rule("PT586"),
    Failure.TIMEOUT: rule("PT587"),
    Failure.MALFORMED: rule("PT588"),
    Failure.REJECTED: rule("PT589"),
}


def failure_for_status(status: int) -> Failure:
    if status == 401:
        return Failure.UNAUTHENTICATED
    if status == 403:
        return Failure.FORBIDDEN
    if status == 404:
        return Failure.NOT_FOUND
    if status == 429:
        return Failure.THROTTLED
    if status >= 500:
        return Failure.SERVER
    return Failure.REJECTED


def retry_after_seconds(value: object) -> float | None:
    """An HTTP `Retry-After` header (RFC 9110 10.2.3): delay seconds or an HTTP date; None when absent
    or unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    from datetime import datetime, timezone
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def clean(text: str, secrets: Iterable[str] = ()) -> str:
    """One line, control characters escaped, no known secret (nor a part of one), bounded: safe to print
    whatever a server put in its error body."""
    text = printable(" ".join(Masker(secrets).text(text).split()))
    return text if len(text) <= _MAX_DETAIL else text[: _MAX_DETAIL - 1] + "…"


class _LibraryLogMask(logging.Filter):
    """Masks every known secret, whole or in part, in what a client library logs (the kubernetes client
    logs each response body at DEBUG): a handler anyone attaches sees no secret."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: frozenset[str] = frozenset()
        self._masker = Masker(())

    def add(self, secrets: Iterable[str]) -> None:
        known = self._secrets | {s for s in secrets if s}
        if known != self._secrets:
            self._secrets, self._masker = known, Masker(known)

    def filter(self, record: logging.LogRecord) -> bool:
        if self._masker:
            record.msg, record.args = self._masker.text(record.getMessage()), None
        return True


_LIBRARY_LOG_MASK = _LibraryLogMask()


def mask_library_logs(secrets: Iterable[str], *loggers: str) -> None:
    """From now on, the records of `loggers` (each exactly: a filter does not reach child loggers) show
    none of `secrets`."""
    _LIBRARY_LOG_MASK.add(secrets)
    for name in loggers:
        logger = logging.getLogger(name)
        if _LIBRARY_LOG_MASK not in logger.filters:
            logger.addFilter(_LIBRARY_LOG_MASK)


class LiveError(Exception):
    """A live call that failed. `api` names the service ("kubernetes", "cloud eye", "cce", "elb"),
    `operation` what was attempted ("list pods in default"), `status` the HTTP status when there was one."""

    def __init__(
        self,
        failure: Failure,
        api: str,
        operation: str,
        detail: str,
        *,
        status: int | None = None,
        fix: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.failure = failure
        self.retry_after = retry_after
        self.api = api
        self.operation = operation
        self.detail = clean(detail)
        self.status = status
        self.rule = _RULES[failure]
        self.code = self.rule.code
        self.fix = fix or self.rule.fix
        super().__init__(self.message)

    @property
    def message(self) -> str:
        status = f" (HTTP {self.status})" if self.status is not None else ""
        detail = f": {self.detail}" if self.detail else ""
        wait = (
            f" (the API asks to retry after {self.retry_after:g} s)" if self.retry_after is not None else ""
        )
        return f"{self.api}: {self.operation} failed, {self.failure.value}{status}{detail}{wait}"

    def render(self) -> str:
        return f"{self.code} error: {self.message}. Fix: {self.fix}"

    def diagnostic(self, resource: str | None, field: str) -> Diagnostic:
        return self.rule.finding(resource, field, self.message + ".", self.fix)

    def to_dict(self) -> dict[str, str | int | None]:
        return {
            "code": self.code,
            "failure": self.failure.value,
            "api": self.api,
            "operation": self.operation,
            "status": self.status,
            "message": self.message,
            "fix": self.fix,
        }
