"""The rule catalogue, as data: every diagnostic code with its severity, summary, rationale, fix and
source, one module per family. Codes are stable; a retired code stays here with `retired=True` and is never reused.

Every rule names its sources: public pages (title and full URL, see `sources.py`) that a reader can
open, or for rules about this project's own configuration, the README of this repository.

Numbering: PT1xx cluster support and version gates, PT2xx the ELB source and its autocreate/managed
settings, PT3xx rules across the services of a stack, PT4xx the Service spec and its annotations, PT9xx
configuration shape and cluster lookup. A new rule takes the next free number of its family.
"""

from __future__ import annotations

from . import cluster, config, elb, live_access, live_doctor, service, stack
from .rule import Rule

FAMILIES = (cluster, elb, stack, service, live_doctor, live_access, config)
CATALOGUE: dict[str, Rule] = {
    rule.code: rule for rule in sorted((r for family in FAMILIES for r in family.RULES), key=lambda r: r.code)
}


def rule(code: str) -> Rule:
    return CATALOGUE[code]


__all__ = ["CATALOGUE", "Rule", "rule"]
