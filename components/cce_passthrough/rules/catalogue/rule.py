"""One rule of the catalogue: code, severity, summary, rationale, fix, sources."""

from __future__ import annotations

from dataclasses import dataclass

from ...core.diagnostics import Diagnostic, Severity
from ..sources import Source


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    summary: str
    rationale: str
    fix: str
    cites: tuple[Source, ...] | str
    """The sources: titled pages, or a plain string of whitespace-separated URLs."""
    retired: bool = False

    @property
    def sources(self) -> tuple[Source, ...]:
        if isinstance(self.cites, str):
            # `url`, `url url`, `url and url`, `url, url`: each address is its own source.
            addresses = [word.strip(",;") for word in self.cites.split() if word not in ("and", ",", ";")]
            return tuple(Source(address, address) for address in addresses if address)
        return self.cites

    @property
    def source(self) -> str:
        """Every source as `title <url>`, for one-line output."""
        return "; ".join(str(s) for s in self.sources)

    def finding(self, resource: str | None, field: str, message: str, fix: str | None = None) -> Diagnostic:
        """A diagnostic of this rule; `fix` overrides the catalogue's generic fix with a precise one."""
        return Diagnostic(self.code, self.severity, resource, field, message, fix or self.fix)


E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
