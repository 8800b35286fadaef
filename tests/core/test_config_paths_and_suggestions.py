"""How every finding names its field, and the did-you-mean every unknown key gets."""

from __future__ import annotations

import pytest

from cce_passthrough.core.paths import from_location, join
from cce_passthrough.core.spelling import did_you_mean


@pytest.mark.parametrize(
    ("prefix", "tail", "path"),
    [
        ("services[1]", "elb.class", "services[1].elb.class"),
        ("services[1]", "[0]", "services[1][0]"),
        ("", "elb.class", "elb.class"),  # a component's own args have no prefix
    ],
)
def test_a_field_path_is_the_config_path_of_the_field(prefix: str, tail: str, path: str) -> None:
    assert join(prefix, tail) == path


def test_a_pydantic_location_becomes_the_config_path() -> None:
    assert from_location("services[0]", ("ports", 1, "targetPort")) == "services[0].ports[1].targetPort"
    assert from_location("", ("ports", 0)) == "ports[0]"


@pytest.mark.parametrize(
    ("key", "known", "hint"),
    [
        ("kubeproxymode", ["kubeProxyMode", "vpcId"], " Did you mean 'kubeProxyMode'?"),
        (
            "kubernetes.io/elb.lb_algorithm",
            ["kubernetes.io/elb.lb-algorithm"],
            " Did you mean 'kubernetes.io/elb.lb-algorithm'?",
        ),
        ("clustr", ["cluster", "services"], " Did you mean 'cluster'?"),
        ("zzz", ["cluster", "services"], ""),
    ],
)
def test_an_unknown_key_is_answered_with_the_closest_known_one(key: str, known: list[str], hint: str) -> None:
    assert did_you_mean(key, known) == hint
