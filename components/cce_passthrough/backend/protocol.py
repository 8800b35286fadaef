"""How an S3 conversation must go: time bounds, the shape of S3's answers, its error codes. Pure.

A request's time bound: connect, then read (the wait for each chunk of the answer), then one
retry. An endpoint that accepts and never answers costs ``MAX_ATTEMPTS`` x the read timeout.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from .url import BackendConfigError

TIMEOUT_ENV = "CCE_PASSTHROUGH_S3_TIMEOUT"
CONNECT_TIMEOUT = 3
DEFAULT_READ_TIMEOUT = 5
MAX_READ_TIMEOUT = 300
MAX_ATTEMPTS = 2

# Requests S3 always answers with an XML document (servers differ in its root element: moto
# answers an unset versioning with <GetBucketVersioningResponse>, S3 with <VersioningConfiguration>).
_DOCUMENT_OPERATIONS = {
    "ListObjectsV2",
    "ListObjectVersions",
    "GetBucketVersioning",
    "GetBucketEncryption",
    "GetPublicAccessBlock",
    "GetBucketAcl",
    "CopyObject",
}
_OBJECT_OPERATIONS = {"GetObject", "HeadObject"}  # the body is the object's own bytes
_XML_ROOT_RE = re.compile(rb"\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<([A-Za-z_][\w.:-]*)", re.S)
UNSUPPORTED_CODES = {"NotImplemented", "MethodNotAllowed", "501", "405"}
CREDENTIAL_CODES = {
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "InvalidToken",
    "ExpiredToken",
    "TokenRefreshRequired",
    "InvalidClientTokenId",
    "AuthorizationHeaderMalformed",
}


def read_timeout(environ: Mapping[str, str]) -> float:
    """Seconds to wait for an answer (``CCE_PASSTHROUGH_S3_TIMEOUT``, default 5, 1 to 300)."""
    raw = environ.get(TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_READ_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not 1 <= value <= MAX_READ_TIMEOUT:  # also false for nan
        raise BackendConfigError(f"{TIMEOUT_ENV} must be a number of seconds from 1 to {MAX_READ_TIMEOUT}")
    return value


def _body_kind(body: bytes) -> str:
    """ "empty", "xml", "html", "json" or "text", from the start of a body."""
    head = body[:4096].removeprefix(b"\xef\xbb\xbf")
    if not head.strip():
        return "empty"
    match = _XML_ROOT_RE.match(head)
    if match:
        return "html" if match.group(1).rsplit(b":", 1)[-1].lower() == b"html" else "xml"
    stripped = head.lstrip()
    if stripped[:1] in (b"{", b"["):
        return "json"
    return "html" if stripped[:9].lower() == b"<!doctype" else "text"


_KIND_TEXT = {"html": "an HTML page", "json": "a JSON document", "text": "a body that is not XML"}


def foreign_answer(operation: str, status: int, headers: Mapping[str, str], body: object) -> str | None:
    """What makes this answer one no S3 server gives (``"an HTML page"``), or None if S3 could give it.

    S3 speaks REST-XML: a listing or a setting read back is an XML document, so is an error
    (``<Error>``, or no body for HEAD); an object's bytes always come with an ``ETag``.
    """
    success = 200 <= status < 300
    if success and operation in _OBJECT_OPERATIONS:
        has_etag = any(name.lower() == "etag" for name in headers)
        return None if has_etag else "an object without an ETag header"
    if not isinstance(body, bytes) or (success and operation not in _DOCUMENT_OPERATIONS):
        return None  # the body of a successful change is not read by anyone; servers vary
    kind = _body_kind(body)
    if kind == "empty":
        return "an empty body" if success else None
    return None if kind == "xml" else _KIND_TEXT[kind]
