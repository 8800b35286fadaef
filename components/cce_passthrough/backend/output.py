"""What reaches a person's terminal: control characters escaped, credentials removed.

A bucket, an object key, a lock file and an endpoint's error text are all written by someone
else; they are shown, never obeyed. Credentials are never shown, whole or in part: neither the
value, nor any 8 consecutive characters of it, nor its URL-, JSON- or repr-escaped forms.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TextIO
from urllib.parse import quote, quote_plus

REDACTED = "<redacted>"
SECRET_ENV_VARS = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "HW_ACCESS_KEY",
    "HW_SECRET_KEY",
    "HW_SECURITY_TOKEN",
)
# Shorter values are redacted where they stand whole, never as fragments: a 4-character
# fragment ("AKIA") is ordinary text. Values under 4 characters cannot be real keys.
MIN_SECRET = 4
FRAGMENT = 8

# ``scheme://user:password@`` in any message.
_USERINFO_RE = re.compile(r"(?<=://)[^/\s?#@]*@")

_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_FORMAT_CONTROLS = [0x061C, 0x200E, 0x200F, 0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_ESCAPES: dict[int, str] = {
    **{code: _NAMED_ESCAPES.get(chr(code), f"\\x{code:02x}") for code in [*range(0x20), *range(0x7F, 0xA0)]},
    **{code: f"\\u{code:04x}" for code in _FORMAT_CONTROLS},
}


def escape_control(text: str) -> str:
    """C0/C1 controls, DEL, line separators and bidi overrides as visible escapes (``\\x1b``)."""
    return text.translate(_ESCAPES)


def secret_values(environ: Mapping[str, str], *more: str | None) -> list[str]:
    """Credential values in the environment, plus ``more`` (e.g. those read from a profile)."""
    values = [environ.get(name) for name in SECRET_ENV_VARS] + list(more)
    return sorted({v for v in values if v}, key=len, reverse=True)


def _forms(secret: str) -> set[str]:
    """The ways a value appears in text: as is, URL-encoded, JSON-, repr- and bytes-repr-escaped."""
    return {
        secret,
        quote(secret, safe=""),
        quote_plus(secret, safe=""),
        json.dumps(secret)[1:-1],
        repr(secret)[1:-1],
        repr(secret.encode("utf-8", "backslashreplace"))[2:-1],
    }


def redact(message: str, secrets: Iterable[str]) -> str:
    """``message`` without any credential, whole or in part, nor URL userinfo."""
    hidden = [False] * len(message)

    def hide(fragment: str) -> None:
        start = message.find(fragment)
        while start >= 0:
            hidden[start : start + len(fragment)] = [True] * len(fragment)
            start = message.find(fragment, start + 1)

    for secret in secrets:
        if len(secret) < MIN_SECRET:
            continue
        for form in _forms(secret):
            hide(form)
            for i in range(len(form) - FRAGMENT + 1):
                hide(form[i : i + FRAGMENT])
    parts: list[str] = []
    for index, char in enumerate(message):
        if not hidden[index]:
            parts.append(char)
        elif index == 0 or not hidden[index - 1]:
            parts.append(REDACTED)
    return _USERINFO_RE.sub(REDACTED + "@", "".join(parts))


def one_line(message: str, secrets: Iterable[str]) -> str:
    """An error line: credentials removed, control characters escaped, spaces folded."""
    return " ".join(escape_control(redact(message, secrets)).split())


def unprintable_credential(environ: Mapping[str, str], names: Iterable[str]) -> str | None:
    """The first of ``names`` whose value is not printable ASCII without spaces, if any.

    Such a value cannot be a key; sent anyway, the HTTP library refuses the header and quotes it.
    """
    for name in names:
        value = environ.get(name)
        if value and not (value.isascii() and value.isprintable() and " " not in value):
            return name
    return None


@dataclass
class Screen:
    """A human output stream: every line has credentials removed and control characters escaped."""

    stream: TextIO
    secrets: list[str] = field(default_factory=list)

    def line(self, text: str) -> None:
        print(escape_control(redact(text, self.secrets)), file=self.stream)

    def lines(self, text: str) -> None:
        """Each line of ``text`` (its own line breaks kept; a trailing one is not doubled)."""
        for line in text.removesuffix("\n").split("\n"):
            self.line(line)

    def error(self, prefix: str, message: str) -> None:
        print(f"{prefix} {one_line(message, self.secrets)}", file=self.stream)
