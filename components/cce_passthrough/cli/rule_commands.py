"""`cce-passthrough rules` and `explain CODE`: the rule catalogue for a reader."""

from __future__ import annotations

import json
import sys

from ..rules.catalogue import CATALOGUE
from .exits import EXIT_OK, EXIT_UNUSABLE


def run_rules(as_json: bool = False, markdown: bool = False) -> int:
    active = [rule for rule in CATALOGUE.values() if not rule.retired]
    if markdown:
        from .rulesdoc import rules_markdown  # the annotation tables load the typed model

        print(rules_markdown(), end="")
    elif as_json:
        fields = ("code", "summary", "rationale", "fix", "source")
        payload = [
            {
                "severity": r.severity.value,
                **{f: getattr(r, f) for f in fields},
                "sources": [{"title": s.title, "url": s.url} for s in r.sources],
            }
            for r in active
        ]
        print(json.dumps(payload, indent=2))
    else:
        for rule in active:
            print(f"{rule.code}  {rule.severity.value:<7}  {rule.summary}")
    return EXIT_OK


def run_explain(code: str) -> int:
    rule = CATALOGUE.get(code.upper())
    if rule is None:
        print(
            f"cce-passthrough: error: no rule {code!r}; `cce-passthrough rules` lists them", file=sys.stderr
        )
        return EXIT_UNUSABLE
    state = "retired, never raised" if rule.retired else rule.severity.value
    print(f"{rule.code} ({state}): {rule.summary}\n")
    print(f"Why: {rule.rationale}\n")
    print(f"Fix: {rule.fix}\n")
    print("Sources:")
    for source in rule.sources:
        print(f"  - {source}")
    return EXIT_OK
