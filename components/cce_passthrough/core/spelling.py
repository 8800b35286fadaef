"""Did-you-mean hints for unknown keys: config keys, annotation keys, fields of annotation JSON."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

# How alike a key must be to a known one to be suggested (difflib's ratio).
CUTOFF = 0.6


def _folded(key: str) -> str:
    return key.lower().replace("_", "").replace("-", "")


def closest(key: str, known: Sequence[str]) -> str | None:
    """The known key `key` most likely meant, or None when none is close; case, `_` and `-` are ignored
    first (`kubeproxymode`, `lb_algorithm`)."""
    folded = {_folded(k): k for k in known}
    match = folded.get(_folded(key))
    close = [match] if match else difflib.get_close_matches(key, known, n=1, cutoff=CUTOFF)
    return close[0] if close else None


def did_you_mean(key: str, known: Sequence[str]) -> str:
    """` Did you mean 'x'?` for the closest known key, or "" when none is close."""
    meant = closest(key, known)
    return f" Did you mean {meant!r}?" if meant else ""
