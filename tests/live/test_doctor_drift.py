"""doctor against the test servers: the deployed Deployment against what the component sends (drift, as
`pulumi preview --refresh` would show it; what the API server fills in is the cluster's), and the ELB the
stack made (autocreate, managed) against ShowLoadBalancer: class, VPC, zones, flavors."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from cce_passthrough.live.drift_deployment import deployment_inputs
from cce_passthrough.live.huawei import HuaweiCloud
from cce_passthrough.live.kube import Kube
from cce_passthrough.rules.config import parse_stack
from helpers import service, write_stack
from helpers.stacks import run_stack
from live.fake_huawei import FakeHuaweiCloud
from live.fake_kube import FakeKube, status_response
from live.test_doctor import CLUSTER_ID, DECLARED, ELB, k8s_service, run


def as_the_api_server_returns(inputs: dict[str, Any]) -> dict[str, Any]:
    """The Deployment the component sent, with what the API server and the controller add to it."""
    live = copy.deepcopy(inputs)
    for key in ("apiVersion", "kind"):
        live.pop(key)  # list items carry neither
    live["metadata"].update(
        uid="0000", resourceVersion="12", generation=3, annotations={"deployment.kubernetes.io/revision": "3"}
    )
    spec = live["spec"]
    spec.update(progressDeadlineSeconds=600, revisionHistoryLimit=10, strategy={"type": "RollingUpdate"})
    pod = spec["template"]["spec"]
    pod.update(restartPolicy="Always", dnsPolicy="ClusterFirst", schedulerName="default-scheduler")
    pod["containers"][0].update(imagePullPolicy="IfNotPresent", terminationMessagePath="/dev/termination-log")
    live["status"] = {"replicas": 1, "readyReplicas": 1}
    return live


def deployed(kube_server: FakeKube, huawei_server: FakeHuaweiCloud, entry: dict[str, Any]) -> dict[str, Any]:
    """The stack entry's Service (on ELB) and its Deployment in the cluster, as the component made them."""
    huawei_server.add_cluster(CLUSTER_ID, "dev-cce", kube_proxy_mode="ipvs")
    huawei_server.add_elb(ELB, listeners=(("k8s_TCP_80", "TCP", 80),))
    kube_server.put("services", k8s_service("default", "web", ELB))
    deployment = as_the_api_server_returns(deployment_inputs(parse_stack(DECLARED, [entry]).services[0]))
    return kube_server.put("deployments", deployment)


def existing_web(**overrides: Any) -> dict[str, Any]:
    return service("web", elb={"class": "shared", "existing": {"id": ELB}}, **overrides)


def test_the_deployment_inputs_are_what_the_program_sends(tmp_path: Path) -> None:
    entry = existing_web(
        replicas=2, resources={"limits": {"cpu": "500m"}}, imagePullSecrets=["default-secret"]
    )
    result, _ = run_stack(config_file=write_stack(tmp_path, DECLARED, [entry]))
    [sent] = [r.inputs for r in result.resources if r.type == "kubernetes:apps/v1:Deployment"]
    assert sent == deployment_inputs(parse_stack(DECLARED, [entry]).services[0])


def test_a_deployment_as_the_component_made_it_is_no_drift_whatever_the_api_server_added(
    kube_server: FakeKube, huawei_server: FakeHuaweiCloud, kube: Kube, cloud: HuaweiCloud
) -> None:
    deployed(kube_server, huawei_server, existing_web())
    _, findings = run(kube, cloud, DECLARED, [existing_web()], CLUSTER_ID)
    assert findings == [], [f.render() for f in findings]
    assert len(kube_server.calls("GET", r"/apis/apps/v1/deployments")) == 1  # one list, all namespaces


