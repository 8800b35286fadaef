"""The real `__main__.py`, every stack in stacks/, in preview and update mode, under the SDK's mock monitor."""

from __future__ import annotations

from pathlib import Path

import pytest

from cce_passthrough.core import annotations as ann
from cce_passthrough.core.diagnostics import errors
from cce_passthrough.core.versions import CceVersion
from cce_passthrough.offline.manifests import to_manifest, validate
from helpers import STACKS, STANDARD_CLUSTER, run_stack, write_stack
from helpers import service as service_entry

COMPONENT = "cce-passthrough:index:PassThroughService"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
SERVICE = "kubernetes:core/v1:Service"
K8S_PROVIDER = "pulumi:providers:kubernetes"
HW_PROVIDER = "pulumi:providers:huaweicloud"

# The Service of the CCE pass-through page (shared/seed), annotation for annotation.
SEED_AUTOCREATE = (
    '{"type":"public","bandwidth_name":"cce-bandwidth","bandwidth_chargemode":"bandwidth","bandwidth_size":5,'
    '"bandwidth_sharetype":"PER","eip_type":"5_bgp","name":"james"}'
)

MODES = pytest.mark.parametrize("preview", [True, False], ids=["preview", "update"])


def test_there_are_the_three_environments() -> None:
    assert STACKS == ["dev", "prod", "staging"]


@MODES
@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_plans_without_errors(stack: str, preview: bool) -> None:
    result, _ = run_stack(stack, preview=preview)
    assert result.ok, [d.render() for d in result.diagnostics]
    components = result.by_type(COMPONENT)
    assert components, "one component per service"
    stack_urn = result.by_type("pulumi:pulumi:Stack")[0].urn
    providers = {r.type: r for r in result.resources if r.type.startswith("pulumi:providers:")}
    # Huawei Cloud is only talked to when Pulumi manages an ELB (or looks the cluster up)
    manages_elb = any(r.type.startswith("huaweicloud:") for r in result.resources)
    assert set(providers) == ({K8S_PROVIDER, HW_PROVIDER} if manages_elb else {K8S_PROVIDER})
    assert manages_elb is (stack == "prod")
    for component in components:
        assert component.parent == stack_urn
        children = [r for r in result.resources if r.parent == component.urn]
        names = {c.name for c in children}
        assert {f"{component.name}-deployment", f"{component.name}-service"} <= names
        for child in children:
            assert child.name.startswith(f"{component.name}-")
            provider_type = K8S_PROVIDER if child.type.startswith("kubernetes:") else HW_PROVIDER
            assert child.provider is not None and child.provider.startswith(
                providers[provider_type].urn + "::"
            )


@MODES
def test_dev_is_the_seed_example(preview: bool) -> None:
    result, _ = run_stack("dev", preview=preview)
    service = result.resource("nginx-service").inputs
    annotations = service["metadata"]["annotations"]
    assert annotations[ann.AUTOCREATE] == SEED_AUTOCREATE  # the string, byte for byte
    assert annotations[ann.CLASS] == "union"
    # externalTrafficPolicy: Local -> CCE keeps only onlyLocal, so that is what we send
    assert annotations[ann.PASS_THROUGH] == "onlyLocal"
    assert set(annotations) == {ann.AUTOCREATE, ann.CLASS, ann.PASS_THROUGH}
    assert service["spec"]["externalTrafficPolicy"] == "Local"
    assert service["spec"]["type"] == "LoadBalancer"
    assert service["spec"]["ports"] == [{"name": "service0", "port": 80, "protocol": "TCP", "targetPort": 80}]
    deployment = result.resource("nginx-deployment").inputs
    assert deployment["spec"]["replicas"] == 2
    pod = deployment["spec"]["template"]["spec"]
    assert pod["imagePullSecrets"] == [{"name": "default-secret"}]
    assert pod["containers"][0]["image"] == "nginx:latest"
    assert pod["containers"][0]["resources"] == {
        "limits": {"cpu": "100m", "memory": "200Mi"},
        "requests": {"cpu": "100m", "memory": "200Mi"},
    }
    assert deployment["spec"]["selector"]["matchLabels"] == service["spec"]["selector"] == {"app": "nginx"}
    assert pod["containers"][0]["name"] == "container-0"
    # CCE creates the ELB: Pulumi declares no cloud resource
    assert not [r for r in result.resources if r.type.startswith("huaweicloud:")]


@MODES
@pytest.mark.parametrize("stack", STACKS)
def test_fields_cce_takes_only_at_creation_replace_the_service(stack: str, preview: bool) -> None:
    result, _ = run_stack(stack, preview=preview)
    for service in result.by_type(SERVICE):
        assert set(service.replace_on_changes) == {
            'metadata.annotations["kubernetes.io/elb.class"]',
            'metadata.annotations["kubernetes.io/elb.id"]',
            'metadata.annotations["kubernetes.io/elb.autocreate"]',
            # protocol-port "can only be set when the Service is created" (Huawei Cloud CN annotation table)
            'metadata.annotations["kubernetes.io/elb.protocol-port"]',
            # "Do not modify the Service affinity setting after the Service is created" (OTC CCE user guide)
            "spec.externalTrafficPolicy",
        }
        assert service.delete_before_replace
    for deployment in result.by_type(DEPLOYMENT):
        assert not deployment.replace_on_changes


