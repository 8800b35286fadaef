"""Findings: what every check, the component, the CLI and the policy pack speak."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    def __str__(self) -> str:
        return self.value


MAX_FIELD = 300
MAX_TEXT = 2000


def cut(text: str, most: int) -> str:
    """`text`, or its start and end around a note of how much was left out."""
    if len(text) <= most:
        return text
    keep = (most - 40) // 2
    return f"{text[:keep]}… ({len(text) - 2 * keep:,} characters cut) …{text[-keep:]}"


LISTED = 5


def listing(names: Iterable[str], most: int = LISTED) -> str:
    """`shop, cart and 97 more`: a list quoted into a message stays short however long it is (the whole
    list travels in the finding's `related`, which `--json` prints)."""
    items = list(names)
    if len(items) <= most:
        return ", ".join(items)
    return f"{', '.join(items[:most])} and {len(items) - most} more"


def shown(value: object, most: int = 80) -> str:
    """A value quoted into a message: its repr (control characters escaped), cut to `most` characters."""
    return cut(repr(value), most)


@dataclass(frozen=True)
class Diagnostic:
    """One finding. `field` is the config path (`services[1].elb.autocreate.bandwidth_size`)."""

    code: str
    severity: Severity
    resource: str | None
    field: str
    message: str
    fix: str
    related: tuple[str, ...] = ()
    """The whole list a message names in short (the services on one ELB), for machines."""

    def __post_init__(self) -> None:
        # A finding quotes what it is about; however long that was, the finding stays readable.
        for name, most in (("field", MAX_FIELD), ("message", MAX_TEXT), ("fix", MAX_TEXT)):
            object.__setattr__(self, name, cut(getattr(self, name), most))

    def to_dict(self) -> dict[str, str | list[str] | None]:
        data: dict[str, str | list[str] | None] = asdict(self)
        data["severity"] = self.severity.value
        if self.related:
            data["related"] = list(self.related)
        else:
            del data["related"]
        return data

    def render(self) -> str:
        """One line per finding, code first (grep-able), then where, what and how to fix it."""
        where = f"{self.resource}: " if self.resource else ""
        return f"{self.code} {self.severity.value}: {where}{self.field}: {self.message} Fix: {self.fix}"


def errors(findings: Iterable[Diagnostic]) -> list[Diagnostic]:
    return [d for d in findings if d.severity is Severity.ERROR]


def warnings_and_infos(findings: Iterable[Diagnostic]) -> list[Diagnostic]:
    return [d for d in findings if d.severity is not Severity.ERROR]


def sort_key(d: Diagnostic) -> tuple[str, str, str, str]:
    return (d.resource or "", d.field, d.code, d.message)