def test_an_image_set_with_kubectl_and_a_scaled_deployment_are_drift_naming_both_values(
    kube_server: FakeKube, huawei_server: FakeHuaweiCloud, kube: Kube, cloud: HuaweiCloud
) -> None:
    live = deployed(kube_server, huawei_server, existing_web())
    live["spec"]["replicas"] = 5
    live["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.28"
    kube_server.put("deployments", live)
    _, findings = run(kube, cloud, DECLARED, [existing_web()], CLUSTER_ID)
    assert [(f.code, f.field) for f in findings] == [
        ("PT541", "services[0].image"),
        ("PT541", "services[0].replicas"),
    ], [f.render() for f in findings]
    image, replicas = findings
    assert '"nginx:1.28" in the cluster, the stack sets "nginx:1.27"' in image.message
    assert "spec.replicas is 5 in the cluster, the stack sets 1" in replicas.message


def test_a_changed_selector_is_drift_that_pulumi_up_would_replace(
    kube_server: FakeKube, huawei_server: FakeHuaweiCloud, kube: Kube, cloud: HuaweiCloud
) -> None:
    live = deployed(kube_server, huawei_server, existing_web())
    live["spec"]["selector"]["matchLabels"] = {"app": "web"}
    kube_server.put("deployments", live)
    _, findings = run(kube, cloud, DECLARED, [existing_web()], CLUSTER_ID)
    [finding] = findings
    assert (finding.code, finding.field) == ("PT541", "services[0].selector")
    assert "pulumi up would replace the Deployment" in finding.message


def test_a_denied_deployment_list_is_its_own_finding(
    kube_server: FakeKube, huawei_server: FakeHuaweiCloud, kube: Kube, cloud: HuaweiCloud
) -> None:
    deployed(kube_server, huawei_server, existing_web())
    kube_server.fail("GET", r"/apis/apps/v1/deployments", status_response(403, "Forbidden", "no list"))
    _, findings = run(kube, cloud, DECLARED, [existing_web()], CLUSTER_ID)
    assert [(f.code, f.field) for f in findings] == [("PT583", "deployments")]


def autocreated(**autocreate: Any) -> dict[str, Any]:
    body = {"type": "inner", "name": "web-elb", **autocreate}
    return service("web", elb={"class": "dedicated", "autocreate": body})


def deployed_autocreate(kube_server: FakeKube, huawei_server: FakeHuaweiCloud, **elb: Any) -> None:
    """CCE created the ELB and wrote its id onto the Service."""
    huawei_server.add_cluster(CLUSTER_ID, "dev-cce", kube_proxy_mode="ipvs")
    huawei_server.add_elb(ELB, listeners=(("k8s_TCP_80", "TCP", 80),), **elb)
    live = k8s_service("default", "web", ELB)
    live["metadata"]["annotations"]["kubernetes.io/elb.class"] = "performance"
    kube_server.put("services", live)


def test_an_autocreated_elb_of_the_other_class_is_pt539(
    kube_server: FakeKube, huawei_server: FakeHuaweiCloud, kube: Kube, cloud: HuaweiCloud
) -> None:
    deployed_autocreate(kube_server, huawei_server, dedicated=False)
    entry = autocreated(available_zone=["cn-north-4a"], l4_flavor_name="L4_flavor.elb.s1.small")
    _, findings = run(kube, cloud, DECLARED, [entry], CLUSTER_ID)
    found = [f for f in findings if f.code.startswith("PT5")]
    assert ("PT539", "services[0].elb.class") in [(f.code, f.field) for f in found], [
        f.render() for f in found
    ]
    message = next(f.message for f in found if f.code == "PT539")
    assert "is a shared ELB (ShowLoadBalancer), the stack declares dedicated" in message


def test_an_autocreated_elb_in_other_zones_and_flavors_is_pt540_naming_both(
    kube_server: FakeKube, huawei_server: FakeHuaweiCloud, kube: Kube, cloud: HuaweiCloud
) -> None:
    deployed_autocreate(kube_server, huawei_server, dedicated=True, zones=("cn-north-4b",))
    entry = autocreated(available_zone=["cn-north-4a"], l4_flavor_id="l4-flavor-2")
    _, findings = run(kube, cloud, DECLARED, [entry], CLUSTER_ID)
    found = {f.field: f.message for f in findings if f.code == "PT540"}
    assert (
        "zones cn-north-4b, the stack declares cn-north-4a"
        in found["services[0].elb.autocreate.available_zone"]
    )
    assert (
        "L4 flavor l4-flavor-1, the stack declares l4-flavor-2"
        in found["services[0].elb.autocreate.l4_flavor_id"]
    )


def test_an_autocreated_elb_outside_the_clusters_vpc_is_pt539(
    kube_server: FakeKube, huawei_server: FakeHuaweiCloud, kube: Kube, cloud: HuaweiCloud
) -> None:
    deployed_autocreate(kube_server, huawei_server, dedicated=True, vpc="vpc-other", zones=("cn-north-4a",))
    entry = autocreated(available_zone=["cn-north-4a"], l4_flavor_id="l4-flavor-1")
    _, findings = run(kube, cloud, DECLARED, [entry], CLUSTER_ID)
    found = [(f.code, f.field, f.message) for f in findings if f.code in ("PT539", "PT540")]
    assert found == [
        ("PT539", "services[0].elb", f"ELB {ELB} is in VPC vpc-other, not in VPC vpc-1 of the cluster.")
    ]
