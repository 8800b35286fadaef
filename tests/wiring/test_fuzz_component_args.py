"""Property-based fuzzing of `PassThroughService` used as a library (issue 11): generated args.

Each example is a consumer program's call `PassThroughService(name, args=...)`: valid typed args
(snake_case, every ELB source, both flavors, optional keys), then mutated (keys dropped, misspelt or
added; values of the wrong type, out of range, huge, unicode, control characters; values only Python
has: tuples, sets, bytes, objects, Outputs known, unknown or secret), run under the SDK's mocks
(`pulumi.runtime.set_mocks`, through the offline engine) in preview or update mode.

Always: a clean registration (the Deployment and the Service under the component) or a
ConstraintViolation whose findings are each a code of the catalogue with field and fix, and then no
child at all; never another exception; no part of a secret (an Output.secret among the args) in a
finding, an input or an output. Examples: ``CCE_PASSTHROUGH_FUZZ_EXAMPLES`` (tests/helpers/fuzzing.py).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pulumi
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cce_passthrough.offline.engine import OfflineMocks, run_program
from cce_passthrough.offline.plan import PlanResult
from helpers import FixtureInvokes
from helpers.fuzzing import (
    PUBLIC_AUTOCREATE,
    assert_coded,
    assert_no_secret,
    fuzz_settings,
    hostile_scalars,
    measured,
    mutate,
)

# The program reads the args of the example from this module, so that they stay Python objects.
CURRENT: dict[str, Any] = {}
PROGRAM = f"""
import sys

from cce_passthrough import PassThroughService

example = sys.modules[{__name__!r}].CURRENT
PassThroughService(example["name"], args=example["build"]())
"""
COMPONENT = "cce-passthrough:index:PassThroughService"
# Handed to the component only inside Output.secret (the plain canaries of tests/helpers/fuzzing.py are
# plain values here): no part of it may reach a finding, an input or an output.
SECRET_ID = "SecretElbIdCanary4f9a2c7eQ"

uuids = st.uuids().map(str)
dns_labels = st.from_regex(r"[a-z]([a-z0-9-]{0,14}[a-z0-9])?", fullmatch=True)
clusters = st.fixed_dictionaries(
    {
        "kube_proxy_mode": st.sampled_from(["iptables", "ipvs"]),
        "version": st.sampled_from(["v1.19", "v1.23", "v1.25", "v1.28", "v1.29.1-r0", "v1.31"]),
        "flavor": st.sampled_from(["standard", "turbo"]),
    },
    optional={
        "name": st.sampled_from(["lookup-cce", "turbo-cce", "gone-cce"]),
        "lookup": st.booleans(),
        "vpc_id": uuids,
    },
)
elbs = st.one_of(
    st.builds(lambda n: {"class": "shared", "autocreate": {"type": "inner", "name": n}}, dns_labels),
    st.just({"class": "shared", "autocreate": PUBLIC_AUTOCREATE}),
    st.just(
        {
            "class": "dedicated",
            "autocreate": {
                "type": "inner",
                "available_zone": ["cn-north-4a"],
                "l4_flavor_name": "L4_flavor.elb.s1.small",
            },
        }
    ),
    st.just({"class": "shared", "autocreate_json": json.dumps({"type": "inner", "name": "j"})}),
    st.builds(
        lambda c, i: {"class": c, "existing": {"id": i}}, st.sampled_from(["shared", "dedicated"]), uuids
    ),
    st.builds(
        lambda s, size: {
            "class": "shared",
            "managed": {"subnet_id": s, "eip": {"bandwidth": {"size": size}}},
        },
        uuids,
        st.integers(1, 300),
    ),
    st.builds(lambda i: {"class": "shared", "share_with": {"service": "owner", "elb_id": i}}, uuids),
)
ports = st.fixed_dictionaries(
    {"port": st.integers(1, 65535), "name": dns_labels},
    optional={
        "target_port": st.integers(1, 65535),
        "protocol": st.sampled_from(["TCP", "UDP"]),
        "node_port": st.integers(30000, 32767),
    },
)
args = st.fixed_dictionaries(
    {
        "cluster": clusters,
        "image": st.sampled_from(["nginx:1.27", "nginx"]),
        "ports": st.lists(ports, min_size=1, max_size=3),
        "elb": elbs,
    },
    optional={
        "namespace": dns_labels,
        "replicas": st.integers(0, 10),
        "external_traffic_policy": st.sampled_from(["Cluster", "Local"]),
        "pass_through": st.booleans(),
        "host_network": st.booleans(),
        "annotations": st.dictionaries(
            st.sampled_from(
                ["kubernetes.io/elb.lb-algorithm", "kubernetes.io/elb.autocreate ", "example.com/o"]
            ),
            st.sampled_from(["ROUND_ROBIN", "on", ""]),
        ),
        "labels": st.dictionaries(dns_labels, dns_labels, max_size=2),
        "container_name": dns_labels,
        "container_ports": st.booleans(),
        "image_pull_secrets": st.lists(dns_labels, max_size=2),
        "resources": st.just({"requests": {"cpu": "100m"}, "limits": {"memory": "1Gi"}}),
    },
)


class Opaque:
    """An object of the caller's own class, where a plain value belongs."""

    def __repr__(self) -> str:
        return "Opaque()"