@MODES
def test_prod_managed_elb_is_wired_and_protected(preview: bool) -> None:
    result, _ = run_stack("prod", preview=preview)
    lb = result.resource("shop-elb")
    eip = result.resource("shop-eip")
    bandwidth = result.resource("shop-bandwidth")
    assert lb.type == "huaweicloud:Elb/loadbalancer:Loadbalancer"
    assert eip.type == "huaweicloud:Vpc/eip:Eip"
    assert bandwidth.type == "huaweicloud:Vpc/bandwidth:Bandwidth"
    assert lb.protect and eip.protect and bandwidth.protect
    assert not result.resource("shop-service").protect
    assert lb.inputs["vipSubnetId"] == "5c1e0f7a-9d2b-4e83-a6f4-0b7c3d2e1f90"
    assert eip.inputs["bandwidth"]["shareType"] == "WHOLE"
    assert bandwidth.inputs["size"] == 100
    annotations = result.resource("shop-service").inputs["metadata"]["annotations"]
    port_id = eip.inputs["publicip"]["portId"]
    if preview:  # ids Pulumi has yet to create are unknown at preview, exactly as in `pulumi preview`
        assert annotations[ann.ID] == "(computed)"
        assert port_id == "(computed)"
        assert eip.inputs["bandwidth"]["id"] == "(computed)"
    else:
        assert annotations[ann.ID] == "shop-elb-id"
        assert port_id == "shop-elb-vip-port"
        assert eip.inputs["bandwidth"]["id"] == "shop-bandwidth-id"
        assert result.outputs["shop"]["elb_id"] == "shop-elb-id"
        assert result.outputs["shop"]["public_ip"] == "203.0.113.10"
    assert lb.urn in result.resource("shop-service").dependencies


@MODES
def test_staging_services_share_one_dedicated_elb(preview: bool) -> None:
    result, _ = run_stack("staging", preview=preview)
    web = result.resource("web-service").inputs["metadata"]["annotations"]
    api = result.resource("api-service").inputs["metadata"]["annotations"]
    assert web[ann.CLASS] == api[ann.CLASS] == "performance"
    assert ann.AUTOCREATE in web and ann.AUTOCREATE not in api
    assert web[ann.PASS_THROUGH] == api[ann.PASS_THROUGH] == "true"
    if preview:
        assert api[ann.ID] == "(computed)"  # CCE has not created web's ELB yet
    else:
        assert api[ann.ID] == result.outputs["web"]["elb_id"] == "6b3a4a49-8d4f-4f3a-a0a5-2f6d5c9e0b7d"
    codes = sorted(d.code for d in result.diagnostics)
    assert codes == ["PT106", "PT106"]  # dedicated + pass-through on CCE Standard: documented caveat


@MODES
@pytest.mark.parametrize("stack", STACKS)
def test_outputs_name_every_service(stack: str, preview: bool) -> None:
    result, _ = run_stack(stack, preview=preview)
    for component in result.by_type(COMPONENT):
        outputs = result.outputs[component.name]
        assert set(outputs) == {
            "service_name",
            "namespace",
            "elb_id",
            "load_balancer_ip",
            "public_ip",
            "annotations",
        }
        assert outputs["service_name"] == component.name
        if not preview:  # the ELB's private VIP, whatever else the ingress lists
            assert outputs["load_balancer_ip"].startswith("192.168.0.")


@pytest.mark.parametrize("stack", STACKS)
def test_every_kubernetes_object_passes_the_openapi_schema(stack: str) -> None:
    result, _ = run_stack(stack, preview=False)
    from cce_passthrough.rules.stackconfig import load_project, load_stack_config
    from helpers import ROOT

    project = load_project(ROOT)
    version = CceVersion.parse(
        load_stack_config(project, project.stack_file(stack)).object("cce-passthrough:cluster")["version"]
    )
    objects = [r for r in result.resources if r.type in (DEPLOYMENT, SERVICE)]
    assert len(objects) == 2 * len(result.by_type(COMPONENT))
    for resource in objects:
        validate(to_manifest(resource.type, resource.inputs), version)


def test_a_lookup_stack_with_one_broken_service_plans_nothing_before_the_cluster_is_read(
    tmp_path: Path,
) -> None:
    """A stack to look up is not looked up while it cannot be read whole (a name given twice), so no
    service has the cluster's facts its rules need: the preview lists the finding and plans nothing.
    Found by fuzzing the stack files (tests/cli/test_fuzz_stack_files.py): it failed with an
    AssertionError, exit 2."""
    cluster = {**STANDARD_CLUSTER, "name": "lookup-cce", "lookup": True}
    stack_file = write_stack(
        tmp_path, cluster, [service_entry("api"), service_entry("web"), service_entry("web")]
    )
    result, mocks = run_stack(config_file=stack_file)
    assert [(d.code, d.field) for d in errors(result.diagnostics)] == [("PT401", "services[2].name")]
    assert not [r for r in result.resources if r.custom] and not mocks.calls
