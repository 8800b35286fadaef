"""Label syntax of the workload's label maps (PT401): for each map, a stack that breaks it and a close
neighbour that must not. Evaluated purely: parse_stack + check_stack, no Pulumi engine."""

from __future__ import annotations

from typing import Any

import pytest
from rulekit import by_code, codes, evaluate, svc
from test_service_rule_table import Services, case

CASES = [
    case(
        "label-value-with-a-space",
        "PT401",
        'services[0].labels["app"]',
        svc(labels={"app": "my web"}),
        svc(labels={"app": "my-web"}),
    ),
    case(
        "label-key-prefix-not-a-dns-subdomain",
        "PT401",
        'services[0].serviceLabels["Example.com/app"]',
        svc(serviceLabels={"Example.com/app": "web"}),
        svc(serviceLabels={"example.com/app": "web"}),
    ),
    case(
        "label-name-starting-with-a-dash",
        "PT401",
        'services[0].deploymentLabels["-tier"]',
        svc(deploymentLabels={"-tier": "web"}),
        svc(deploymentLabels={"tier": ""}),
    ),
]


@pytest.mark.parametrize(("code", "field", "trigger", "neighbour"), CASES)
def test_rule_fires_on_its_fixture_and_not_on_the_neighbour(
    code: str, field: str, trigger: tuple[Any, Services], neighbour: tuple[Any, Services]
) -> None:
    found = by_code(evaluate(*trigger), code)
    assert [f.field for f in found] == [field], [f.render() for f in evaluate(*trigger)]
    for finding in found:
        assert finding.resource == "web" and finding.message and finding.fix
    assert code not in codes(evaluate(*neighbour)), [f.render() for f in evaluate(*neighbour)]
