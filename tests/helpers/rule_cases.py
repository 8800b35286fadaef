"""Pure evaluation for rule tests: stack config in, every finding out, no Pulumi engine."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from cce_passthrough.core.diagnostics import Diagnostic
from cce_passthrough.rules import evaluate as evaluation
from cce_passthrough.rules.catalogue import CATALOGUE
from cce_passthrough.rules.config import parse_stack

# The newest gates in the catalogue are met by this version, so only the rule under test fires.
CLUSTER: dict[str, Any] = {
    "name": "t-cce",
    "version": "v1.31.1-r0",
    "flavor": "standard",
    "kubeProxyMode": "iptables",
}
DEDICATED_AUTOCREATE: dict[str, Any] = {
    "type": "inner",
    "available_zone": ["cn-north-4a"],
    "l4_flavor_name": "L4_flavor.elb.s1.small",
}
ELB_ID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"


def evaluate(cluster: Mapping[str, Any] | None, services: Any) -> list[Diagnostic]:
    """The findings of the one evaluation the program runs, for a stack without lookups."""
    stack = parse_stack(copy.deepcopy(cluster), copy.deepcopy(services))
    return evaluation.evaluate(stack).findings


def dedicated(**autocreate: Any) -> dict[str, Any]:
    return {"class": "dedicated", "autocreate": {**DEDICATED_AUTOCREATE, **autocreate}}


def codes(findings: list[Diagnostic]) -> set[str]:
    return {f.code for f in findings}


def by_code(findings: list[Diagnostic], code: str) -> list[Diagnostic]:
    return [f for f in findings if f.code == code]


def documented(code: str, name: str) -> str:
    """A test id that quotes the documented behaviour: the rule's code and catalogue summary, then the case."""
    return f"{code} {CATALOGUE[code].summary} | {name}"
