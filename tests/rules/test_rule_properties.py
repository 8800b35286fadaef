"""Property tests: over generated stack configs, valid-ish and garbage, evaluation never raises and every
finding is complete."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cce_passthrough.core.diagnostics import Severity
from cce_passthrough.rules.checks.annotation_table import ANNOTATION_SPECS
from helpers.rule_cases import evaluate

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**31), max_value=2**31),
    st.floats(allow_nan=True),
    st.text(max_size=12),
)
garbage = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
versions = st.one_of(
    st.sampled_from(["v1.15", "v1.17", "v1.19.16-r4", "v1.21", "v1.23", "v1.25.8-r0", "v1.28", "v1.31.1-r0"]),
    st.from_regex(r"v1\.[0-9]{1,2}(\.[0-9]{1,2}-r[0-9]{1,2})?", fullmatch=True),
    st.text(max_size=8),
)
clusters = st.fixed_dictionaries(
    {},
    optional={
        "name": st.text(max_size=8),
        "lookup": st.just(False),
        "version": versions,
        "flavor": st.sampled_from(["standard", "turbo", "fast"]),
        "kubeProxyMode": st.sampled_from(["iptables", "ipvs", "nftables"]),
        "vpcId": st.sampled_from(["vpc-a", "vpc-b"]),
    },
)
# Values that hit the annotation parsers' edges: JSON of any shape, numbers, lists, empty strings.
annotation_values = st.one_of(
    st.sampled_from(
        [
            "",
            "on",
            "off",
            "true",
            "SOURCE_IP",
            "0",
            "10",
            "4001",
            "a=b,c",
            "http:80,https:443",
            "udp:53",
            "{}",
            "[]",
            "null",
            '{"persistence_timeout": "5"}',
            '[{"target_service_port": "TCP:80", "protocol": "UDP", "path": "/"}]',
            '[{"target_service_port": 80}, 5, "x"]',
            '{"delay": 5, "protocol": ["TCP"]}',
            "a,b,c,d,e,f",
        ]
    ),
    st.text(max_size=20),
)
annotation_keys = st.one_of(
    st.sampled_from([spec.key for spec in ANNOTATION_SPECS]),
    st.sampled_from(
        ["kubernetes.io/elb.class", "kubernetes.io/elb.pass-through", "kubernetes.io/elb.lb-algo"]
    ),
    st.text(max_size=20),
)
ports = st.lists(
    st.fixed_dictionaries(
        {"port": st.integers(min_value=-5, max_value=70000)},
        optional={
            "name": st.sampled_from(["http", "dns", "Bad_Name", "http"]),
            "protocol": st.sampled_from(["TCP", "UDP", "SCTP", "HTTP"]),
            "nodePort": st.integers(min_value=0, max_value=40000),
            "targetPort": st.one_of(st.integers(min_value=0, max_value=70000), st.text(max_size=16)),
        },
    ),
    max_size=3,
)
autocreates = st.dictionaries(
    st.sampled_from(
        [
            "type",
            "name",
            "bandwidth_size",
            "bandwidth_name",
            "available_zone",
            "l4_flavor_name",
            "vip_address",
            "bogus",
        ]
    ),
    st.one_of(
        st.sampled_from(["public", "inner", "x y", "10.0.0.1", "fd00::1"]),
        st.integers(-1, 3000),
        st.lists(st.text(max_size=4), max_size=2),
    ),
    max_size=5,
)
elbs = st.fixed_dictionaries(
    {},
    optional={
        "class": st.sampled_from(["shared", "dedicated", "union", "performance", "classic"]),
        "autocreate": autocreates,
        "existing": st.fixed_dictionaries(
            {"id": st.sampled_from(["0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "x"])}
        ),
        "shareWith": st.sampled_from(["web", "api", "nobody"]),
        "managed": st.fixed_dictionaries(
            {"subnetId": st.just("s")}, optional={"vpcId": st.sampled_from(["vpc-a", "vpc-b"])}
        ),
    },
)
services = st.fixed_dictionaries(
    {
        "name": st.sampled_from(["web", "api", "Bad_Name", ""]),
        "image": st.just("nginx"),
        "ports": ports,
        "elb": elbs,
    },
    optional={
        "passThrough": st.booleans(),
        "externalTrafficPolicy": st.sampled_from(["Cluster", "Local", "Nowhere"]),
        "hostNetwork": st.booleans(),
        "replicas": st.one_of(st.integers(-2, 5), st.floats(allow_nan=False, allow_infinity=False)),
        "annotations": st.dictionaries(annotation_keys, annotation_values, max_size=5),
        "replica": st.just(1),
    },
)
stacks = st.tuples(
    st.one_of(clusters, garbage),
    st.one_of(
        st.lists(st.one_of(services, garbage.filter(lambda v: not isinstance(v, list))), max_size=3), garbage
    ),
)


def _complete(findings: list[Any]) -> None:
    for finding in findings:
        assert finding.code.startswith("PT")
        assert isinstance(finding.severity, Severity)
        assert finding.resource is None or isinstance(finding.resource, str)
        assert finding.field and finding.message and finding.fix, finding


@SETTINGS
@given(stacks)
def test_evaluation_never_raises_and_every_finding_is_complete(stack: tuple[Any, Any]) -> None:
    _complete(evaluate(*stack))


@SETTINGS
@given(clusters, st.lists(services, min_size=1, max_size=3))
def test_every_finding_of_a_plausible_stack_is_complete_and_sorted_stably(
    cluster: Any, services_: Any
) -> None:
    findings = evaluate(cluster, services_)
    _complete(findings)
    assert findings == evaluate(cluster, services_), "evaluation is deterministic"


@SETTINGS
@given(st.dictionaries(annotation_keys, annotation_values, min_size=1, max_size=6))
def test_any_annotation_map_is_evaluated_without_raising(annotations: dict[str, str]) -> None:
    cluster = {"version": "v1.28.3-r0", "flavor": "standard", "kubeProxyMode": "ipvs"}
    service = {
        "name": "web",
        "image": "x",
        "ports": [{"name": "p", "port": 80}],
        "elb": {"class": "shared", "autocreate": {}},
    }
    _complete(evaluate(cluster, [{**service, "annotations": annotations}]))
