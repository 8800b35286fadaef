"""The annotations the component sends, read back by the policy pack's manifest reader: the same
annotations, the same ELB class, the same annotation findings. Whatever a stack says, the pack judges the
Service the program would create as the program judged the stack."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cce_passthrough.core import annotations as ann
from cce_passthrough.core.model import ClusterFacts, ServiceConfig
from cce_passthrough.core.versions import CceVersion
from cce_passthrough.rules.checks.annotation_conflicts import check_annotation_conflicts
from cce_passthrough.rules.checks.annotation_keys import check_annotation_keys
from cce_passthrough.rules.checks.annotation_no_effect import check_annotations_without_effect
from cce_passthrough.rules.checks.annotation_table import ANNOTATION_SPECS
from cce_passthrough.rules.config import parse_service
from cce_passthrough.rules.manifest_reader import service_from_manifest

ELB_ID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
CLUSTERS = [
    ClusterFacts("c", CceVersion.parse("v1.31.1-r0"), flavor, "iptables", None)
    for flavor in ("standard", "turbo")
]

names = st.from_regex(r"[a-z][a-z0-9-]{0,10}[a-z0-9]", fullmatch=True)
autocreate = st.fixed_dictionaries(
    {"type": st.sampled_from(["inner", "public"])},
    optional={
        "name": names,
        "bandwidth_name": names,
        "bandwidth_chargemode": st.sampled_from(["bandwidth", "traffic"]),
        "bandwidth_size": st.integers(1, 2000),
        "bandwidth_sharetype": st.just("PER"),
        "eip_type": st.just("5_bgp"),
        "available_zone": st.lists(st.sampled_from(["cn-north-4a", "cn-north-4b"]), min_size=1, max_size=2),
        "l4_flavor_name": st.just("L4_flavor.elb.s1.small"),
    },
)
elb = st.fixed_dictionaries(
    {"class": st.sampled_from(["shared", "dedicated", "union", "performance"])}
).flatmap(
    lambda base: st.one_of(
        autocreate.map(lambda auto: {**base, "autocreate": auto}),
        # The annotation's own text, as `adopt` writes it for an existing Service: any spacing and order.
        st.tuples(autocreate, st.sampled_from([(",", ":"), (", ", ": ")])).map(
            lambda pair: {**base, "autocreateJson": json.dumps(pair[0], separators=pair[1], sort_keys=True)}
        ),
        st.just({**base, "existing": {"id": ELB_ID}}),
    )
)
user_annotations = st.dictionaries(
    st.sampled_from([spec.key for spec in ANNOTATION_SPECS]),
    st.one_of(
        st.sampled_from(["true", "false", "on", "off", "SOURCE_IP", "60", "http:80", "https:443", "g1,g2"]),
        st.text(alphabet="abc:,=0123456789", max_size=12),
    ),
    max_size=4,
)
ports = st.lists(
    st.fixed_dictionaries({"port": st.integers(1, 65535), "protocol": st.sampled_from(["TCP", "UDP"])}),
    min_size=1,
    max_size=3,
    unique_by=lambda port: (port["port"], port["protocol"]),
).map(lambda found: [{**port, "name": f"p{index}"} for index, port in enumerate(found)])
stack_services = st.fixed_dictionaries(
    {
        "name": names,
        "image": st.just("nginx:1.27"),
        "ports": ports,
        "elb": elb,
        "externalTrafficPolicy": st.sampled_from(["Cluster", "Local"]),
        "passThrough": st.booleans(),
        "hostNetwork": st.booleans(),
        "annotations": user_annotations,
    }
)


def _sent(service: ServiceConfig) -> dict[str, Any]:
    """The Service the component declares, as a policy sees its planned inputs."""
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {
            "name": service.name,
            "namespace": service.namespace,
            "annotations": ann.static_annotations(service),
        },
        "spec": {
            "type": "LoadBalancer",
            "externalTrafficPolicy": service.external_traffic_policy,
            "ports": [
                {"name": p.name, "port": p.port, "targetPort": p.port, "protocol": p.protocol}
                for p in service.ports
            ],
        },
    }


def _annotation_findings(service: ServiceConfig, cluster: ClusterFacts) -> list[tuple[str, str]]:
    checks = (check_annotation_keys, check_annotation_conflicts, check_annotations_without_effect)
    return sorted((f.code, f.field) for check in checks for f in check(service, cluster, ""))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stack_services)
def test_the_annotations_read_back_are_the_annotations_sent(raw: dict[str, Any]) -> None:
    service, _ = parse_service(raw, "")
    assert service is not None
    back, findings = service_from_manifest(_sent(service))
    assert findings == [] and back is not None
    assert ann.static_annotations(back) == ann.static_annotations(service)
    assert back.elb.annotation_class == service.elb.annotation_class
    assert ann.pass_through_value(back) == ann.pass_through_value(service)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stack_services, st.sampled_from(CLUSTERS))
def test_the_policy_pack_finds_in_the_annotations_sent_what_the_program_found_in_the_stack(
    raw: dict[str, Any], cluster: ClusterFacts
) -> None:
    service, _ = parse_service(raw, "")
    assert service is not None
    back, _ = service_from_manifest(_sent(service))
    assert back is not None
    # A Service carries no pods: kubernetes.io/hws-hostNetwork is all the pack knows of them, so the
    # disagreement between the two (PT441) can only be seen in the stack.
    in_stack = [f for f in _annotation_findings(service, cluster) if f[0] != "PT441"]
    assert _annotation_findings(back, cluster) == in_stack
