"""The `dev` stack is the CCE pass-through page's example, object for object, and the autocreate
annotation is the documented text byte for byte: CCE and Pulumi compare that immutable annotation as a
string, so the same object in another key order would replace the Service (and CCE would delete its ELB
and release its public IP). Strings are compared here, never parsed JSON."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from cce_passthrough.core import annotations as ann
from cce_passthrough.core.model import Autocreate
from cce_passthrough.offline.manifests import to_manifest
from helpers import FIXTURES, STANDARD_CLUSTER, run_stack, service, write_stack

PAGE = FIXTURES / "cce-docs" / "pass-through-page.yaml"
MODES = pytest.mark.parametrize("preview", [True, False], ids=["preview", "update"])


def _page_objects() -> dict[str, dict[str, Any]]:
    return {obj["kind"]: obj for obj in yaml.safe_load_all(PAGE.read_text(encoding="utf-8"))}


def _planned(preview: bool) -> dict[str, dict[str, Any]]:
    result, _ = run_stack("dev", preview=preview)
    assert result.ok, [d.render() for d in result.diagnostics]
    return {
        "Deployment": to_manifest(
            "kubernetes:apps/v1:Deployment", result.resource("nginx-deployment").inputs
        ),
        "Service": to_manifest("kubernetes:core/v1:Service", result.resource("nginx-service").inputs),
    }


@MODES
def test_dev_plans_the_pages_deployment_and_service_object_for_object(preview: bool) -> None:
    page, planned = _page_objects(), _planned(preview)
    # The two differences a live cluster does not see: the namespace the page leaves to kubectl's
    # default, and the pass-through value CCE itself writes under externalTrafficPolicy: Local.
    for obj in page.values():
        obj["metadata"]["namespace"] = "default"
    page["Service"]["metadata"]["annotations"][ann.PASS_THROUGH] = ann.ONLY_LOCAL
    assert planned == page


@MODES
def test_the_autocreate_annotation_is_the_pages_text(preview: bool) -> None:
    documented = _page_objects()["Service"]["metadata"]["annotations"][ann.AUTOCREATE]
    assert _planned(preview)["Service"]["metadata"]["annotations"][ann.AUTOCREATE] == documented


# cce_10_0924 (Changing a Custom EIP for a LoadBalancer Service), the dedicated example, verbatim.
DOCUMENTED_DEDICATED = (
    '{"type":"public","bandwidth_name":"aaaaa","bandwidth_chargemode":"bandwidth","bandwidth_size":5,'
    '"bandwidth_sharetype":"PER","eip_type":"5_g-vm","name":"xxx","available_zone":["xxx"],'
    '"elb_virsubnet_ids":["fc0c61cd-c987-49c4-99a4-b7d816b57581"],"l7_flavor_name":"",'
    '"l4_flavor_name":"L4_flavor.elb.pro.max","vip_subnet_cidr_id":"cf35b03f-c6ca-4f75-aa70-e2166cb1f800"}'
)
# cce_10_0385 (annotations), the shared inner example.
DOCUMENTED_INNER = '{"type":"inner","name":"A-location-d-test"}'


@pytest.mark.parametrize("documented", [DOCUMENTED_DEDICATED, DOCUMENTED_INNER], ids=["dedicated", "inner"])
def test_documented_autocreate_objects_come_out_as_documented_whatever_the_config_order(
    documented: str,
) -> None:
    fields = list(yaml.safe_load(documented).items())  # the object; its order is what is under test
    for seed in range(5):
        random.Random(seed).shuffle(fields)
        assert ann.autocreate_text(dict(fields)) == documented


def test_every_autocreate_field_has_its_documented_place() -> None:
    assert set(ann.AUTOCREATE_KEY_ORDER) == set(Autocreate.model_fields)
    assert len(ann.AUTOCREATE_KEY_ORDER) == len(set(ann.AUTOCREATE_KEY_ORDER))


def test_a_stack_in_another_key_order_sends_the_same_annotation(tmp_path: Path) -> None:
    autocreate = {
        "name": "james",
        "eip_type": "5_bgp",
        "type": "public",
        "bandwidth_size": 5,
        "bandwidth_sharetype": "PER",
        "bandwidth_chargemode": "bandwidth",
        "bandwidth_name": "cce-bandwidth",
    }
    stack = write_stack(
        tmp_path, STANDARD_CLUSTER, [service("nginx", elb={"class": "shared", "autocreate": autocreate})]
    )
    result, _ = run_stack(config_file=stack)
    sent = result.resource("nginx-service").inputs["metadata"]["annotations"][ann.AUTOCREATE]
    assert sent == _page_objects()["Service"]["metadata"]["annotations"][ann.AUTOCREATE]


def test_labels_with_a_prefix_and_an_empty_value_are_kubernetes_labels(tmp_path: Path) -> None:
    labels = {"app.kubernetes.io/name": "web", "tier": ""}
    stack = write_stack(tmp_path, STANDARD_CLUSTER, [service(labels=labels, deploymentLabels={})])
    result, _ = run_stack(config_file=stack)
    assert result.ok, [d.render() for d in result.diagnostics]
    deployment = result.resource("web-deployment").inputs
    assert deployment["spec"]["selector"]["matchLabels"] == labels
    assert "labels" not in deployment["metadata"]


COMPONENT_AS_ON_THE_PAGE = """
import pulumi
from cce_passthrough import PassThroughService

PassThroughService(
    "nginx",
    args={
        "cluster": {"version": "v1.28", "flavor": "standard", "kube_proxy_mode": "iptables"},
        "image": "nginx:latest",
        "ports": [{"name": "service0", "port": 80, "target_port": 80}],
        "labels": {"app": "nginx"},
        "deployment_labels": {},
        "container_name": "container-0",
        "container_ports": False,
        "elb": {"class": "shared", "autocreate": {"type": "inner", "name": "james"}},
    },
)
"""


def test_the_component_takes_the_pages_labels_and_container_name(tmp_path: Path) -> None:
    from cce_passthrough.offline.engine import OfflineMocks, run_program
    from helpers import FixtureInvokes

    main = tmp_path / "__main__.py"
    main.write_text(COMPONENT_AS_ON_THE_PAGE)
    result = run_program(main, "consumer", "dev", {}, [], OfflineMocks(FixtureInvokes()), True)
    assert result.ok, [d.render() for d in result.diagnostics]
    deployment = result.resource("nginx-deployment").inputs
    assert deployment["spec"]["selector"]["matchLabels"] == {"app": "nginx"}
    assert deployment["spec"]["template"]["spec"]["containers"] == [
        {"image": "nginx:latest", "name": "container-0"}
    ]
    svc = result.resource("nginx-service").inputs
    assert svc["metadata"]["labels"] == svc["spec"]["selector"] == {"app": "nginx"}