# Markers for values that must be built inside the program's runtime (an Output belongs to one).
OUTPUT, SECRET, UNKNOWN = "output", "secret", "unknown"
python_values = st.one_of(
    st.tuples(st.integers(1, 65535)),
    st.frozensets(st.text(max_size=4), max_size=2),
    st.binary(max_size=8),
    st.builds(Opaque),
    st.decimals(allow_nan=True),
    st.complex_numbers(max_magnitude=10),
    st.tuples(st.just(SECRET), st.just(SECRET_ID)),
    st.tuples(st.sampled_from([OUTPUT, UNKNOWN]), st.one_of(uuids, hostile_scalars)),
)
values = st.one_of(hostile_scalars, python_values)
component_names = st.one_of(
    st.sampled_from(["web", "owner", "api"]), dns_labels, st.text(max_size=20), st.just("x" * 300)
)


def built(value: Any) -> Any:
    """The value with each marker turned into an Output of this runtime."""
    if isinstance(value, tuple) and len(value) == 2 and value[0] in (OUTPUT, SECRET, UNKNOWN):
        kind, inner = value
        if kind == SECRET:
            return pulumi.Output.secret(inner)
        if kind == UNKNOWN:
            return pulumi.Output(set(), _future(inner), _future(False))
        return pulumi.Output.from_input(inner)
    if isinstance(value, dict):
        return {key: built(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [built(inner) for inner in value]
    return value


def _future(value: Any) -> Any:
    import asyncio

    future: asyncio.Future[Any] = asyncio.get_event_loop().create_future()
    future.set_result(value)
    return future


@st.composite
def calls(draw: st.DrawFn) -> tuple[str, dict[str, Any], bool]:
    # The strategies share their constant dicts between examples: the mutations work on a copy.
    document = copy.deepcopy({"args": draw(args)})
    if draw(st.integers(0, 3)) == 0:
        # an existing ELB or a shared one known only from another stack: an Output, maybe a secret one
        uuid = draw(uuids)
        known = draw(st.sampled_from([(OUTPUT, uuid), (UNKNOWN, uuid), (SECRET, uuid), (SECRET, SECRET_ID)]))
        source = (
            {"existing": {"id": known}}
            if draw(st.booleans())
            else {"share_with": {"service": "o", "elb_id": known}}
        )
        document["args"]["elb"] = {"class": "shared", **source}
    mutate(draw(st.data()), document, values=values)
    raw_args = document.get("args")
    return draw(component_names), raw_args if isinstance(raw_args, dict) else {}, draw(st.booleans())


def run_component(main: Path, name: str, raw_args: dict[str, Any], preview: bool) -> PlanResult:
    CURRENT.update(name=name, build=lambda: built(raw_args))
    try:
        return run_program(
            main, "consumer", "dev", {}, [], OfflineMocks(FixtureInvokes(), preview=preview), preview
        )
    finally:
        CURRENT.clear()


def assert_clean_registration(result: PlanResult, name: str) -> None:
    assert_coded([d.to_dict() for d in result.diagnostics])
    # A RunError other than ConstraintViolation would reach the engine's catch-all, field `config`.
    assert not [d for d in result.diagnostics if d.field == "config"], result.diagnostics
    children = [r for r in result.resources if r.custom]
    if result.ok:
        types = {r.type for r in children}
        assert {"kubernetes:apps/v1:Deployment", "kubernetes:core/v1:Service"} <= types, types
        # one component (its name may show masked: the engine masks every string of a secret object)
        assert len(result.by_type(COMPONENT)) == 1
    else:
        assert not children, "a ConstraintViolation comes before any child"
    seen = [[d.to_dict() for d in result.diagnostics], [r.inputs for r in result.resources], result.outputs]
    assert_no_secret(json.dumps(seen, default=repr, ensure_ascii=False), (SECRET_ID,))


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    main = tmp_path_factory.mktemp("consumer") / "__main__.py"
    main.write_text(PROGRAM)
    return main


@fuzz_settings(100)
@given(calls())
@measured
def test_any_args_register_cleanly_or_raise_coded_findings(
    program: Path, call: tuple[str, dict[str, Any], bool]
) -> None:
    name, raw_args, preview = call
    assert_clean_registration(run_component(program, name, raw_args, preview), name)


def test_the_generated_args_include_registrations_and_violations(program: Path) -> None:
    """The fuzzing reaches both outcomes: a strategy that only ever produced errors would prove nothing."""
    seen: set[bool] = set()

    @fuzz_settings(40)
    @given(calls())
    def collect(call: tuple[str, dict[str, Any], bool]) -> None:
        seen.add(run_component(program, *call).ok)

    collect()
    assert seen == {True, False}
