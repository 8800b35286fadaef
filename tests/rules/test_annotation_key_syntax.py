"""Annotation keys as the API server and CCE read them (issue 11, item 5): a qualified name, 256 KiB in
all, and no near-miss of a documented key slipping past the rule that owns the real one."""

from __future__ import annotations

import pytest

from cce_passthrough.rules.checks.annotation_key_syntax import near_miss, qualified_name_problem
from helpers import service as svc
from helpers.rule_cases import CLUSTER, evaluate

E = "kubernetes.io/elb."


def findings_for(annotations: dict[str, str]) -> list[tuple[str, str]]:
    return [(f.code, f.field) for f in evaluate(CLUSTER, [svc(annotations=annotations)])]


@pytest.mark.parametrize(
    "key",
    [
        "example.com/my-key",
        "my.key_1",
        "Example.COM/Key",  # the API server lower-cases the key before it checks it
        f"{'a' * 63}",
        f"{('a' * 61 + '.') * 4}a/name",  # a prefix of 253 characters
        "kubernetes.io/elb.lb-algorithm",
    ],
)
def test_a_qualified_name_is_an_annotation_key_the_api_server_accepts(key: str) -> None:
    assert qualified_name_problem(key) is None


@pytest.mark.parametrize(
    ("key", "why"),
    [
        (f"{E}autocreate ", "name that is not"),
        (f" {E}lb-algorithm", "prefix that is not a DNS subdomain"),
        ("a/b/c", "more than one '/'"),
        ("", "empty name"),
        ("/name", "empty prefix"),
        (f"example.com/{'n' * 64}", "name of 64 characters"),
        (f"{('a' * 62 + '.') * 4}ab/x", "prefix of 254 characters"),
        ("example.com/a*b", "name that is not"),
        ("example.com/-name", "name that is not"),
        ("example.com/a\nb", "name that is not"),
        ("example.com/\x1b[31m", "name that is not"),
    ],
)
def test_a_key_that_is_no_qualified_name_is_rejected_by_the_api_server(key: str, why: str) -> None:
    problem = qualified_name_problem(key)
    assert problem is not None and why in problem


def test_a_trailing_space_is_pt450_with_the_key_it_meant_and_nothing_else() -> None:
    found = evaluate(CLUSTER, [svc(annotations={f"{E}autocreate ": "{}"})])
    assert [(f.code, f.field) for f in found] == [
        ("PT450", 'services[0].annotations["kubernetes.io/elb.autocreate "]')
    ]
    assert "Did you mean 'kubernetes.io/elb.autocreate'?" in found[0].message


@pytest.mark.parametrize(
    "key",
    [
        "kubernetes.io/ELB.autocreate",
        "Kubernetes.io/elb.id",
        "kubernetes.io/eb.class",
        "kubernetes.io/elb.clas",
    ],
)
def test_a_near_miss_of_a_key_the_component_owns_is_that_keys_error(key: str) -> None:
    assert findings_for({key: "x"}) == [("PT403", f'services[0].annotations["{key}"]')]


@pytest.mark.parametrize(
    ("key", "meant"),
    [
        ("kubernets.io/elb.lb-algorithm", f"{E}lb-algorithm"),
        ("kubernetes.oi/elb.lb-algorithm", f"{E}lb-algorithm"),
        ("kubernetes.io/eIb.health-check-flag", f"{E}health-check-flag"),
    ],
)
def test_a_near_miss_of_a_documented_key_is_a_warning_naming_it(key: str, meant: str) -> None:
    found = evaluate(CLUSTER, [svc(annotations={key: "ROUND_ROBIN"})])
    assert [f.code for f in found] == ["PT452"]
    assert meant in found[0].message and found[0].fix == f"Rename the key to {meant}."


def test_keys_far_from_every_documented_key_are_left_alone() -> None:
    for key in ("example.com/owner", "prometheus.io/scrape", "kubernetes.io/ingress.class"):
        assert near_miss(key) is None
    assert findings_for({"example.com/owner": "team-a"}) == []


def test_annotations_over_256_kib_in_all_are_an_error() -> None:
    at_limit = 256 * 1024 - len("example.com/big")
    base = evaluate(CLUSTER, [svc(annotations={})])
    assert base == []
    near = findings_for({"example.com/big": "x" * (at_limit - 2000)})
    assert near == []
    over = findings_for({"example.com/big": "x" * at_limit})
    assert over == [("PT451", "services[0].annotations")]


@pytest.mark.parametrize("key", ["kubernetes.io/elb.LB-algorithm", "kubernetes.io/elb.lb-algoritm"])
def test_a_misspelling_under_cces_own_prefix_stays_pt405_with_the_nearest_key(key: str) -> None:
    found = evaluate(CLUSTER, [svc(annotations={key: "ROUND_ROBIN"})])
    assert [f.code for f in found] == ["PT405"]
    assert "Did you mean 'kubernetes.io/elb.lb-algorithm'?" in found[0].message
