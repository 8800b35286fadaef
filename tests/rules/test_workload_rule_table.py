"""Label syntax of the workload's label maps (PT401): for each map, a stack that breaks it and a close
neighbour that must not. Evaluated purely: parse_stack + check_stack, no Pulumi engine."""

from __future__ import annotations

from typing import Any

import pytest

from helpers import service
from helpers.rule_cases import by_code, codes, evaluate
from rules.test_service_rule_table import Services, case

CASES = [
    case(
        "label-value-with-a-space",
        "PT401",
        'services[0].labels["app"]',
        service(labels={"app": "my web"}),
        service(labels={"app": "my-web"}),
    ),
    case(
        "label-key-prefix-not-a-dns-subdomain",
        "PT401",
        'services[0].serviceLabels["Example.com/app"]',
        service(serviceLabels={"Example.com/app": "web"}),
        service(serviceLabels={"example.com/app": "web"}),
    ),
    case(
        "label-name-starting-with-a-dash",
        "PT401",
        'services[0].deploymentLabels["-tier"]',
        service(deploymentLabels={"-tier": "web"}),
        service(deploymentLabels={"tier": ""}),
    ),
]


@pytest.mark.parametrize(("code", "field", "trigger", "neighbour"), CASES)
def test_each_documented_workload_rule_fires_where_kubernetes_refuses_and_not_next_to_it(
    code: str, field: str, trigger: tuple[Any, Services], neighbour: tuple[Any, Services]
) -> None:
    """The rule in the test id fires on the configuration the CCE documentation refuses (the trigger) and not
    on the closest one it allows (the neighbour)."""
    found = by_code(evaluate(*trigger), code)
    assert [f.field for f in found] == [field], [f.render() for f in evaluate(*trigger)]
    for finding in found:
        assert finding.resource == "web" and finding.message and finding.fix
    assert code not in codes(evaluate(*neighbour)), [f.render() for f in evaluate(*neighbour)]
