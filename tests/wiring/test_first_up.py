"""What the first `pulumi up` of a stack needs on a fresh cluster: the namespaces its services live in
(created with `createNamespaces: true`, or named at preview as ones the cluster must have), and providers
that are declared only for a configuration without errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cce_passthrough.cli.main import main
from helpers import ROOT, STANDARD_CLUSTER, FixtureInvokes, run_stack, service, write_stack

MODES = pytest.mark.parametrize("preview", [True, False], ids=["preview", "update"])
NAMESPACE = "kubernetes:core/v1:Namespace"
K8S_PROVIDER = "pulumi:providers:kubernetes"
HW_PROVIDER = "pulumi:providers:huaweicloud"


def _stack(tmp_path: Path, services: list[dict[str, Any]], **extra: Any) -> Path:
    path = write_stack(tmp_path, STANDARD_CLUSTER, services)
    if extra:
        text = path.read_text().replace(
            "config:\n", "config:\n" + "".join(f"  {k}: {v}\n" for k, v in extra.items()), 1
        )
        path.write_text(text)
    return path


@MODES
@pytest.mark.parametrize(("stack", "namespace"), [("staging", "staging"), ("prod", "prod")])
def test_a_stack_creates_its_namespace_before_what_lives_in_it(
    stack: str, namespace: str, preview: bool
) -> None:
    result, _ = run_stack(stack, preview=preview)
    assert result.ok, [d.render() for d in result.diagnostics]
    [created] = result.by_type(NAMESPACE)
    assert created.name == namespace and created.inputs["metadata"] == {"name": namespace}
    assert created.provider is not None and created.provider.split("::")[-2] == "kubernetes"
    workload = result.by_type("kubernetes:apps/v1:Deployment") + result.by_type("kubernetes:core/v1:Service")
    assert workload
    for resource in workload:
        assert resource.inputs["metadata"]["namespace"] == namespace
        assert created.urn in resource.dependencies, resource.name
    assert not [d for d in result.diagnostics if d.code == "PT931"]


def test_the_rendered_namespace_is_applied_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["preview", "--project", str(ROOT), "--stack", "staging", "--render", str(out)]) == 0
    files = sorted(p.name for p in out.glob("*.yaml") if p.name != "huaweicloud-resources.yaml")
    assert files[0] == "01-namespace-staging.yaml"


def test_unsaid_the_preview_names_each_namespace_the_cluster_must_have(tmp_path: Path) -> None:
    services = [
        service("a", namespace="shop"),
        service("b", namespace="shop", ports=[{"name": "g", "port": 81}]),
        service("c", namespace="default", ports=[{"name": "h", "port": 82}]),
    ]
    result, _ = run_stack(config_file=_stack(tmp_path, services))
    assert result.ok
    notes = [d for d in result.diagnostics if d.code == "PT931"]
    assert [(d.severity.value, d.resource, d.field) for d in notes] == [
        ("info", "a", "services[0].namespace")
    ]
    assert "createNamespaces: true" in notes[0].fix and "kubectl create namespace shop" in notes[0].fix
    assert not result.by_type(NAMESPACE)


@pytest.mark.parametrize(("value", "created"), [("false", []), ("true", ["shop"])])
def test_a_stack_that_says_it_creates_nothing_or_everything_gets_no_note(
    tmp_path: Path, value: str, created: list[str]
) -> None:
    services = [
        service("a", namespace="shop"),
        service("k", namespace="kube-system", ports=[{"name": "g", "port": 81}]),
    ]
    result, _ = run_stack(
        config_file=_stack(tmp_path, services, **{"cce-passthrough:createNamespaces": value})
    )
    assert result.ok and not result.diagnostics, [d.render() for d in result.diagnostics]
    assert [r.name for r in result.by_type(NAMESPACE)] == created  # kube-system exists on every cluster


def test_create_namespaces_must_be_a_boolean(tmp_path: Path) -> None:
    stack = _stack(tmp_path, [service(namespace="shop")], **{"cce-passthrough:createNamespaces": '"yes"'})
    result, _ = run_stack(config_file=stack)
    assert [(d.code, d.field) for d in result.diagnostics] == [("PT902", "createNamespaces")]
    assert "createNamespaces: true" in result.diagnostics[0].fix


def _providers(result: Any) -> set[str]:
    return {r.type for r in result.resources if r.type.startswith("pulumi:providers:")}


MANAGED = {"class": "shared", "managed": {"subnetId": "5c1e0f7a-9d2b-4e83-a6f4-0b7c3d2e1f90"}}


def test_a_configuration_with_an_error_declares_no_provider(tmp_path: Path) -> None:
    # a Pulumi-managed ELB (Huawei Cloud provider) and a broken port (PT401)
    broken = service(elb=MANAGED, ports=[{"name": "http", "port": 70000}])
    result, _ = run_stack(config_file=_stack(tmp_path, [broken]))
    assert {d.code for d in result.diagnostics} == {"PT401"}
    assert _providers(result) == set()


def test_a_lookup_is_not_made_for_a_configuration_that_cannot_be_read(tmp_path: Path) -> None:
    cluster = {"name": "lookup-cce", "lookup": True, "kubeProxyMode": "iptables"}
    path = write_stack(tmp_path, cluster, [service(replica=2)])
    invokes = FixtureInvokes()
    result, mocks = run_stack(config_file=path, invokes=invokes)
    assert [d.code for d in result.diagnostics] == ["PT901"]
    assert _providers(result) == set() and mocks.calls == []


def test_a_lookup_declares_the_huawei_cloud_provider_it_reads_through_and_no_other(tmp_path: Path) -> None:
    cluster = {"name": "lookup-cce", "lookup": True, "kubeProxyMode": "iptables"}
    path = write_stack(tmp_path, cluster, [service(ports=[{"name": "http", "port": 70000}])])
    result, mocks = run_stack(config_file=path)
    assert {d.code for d in result.diagnostics} == {"PT401"}
    assert _providers(result) == {HW_PROVIDER} and mocks.calls
