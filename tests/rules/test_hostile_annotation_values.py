"""Odd but possible annotation values: each is a coded finding (or none), never an exception."""

import json

import pytest

from cce_passthrough.core.annotations import PREFIX
from helpers import service
from helpers.rule_cases import CLUSTER, evaluate


def findings_for(annotations: dict[str, str]) -> list[tuple[str, str]]:
    return [(f.code, f.field) for f in evaluate(CLUSTER, [service(annotations=annotations)])]


def test_an_empty_acl_id_allows_all_and_needs_no_status_or_type() -> None:
    assert findings_for({f"{PREFIX}acl-id": ""}) == []
    assert ("PT402", f'services[0].annotations["{PREFIX}acl-id"]') in findings_for({f"{PREFIX}acl-id": "g1"})


@pytest.mark.parametrize("port", [["TCP:80"], {"p": 80}, 80])
def test_a_target_service_port_that_is_not_a_string_is_pt404(port: object) -> None:
    value = json.dumps([{"target_service_port": port}])
    found = findings_for({f"{PREFIX}health-check-flag": "on", f"{PREFIX}health-check-options": value})
    assert (
        "PT404",
        f'services[0].annotations["{PREFIX}health-check-options"][0].target_service_port',
    ) in found


@pytest.mark.parametrize("value", ["²", "٣٠", "3 0"])
def test_digits_other_than_ascii_are_not_numbers(value: str) -> None:
    assert {code for code, _ in findings_for({f"{PREFIX}keepalive_timeout": value})} == {"PT404"}
    assert {code for code, _ in findings_for({f"{PREFIX}client_timeout": value})} >= {"PT404"}


@pytest.mark.parametrize("key", ["health-check-option", "session-affinity-option"])
def test_absurdly_nested_json_is_invalid_json(key: str) -> None:
    found = findings_for({f"{PREFIX}{key}": "[" * 100_000, f"{PREFIX}session-affinity-mode": "SOURCE_IP"})
    assert ("PT404", f'services[0].annotations["{PREFIX}{key}"]') in found
