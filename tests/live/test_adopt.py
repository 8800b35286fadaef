"""adopt: the CCE page's own Deployment and Service, as the API returns them once CCE has made the ELB,
become a stack entry and an import document whose first preview after `pulumi import` changes nothing.
The entry goes through the real program under the offline engine (`cce-passthrough preview`'s path)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from cce_passthrough.cli.adopt import adopt, entry_yaml
from cce_passthrough.live.adopt import entry_from_live
from cce_passthrough.live.k8splan import Declared, Operation, plan_after_import
from helpers import ROOT

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PAGE_AUTOCREATE = (
    '{"type":"public","bandwidth_name":"cce-bandwidth","bandwidth_chargemode":"bandwidth","bandwidth_size":5,'
    '"bandwidth_sharetype":"PER","eip_type":"5_bgp","name":"james"}'
)


def live(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return data


@pytest.fixture
def stack_file(tmp_path: Path) -> Path:
    """A stack with the page's cluster facts and no service yet."""
    path = tmp_path / "Pulumi.adopt.yaml"
    path.write_text(
        "# the cluster the page's nginx runs on\n"
        "config:\n"
        "  huaweicloud:region: cn-north-4\n"
        "  cce-passthrough:cluster:\n"
        "    name: dev-cce\n"
        "    version: v1.28\n"
        "    flavor: standard\n"
        "    kubeProxyMode: iptables\n"
        "  cce-passthrough:services: []\n"
    )
    return path


def test_the_cce_pages_deployment_and_service_import_with_no_replacement_and_no_update(
    stack_file: Path,
) -> None:
    service, deployment = live("cce-page-service.json"), live("cce-page-deployment.json")
    result = adopt(ROOT, stack_file, service, [deployment])
    assert result.findings == []
    assert result.ok
    entry = result.entry
    assert entry is not None
    assert entry["containerName"] == "container-0"
    assert entry["labels"] == {"app": "nginx"} and entry["selector"] == {"app": "nginx"}
    assert entry["deploymentLabels"] == {}
    assert entry["ports"] == [{"name": "service0", "port": 80, "targetPort": 80, "protocol": "TCP"}]
    autocreate = entry["elb"].get("autocreateJson") or entry["elb"].get("autocreate")
    assert autocreate is not None
    if isinstance(autocreate, str):
        assert autocreate == PAGE_AUTOCREATE  # the page's bytes, verbatim
    # the document `pulumi import --file` takes: the component and its two children, names as the program
    document = result.import_document
    assert document is not None
    resources = {r["name"]: r for r in document["resources"]}
    assert resources["nginx"] == {
        "type": "cce-passthrough:index:PassThroughService",
        "name": "nginx",
        "component": True,
    }
    assert resources["nginx-deployment"]["type"] == "kubernetes:apps/v1:Deployment"
    assert resources["nginx-deployment"]["id"] == "default/nginx"
    assert resources["nginx-deployment"]["parent"] == "nginx"
    assert resources["nginx-service"]["type"] == "kubernetes:core/v1:Service"
    assert resources["nginx-service"]["id"] == "default/nginx"
    assert resources["nginx-service"]["provider"] == "kubernetes"
    assert document["nameTable"]["kubernetes"].endswith("::pulumi:providers:kubernetes::kubernetes")


def test_an_entry_that_does_not_render_the_live_bytes_is_reported_as_a_replacement(stack_file: Path) -> None:
    service = live("cce-page-service.json")
    deployment = live("cce-page-deployment.json")
    deployment["spec"]["template"]["spec"]["containers"][0]["env"] = [{"name": "MODE", "value": "prod"}]
    service["spec"]["sessionAffinity"] = "ClientIP"
    result = adopt(ROOT, stack_file, service, [deployment])
    codes = sorted({f.code for f in result.findings})
    assert codes == ["PT531", "PT532"]
    assert any("containers[0].env" in f.message for f in result.findings if f.code == "PT531")
    assert any("sessionAffinity" in f.message for f in result.findings if f.code == "PT532")
    assert not result.ok or all(f.severity.value != "error" for f in result.findings)


def test_autocreate_written_another_way_is_kept_verbatim(stack_file: Path) -> None:
    service = live("cce-page-service.json")
    spaced = json.dumps(json.loads(PAGE_AUTOCREATE), indent=None)  # ", " and ": " separators
    service["metadata"]["annotations"]["kubernetes.io/elb.autocreate"] = spaced
    result = adopt(ROOT, stack_file, service, [live("cce-page-deployment.json")])
    assert result.findings == []
    assert result.entry is not None and result.entry["elb"]["autocreateJson"] == spaced


def test_a_service_without_a_deployment_of_its_name_is_refused_naming_the_one_it_selects() -> None:
    deployment = live("cce-page-deployment.json")
    deployment["metadata"]["name"] = "nginx-v2"
    adoption = entry_from_live(live("cce-page-service.json"), None, "services[0]", ["nginx-v2"])
    assert [f.code for f in adoption.findings] == ["PT533"]
    assert "nginx-v2" in adoption.findings[0].message


def test_a_service_without_elb_annotations_cannot_be_expressed() -> None:
    service = live("cce-page-service.json")
    service["metadata"]["annotations"] = {}
    adoption = entry_from_live(service, live("cce-page-deployment.json"), "services[0]")
    assert {f.field for f in adoption.findings} == {"services[0].elb.class", "services[0].elb"}
    assert adoption.entry is None


def test_the_plain_import_trap_the_component_avoids() -> None:
    """Without the component's ignore_changes the same import would replace the Service (spec.clusterIP,
    CCE's elb.id): what a hand-written pulumi-kubernetes program hits."""
    service = live("cce-page-service.json")
    inputs = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {
            "name": "nginx",
            "labels": {"app": "nginx"},
            "annotations": {
                "kubernetes.io/elb.class": "union",
                "kubernetes.io/elb.autocreate": PAGE_AUTOCREATE,
                "kubernetes.io/elb.pass-through": "onlyLocal",
            },
        },
        "spec": copy.deepcopy({k: service["spec"][k] for k in ("type", "selector", "externalTrafficPolicy")}),
    }
    inputs["spec"]["ports"] = [{"name": "service0", "port": 80, "protocol": "TCP", "targetPort": 80}]
    assert plan_after_import(service, Declared("Service", inputs)).operation is Operation.REPLACE


def test_the_entry_prints_as_stack_yaml() -> None:
    adoption = entry_from_live(live("cce-page-service.json"), live("cce-page-deployment.json"), "services[0]")
    assert adoption.entry is not None
    text = entry_yaml(adoption.entry)
    assert yaml.safe_load(text) == [adoption.entry]
