"""The keys of `services[].annotations` as the API server and CCE read them: each key a qualified name
(PT450), all of them within the API server's 256 KiB (PT451), and no near-miss of a documented
`kubernetes.io/elb.*` key that CCE would ignore while the rule owning the real key never sees it: a
misspelt prefix (`kubernets.io/elb.…`) is PT452, a misspelling under CCE's own prefixes stays PT405 with
the nearest documented key, and a near-miss of a key the component builds itself (`elb.class`,
`elb.id`, `elb.autocreate`) is that key's own error, PT403.

The API server's rule (apimachinery `ValidateAnnotations`): the key, lower-cased, is a qualified name,
an optional DNS-1123 subdomain prefix of at most 253 characters and `/`, then a name of 1-63 characters
of [A-Za-z0-9-_.] that starts and ends with a letter or digit; the keys and values together take at
most 256 KiB (262,144 bytes of UTF-8).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator, Mapping

from ...core import annotations as ann
from ...core.diagnostics import Diagnostic, shown
from ...core.model import ClusterFacts, ServiceConfig
from ...core.paths import join as path
from ..catalogue import rule
from .annotation_table import KNOWN_KEYS, UNVERIFIED

TOTAL_SIZE_LIMIT = 256 * 1024
NAME_MAX = 63
PREFIX_MAX = 253
_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_DNS_1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
# A key this close to a documented one (difflib ratio) is taken for a misspelling of it.
NEAR = 0.9


def qualified_name_problem(key: str) -> str | None:
    """Why the API server rejects `key` as an annotation key; None when it accepts it."""
    parts = key.lower().split("/")
    if len(parts) > 2:
        return "has more than one '/'; a key is an optional prefix, '/', and a name"
    name = parts[-1]
    if len(parts) == 2:
        prefix = parts[0]
        if not prefix:
            return "has an empty prefix before '/'"
        if len(prefix) > PREFIX_MAX:
            return f"has a prefix of {len(prefix)} characters; at most {PREFIX_MAX} are allowed"
        if not _DNS_1123_SUBDOMAIN.fullmatch(prefix):
            return "has a prefix that is not a DNS subdomain (lower-case letters, digits, '-' and '.')"
    if not name:
        return "has an empty name"
    if len(name) > NAME_MAX:
        return f"has a name of {len(name)} characters; at most {NAME_MAX} are allowed"
    if not _NAME.fullmatch(name):
        return "has a name that is not letters, digits, '-', '_' and '.' starting and ending with a letter or digit"
    return None


def _known() -> tuple[str, ...]:
    # Older spellings (PT413) and unverified keys (PT405) have rules of their own: not near-misses.
    return (*KNOWN_KEYS, ann.HOST_NETWORK, *ann.LEGACY_KEYS, *UNVERIFIED)


def near_miss(key: str, known: tuple[str, ...] | None = None) -> str | None:
    """The documented key `key` is a misspelling of (case, spaces, a typo); None for a documented key
    or one not close to any."""
    known = known if known is not None else _known()
    if key in known:
        return None
    folded = "".join(key.split()).lower()
    by_folded = {k.lower(): k for k in known}
    if folded in by_folded:
        return by_folded[folded]
    close = difflib.get_close_matches(folded, list(by_folded), n=1, cutoff=NEAR)
    return by_folded[close[0]] if close else None


def total_size(annotations: Mapping[str, str]) -> int:
    return sum(len(k.encode("utf-8")) + len(v.encode("utf-8")) for k, v in annotations.items())


def owned_near_miss(key: str) -> str | None:
    """The key the component builds itself (`elb.class`, `elb.id`, `elb.autocreate`) that `key`, a valid
    key, is a misspelling of: it gets that key's PT403, so that a variant cannot slip past it."""
    if qualified_name_problem(key) is not None:
        return None
    meant = near_miss(key)
    return meant if meant in ann.OWNED and meant != ann.PASS_THROUGH else None


def covered_keys(service: ServiceConfig) -> set[str]:
    """The keys reported here (PT450, PT452) or as a near-miss of an owned key (PT403): the rules of each
    key's value leave them alone, one finding per key."""
    return {
        key
        for key in service.annotations
        if owned_near_miss(key) is not None or _key_finding(service, "", key) is not None
    }


def check_annotation_key_syntax(
    service: ServiceConfig, _cluster: ClusterFacts | None, prefix: str
) -> Iterator[Diagnostic]:
    for key in service.annotations:
        finding = _key_finding(service, prefix, key)
        if finding is not None:
            yield finding
    yield from _size_findings(service, prefix)


def _where(prefix: str, key: str) -> str:
    return path(prefix, f"annotations[{json.dumps(key, ensure_ascii=True)}]")


def _key_finding(service: ServiceConfig, prefix: str, key: str) -> Diagnostic | None:
    meant = near_miss(key)
    hint = f" Did you mean {meant!r}?" if meant else ""
    problem = qualified_name_problem(key)
    where = _where(prefix, key)
    if problem is not None:
        return rule("PT450").finding(
            service.name,
            where,
            f"annotation key {shown(key)} {problem}: the API server rejects the Service.{hint}",
            f"Use the key {meant!r}."
            if meant
            else "Correct the key to a qualified name, e.g. example.com/my-key.",
        )
    if meant is None:
        return None
    if owned_near_miss(key) is not None:
        return None  # PT403, as for the key it resembles: elb_source.py
    if key.lower().startswith(("kubernetes.io/elb", "kubernetes.io/hws")):
        return None  # PT405 names the documented key nearest to any other key of CCE's prefixes
    return rule("PT452").finding(
        service.name,
        where,
        f"{shown(key)} is not {meant}: CCE reads annotation keys exactly as documented and ignores this one, "
        f"and the checks of {meant} never see it.",
        f"Rename the key to {meant}.",
    )


def _size_findings(service: ServiceConfig, prefix: str) -> Iterator[Diagnostic]:
    sent = ann.static_annotations(service)
    size = total_size(sent)
    if size > TOTAL_SIZE_LIMIT:
        yield rule("PT451").finding(
            service.name,
            path(prefix, "annotations"),
            f"the Service's annotations take {size:,} bytes; the API server accepts at most "
            f"{TOTAL_SIZE_LIMIT:,} (256 KiB) for keys and values together.",
            "Shorten or remove annotations; large data does not belong in annotations.",
        )
