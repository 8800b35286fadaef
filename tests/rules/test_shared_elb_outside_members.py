"""The same-ELB rules (PT302 under IPVS, PT303 listener ports) over the stack's services plus what the
cluster already has on that ELB: another team's Service, or a listener made in the console. The live
doctor feeds these members in; here they are given directly, to pin the rule itself."""

from __future__ import annotations

from typing import Any

from cce_passthrough.rules.checks.stack import ElbMember, check_shared_elb
from cce_passthrough.rules.config import parse_stack
from cce_passthrough.rules.facts import declared_facts
from helpers import service
from helpers.rule_cases import CLUSTER, ELB_ID, by_code

KEY = f"elb {ELB_ID}"


def _stack(cluster: dict[str, Any], **overrides: Any) -> tuple[Any, list[ElbMember], dict[str, str]]:
    parsed = parse_stack(
        dict(cluster), [service("web", elb={"class": "shared", "existing": {"id": ELB_ID}}, **overrides)]
    )
    facts, found = declared_facts(parsed.cluster)
    assert facts is not None, found
    return facts, [ElbMember.of(s) for s in parsed.services], parsed.paths


def test_ipvs_another_teams_service_without_pass_through_on_the_same_elb_is_pt302() -> None:
    facts, ours, paths = _stack({**CLUSTER, "kubeProxyMode": "ipvs"}, ports=[{"name": "p", "port": 81}])
    theirs = ElbMember("Service team-b/api", False, ((80, "TCP"),))
    found = check_shared_elb(KEY, [theirs, *ours], facts, paths)
    [finding] = by_code(found, "PT302")
    assert finding.resource == "web"
    assert "on: web" in finding.message and "off: Service team-b/api" in finding.message
    assert not by_code(found, "PT303")


def test_iptables_the_same_pair_passes() -> None:
    facts, ours, paths = _stack(CLUSTER, ports=[{"name": "p", "port": 81}])
    theirs = ElbMember("Service team-b/api", False, ((80, "TCP"),))
    assert check_shared_elb(KEY, [theirs, *ours], facts, paths) == []


def test_a_console_listener_on_our_port_is_pt303_naming_the_listener() -> None:
    facts, ours, paths = _stack(CLUSTER)
    console = ElbMember("listener web-80 (no Kubernetes object)", None, ((80, "HTTP"),))
    [finding] = check_shared_elb(KEY, [console, *ours], facts, paths)
    assert finding.code == "PT303" and finding.resource == "web"
    assert "already a listener of listener web-80 (no Kubernetes object)" in finding.message
    assert finding.field.endswith("ports[0].port")


def test_udp_may_reuse_the_port_of_a_tcp_listener() -> None:
    facts, ours, paths = _stack(CLUSTER, ports=[{"name": "p", "port": 80, "protocol": "UDP"}])
    console = ElbMember("listener l-1 (no Kubernetes object)", None, ((80, "TCP"),))
    assert check_shared_elb(KEY, [console, *ours], facts, paths) == []
