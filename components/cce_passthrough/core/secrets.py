"""What every output shows in place of a secret value, and the masking that puts it there: the whole
secret, and the parts of it that could leak alone.

A secret is masked wherever it appears inside a longer text when it has at least `SUBSTRING_MIN`
characters; a shorter one wherever it stands as a word of its own (`pw7` in `user pw7 here` or in
`registry/pw7:1`, not inside `xpw7y`), so that a secret `prod` does not mangle `production`. A secret
of one or two characters is masked only where a whole value equals it: inside text it would erase half
of every line, and it protects nothing anyway.

Parts of a secret leak on their own: the token of a kubeconfig pasted into an annotation, one line of
a key. So each secret also masks its fragments of at least `SUBSTRING_MIN` characters: each value of the
YAML or JSON it holds unless it is ordinary words (`cce-cluster`, `kubernetes-admin`: letters joined by
`-`, `_`, `.` or spaces), and each line or run of token characters that looks like a secret itself (an
address with `://` or `@`, or a run of letters and digits of 16 or more, or of 8 or more with a digit).
Structure such as `apiVersion: v1` or `- name: user`, which a kubeconfig shares with every other text,
is left alone.

A part of a token leaks too: a server that echoes the first characters of a bearer token, a message cut
short in the middle of a key. So every run of `PART_MIN` or more token characters (letters, digits,
`+/=_-`) in an output that shares `PART_MIN` consecutive characters with a token-like run of a secret
(`TOKEN_RUN_MIN` characters or more, not ordinary words such as `certificate-authority-data`) is masked
whole. A window of one case of letters only (`kubeconf` of `canary-kubeconfig-7f3a`) is no part: it
would mask the word `kubeconfig` everywhere, and a random token has few. The first `_MOST_WINDOWS`
windows are kept: a kubeconfig with its keys has a few thousand.

Case does not protect a secret: a suggested fix that lower-cases a value (a namespace must be lower
case) would print the key it was given. Every match, whole, word or part, ignores case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import yaml

SECRET = "[secret]"
SUBSTRING_MIN = 8
WORD_MIN = 3
PART_MIN = 8
TOKEN_RUN_MIN = 16
_TOKEN_RUN = re.compile(r"[A-Za-z0-9+/=_-]+")
_MOST_WINDOWS = 200_000
_ONE_CASE = re.compile(r"[a-z_-]+|[A-Z_-]+")
_TOKEN = re.compile(rf"[A-Za-z0-9+/=_.:@%~-]{{{SUBSTRING_MIN},}}")
_ORDINARY = re.compile(r"[A-Za-z]+(?:[-_. ][A-Za-z]+)*")
_RUN = re.compile(r"[A-Za-z0-9+/=]{8,}")
# A secret is parsed for its values only when it is small and its YAML small: a kubeconfig is a few
# kilobytes and a hundred values; anything beyond is masked whole, by lines and by tokens.
_MOST_CHARS = 1024 * 1024
_MOST_EVENTS = 20_000
_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)  # every scalar as text, no tags resolved


def _leaves(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)


def _structured(secret: str) -> Any:
    """The YAML or JSON a secret holds, scalars as text; None when it holds none (or too much)."""
    if len(secret) > _MOST_CHARS or ("\n" not in secret and not secret.lstrip().startswith(("{", "["))):
        return None
    try:
        for count, event in enumerate(yaml.parse(secret, Loader=_LOADER)):
            # An alias makes the parsed value larger than the text: not worth the risk for a secret.
            if count > _MOST_EVENTS or isinstance(event, yaml.AliasEvent):
                return None
        return yaml.load(secret, Loader=_LOADER)  # BaseLoader builds only str, list and dict
    except yaml.YAMLError:
        return None


def _looks_secret(text: str) -> bool:
    """A line or token worth masking on its own: an address with a scheme or a user, or a run of
    letters and digits a person would not write (16 or more, or 8 or more with a digit: a key, a
    token, a UUID)."""
    if "://" in text or "@" in text:
        return True
    return any(len(run) >= 16 or any(c.isdigit() for c in run) for run in _RUN.findall(text))


def fragments(secret: str) -> set[str]:
    """The secret and each part of it worth masking on its own: each value of the YAML or JSON it holds
    that is not an ordinary word, and each line or token that looks like a secret itself."""
    parts = {leaf.strip() for leaf in _leaves(_structured(secret))}
    found = {p for p in parts if len(p) >= SUBSTRING_MIN and not _ORDINARY.fullmatch(p)}
    candidates = {line.strip() for line in secret.splitlines()} | set(_TOKEN.findall(secret))
    found |= {p for p in candidates if len(p) >= SUBSTRING_MIN and _looks_secret(p)}
    return found | {secret}


def _windows(secrets: Iterable[str]) -> frozenset[str]:
    """Every PART_MIN characters of each token-like run of the secrets: an output run holding one holds a
    part of a secret."""
    windows: set[str] = set()
    for secret in secrets:
        for run in _TOKEN_RUN.findall(secret[:_MOST_CHARS]):
            if len(run) < TOKEN_RUN_MIN or _ORDINARY.fullmatch(run):
                continue
            windows.update(
                window
                for window in (run[i : i + PART_MIN] for i in range(len(run) - PART_MIN + 1))
                if not _ONE_CASE.fullmatch(window)
            )
            if len(windows) >= _MOST_WINDOWS:
                return frozenset(windows)
    return frozenset(windows)


class Masker:
    """Every secret and secret fragment replaced by SECRET in strings, mapping keys included, at any
    depth of a value."""

    def __init__(self, secrets: Iterable[str]) -> None:
        self.secrets = frozenset(s for s in secrets if s and s != SECRET)
        long: set[str] = set()
        words: set[str] = set()
        for secret in self.secrets:
            for part in fragments(secret):
                if len(part) >= SUBSTRING_MIN:
                    long.add(part)
                elif len(part) >= WORD_MIN:
                    words.add(part)
        # Longest first, so that a secret containing another is masked whole.
        alternatives = [re.escape(p) for p in sorted(long, key=lambda p: (-len(p), p))]
        alternatives += [
            rf"(?<![A-Za-z0-9_]){re.escape(w)}(?![A-Za-z0-9_])"
            for w in sorted(words, key=lambda w: (-len(w), w))
        ]
        self._pattern = re.compile("|".join(alternatives), re.IGNORECASE) if alternatives else None
        self._folded = frozenset(s.casefold() for s in self.secrets)
        self._windows = frozenset(w.lower() for w in _windows(self.secrets))

    def __bool__(self) -> bool:
        return bool(self.secrets)

    def text(self, text: str) -> str:
        if text.casefold() in self._folded:
            return SECRET
        masked = self._pattern.sub(SECRET, text) if self._pattern is not None else text
        return _TOKEN_RUN.sub(self._part, masked) if self._windows else masked

    def _part(self, match: re.Match[str]) -> str:
        run = match.group()
        if len(run) < PART_MIN:
            return run
        windows, folded = self._windows, run.lower()  # a run is ASCII (_TOKEN_RUN): same length
        # Windows of one case of letters only are no part (above), in what is shown as in the secret.
        return (
            SECRET
            if any(
                folded[i : i + PART_MIN] in windows and not _ONE_CASE.fullmatch(run[i : i + PART_MIN])
                for i in range(len(run) - PART_MIN + 1)
            )
            else run
        )

    def __call__(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {self(k): self(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self(v) for v in value]
        return value
