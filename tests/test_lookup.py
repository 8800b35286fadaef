"""Cluster facts from `huaweicloud.cce.get_cluster` (fixture answers shaped like the provider's)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cce_passthrough.lookup import GET_CLUSTER
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
    # Local needs hostNetwork on Turbo; pass-through (onlyLocal) with a shared ELB is not supported on Turbo
    assert codes == ["PT104", "PT105"]


def test_kube_proxy_mode_must_be_declared_even_with_lookup(tmp_path: Path) -> None:
    stack = write_stack(tmp_path, {"name": "lookup-cce", "lookup": True}, [service()])
    result, _ = run_stack(config_file=stack)
    assert [(d.code, d.field) for d in result.diagnostics] == [("PT903", "cluster.kubeProxyMode")]
