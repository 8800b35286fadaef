"""Cluster facts from `huaweicloud.cce.get_cluster` (fixture answers shaped like the provider's)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cce_passthrough.wiring.lookup import GET_CLUSTER
from helpers import FixtureInvokes, run_stack, service, write_stack

MODES = pytest.mark.parametrize("preview", [True, False], ids=["preview", "update"])


@MODES
def test_one_lookup_per_cluster_however_many_services(tmp_path: Path, preview: bool) -> None:
    stack = write_stack(
        tmp_path,
        {"name": "lookup-cce", "lookup": True, "kubeProxyMode": "iptables"},
        [service("a"), service("b"), service("c")],
    )
    result, mocks = run_stack(config_file=stack, preview=preview)
    assert result.ok, [d.render() for d in result.diagnostics]
    calls = [args for token, args in mocks.calls if token == GET_CLUSTER]
    assert calls == [{"name": "lookup-cce"}]


def test_declared_facts_that_contradict_the_lookup_are_pt904(tmp_path: Path) -> None:
    stack = write_stack(
        tmp_path,
        {
            "name": "lookup-cce",
            "lookup": True,
            "kubeProxyMode": "iptables",
            "version": "v1.25",
            "flavor": "turbo",
        },
        [service()],
    )
    result, _ = run_stack(config_file=stack)
    assert not result.ok
    found = {(d.code, d.field) for d in result.diagnostics}
    assert found == {("PT904", "cluster.version"), ("PT904", "cluster.flavor")}
    assert not result.by_type("kubernetes:core/v1:Service"), "nothing is declared when the stack has errors"


def test_a_matching_minor_version_agrees_with_the_patch_release(tmp_path: Path) -> None:
    stack = write_stack(
        tmp_path,
        {"name": "lookup-cce", "lookup": True, "kubeProxyMode": "iptables", "version": "v1.28"},
        [service()],
    )
    result, _ = run_stack(config_file=stack)
    assert result.ok


def test_lookup_failure_is_pt904_with_the_provider_message(tmp_path: Path) -> None:
    stack = write_stack(
        tmp_path, {"name": "missing-cce", "lookup": True, "kubeProxyMode": "ipvs"}, [service()]
    )
    result, _ = run_stack(config_file=stack, invokes=FixtureInvokes())
    [finding] = result.diagnostics
    assert finding.code == "PT904"
    assert "cluster 'missing-cce' not found (HTTP 404)" in finding.message


def test_turbo_is_detected_from_the_eni_network_type(tmp_path: Path) -> None:
    stack = write_stack(
        tmp_path,
        {"name": "turbo-cce", "lookup": True, "kubeProxyMode": "iptables"},
        [service(externalTrafficPolicy="Local")],
    )
    result, _ = run_stack(config_file=stack)
    codes = sorted(d.code for d in result.diagnostics)
    # Local needs hostNetwork on Turbo; a shared ELB with pass-through (onlyLocal) is fine there
    assert codes == ["PT105"]


def test_kube_proxy_mode_must_be_declared_even_with_lookup(tmp_path: Path) -> None:
    stack = write_stack(tmp_path, {"name": "lookup-cce", "lookup": True}, [service()])
    result, _ = run_stack(config_file=stack)
    assert [(d.code, d.field) for d in result.diagnostics] == [("PT903", "cluster.kubeProxyMode")]


SHARED_ELB = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
DEDICATED_ELB_OTHER_VPC = "7c6b5a49-3e2d-4c1b-9a08-f7e6d5c4b3a2"
LOOKUP = {"name": "lookup-cce", "lookup": True, "kubeProxyMode": "iptables"}


def existing(elb_class: str, elb_id: str, name: str = "web"):  # type: ignore[no-untyped-def]
    return service(name, elb={"class": elb_class, "existing": {"id": elb_id}})


@MODES
def test_an_existing_elb_is_looked_up_once_and_used_by_id(tmp_path: Path, preview: bool) -> None:
    result, mocks = run_stack(
        config_file=write_stack(tmp_path, LOOKUP, [existing("shared", SHARED_ELB)]), preview=preview
    )
    assert result.ok, [d.render() for d in result.diagnostics]
    assert [t for t, _ in mocks.calls] == [GET_CLUSTER, "huaweicloud:Elb/getLoadbalancer:getLoadbalancer"]
    annotations = result.resource("web-service").inputs["metadata"]["annotations"]
    assert annotations["kubernetes.io/elb.id"] == SHARED_ELB
    assert not [r for r in result.resources if r.type.startswith("huaweicloud:")], "never created by us"


@pytest.mark.parametrize(
    ("elb_class", "elb_id", "code", "words"),
    [
        ("shared", "9f9f9f9f-0000-4000-8000-000000000000", "PT209", "no shared ELB"),
        ("dedicated", SHARED_ELB, "PT209", "is a shared ELB"),
        ("dedicated", DEDICATED_ELB_OTHER_VPC, "PT210", "is in VPC '11111111-2222-4333-8444-555555555555'"),
    ],
    ids=["not-found", "other-class", "other-vpc"],
)
def test_existing_elb_problems_found_by_the_lookup(
    tmp_path: Path, elb_class: str, elb_id: str, code: str, words: str
) -> None:
    stack = write_stack(tmp_path, LOOKUP, [existing(elb_class, elb_id)])
    result, _ = run_stack(config_file=stack)
    [finding] = [d for d in result.diagnostics if d.code in ("PT209", "PT210")]
    assert finding.code == code and words in finding.message
    assert finding.field == "services[0].elb.existing.id"


def test_without_lookup_an_existing_elb_is_not_read(tmp_path: Path) -> None:
    stack = write_stack(
        tmp_path,
        {**LOOKUP, "lookup": False, "version": "v1.28", "flavor": "standard"},
        [existing("shared", "9f9f9f9f-0000-4000-8000-000000000000")],
    )
    result, mocks = run_stack(config_file=stack)
    assert result.ok and mocks.calls == []
