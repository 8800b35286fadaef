"""`doctor` against the fake cluster and the fake Huawei Cloud on 127.0.0.1: the official clients read
CCE ShowCluster, ELB v3 load balancers and listeners (signed) and every Service and Ingress, and the
stack's rules run over what is really there."""

from __future__ import annotations

from typing import Any

import pytest

from cce_passthrough.core.diagnostics import Diagnostic, Severity
from cce_passthrough.live.doctor import diagnose
from cce_passthrough.live.huawei import HuaweiCloud
from cce_passthrough.live.kube import Kube
from cce_passthrough.live.reads import LiveReads, Reader
from cce_passthrough.rules.config import parse_stack
from helpers import service
from live.fake_http import Response
from live.fake_huawei import ACCESS_KEY, PROJECT_ID, SECRET_KEY, FakeHuaweiCloud, huawei_error
from live.fake_kube import FakeKube

ELB = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
CLUSTER_ID = "c0ffee00-0000-4000-8000-000000000001"
DECLARED = {"name": "dev-cce", "version": "v1.28", "flavor": "standard", "kubeProxyMode": "ipvs"}


def k8s_service(
    namespace: str, name: str, elb_id: str | None, *, port: int = 80, pass_through: bool = True, **extra: str
) -> dict[str, Any]:
    annotations = {"kubernetes.io/elb.class": "union", **extra}
    if elb_id:
        annotations["kubernetes.io/elb.id"] = elb_id
    if pass_through:
        annotations["kubernetes.io/elb.pass-through"] = "true"
    return {
        "metadata": {"namespace": namespace, "name": name, "annotations": annotations},
        "spec": {
            "type": "LoadBalancer",
            "ports": [{"name": "http", "port": port, "targetPort": 80, "protocol": "TCP"}],
            "externalTrafficPolicy": "Cluster",
        },
        "status": {"loadBalancer": {"ingress": [{"ip": "192.168.0.10"}]}},
    }


def run(
    kube: Kube,
    cloud: HuaweiCloud,
    cluster: dict[str, Any],
    services: list[dict[str, Any]],
    cluster_id: str | None,
) -> tuple[LiveReads, list[Diagnostic]]:
    stack = parse_stack(cluster, services)
    assert not stack.diagnostics, [d.render() for d in stack.diagnostics]
    reads = Reader(kube, cloud, cluster_id).read(stack)
    return reads, diagnose(stack, reads)[1]


def codes(findings: list[Diagnostic]) -> list[str]:
    return sorted(f.code for f in findings)


def existing_web(**overrides: Any) -> dict[str, Any]:
    return service("web", elb={"class": "shared", "existing": {"id": ELB}}, **overrides)


def test_declared_facts_that_agree_with_cce_give_no_finding_and_one_call_per_object(
    kube_server: FakeKube, huawei_server: FakeHuaweiCloud, kube: Kube, cloud: HuaweiCloud
) -> None:
    huawei_server.add_cluster(CLUSTER_ID, "dev-cce", kube_proxy_mode="ipvs")
    huawei_server.add_elb(ELB, listeners=(("k8s_TCP_80", "TCP", 80),))
    kube_server.put("services", k8s_service("default", "web", ELB))
    reads, findings = run(kube, cloud, DECLARED, [existing_web()], CLUSTER_ID)
    assert findings == [], [f.render() for f in findings]
    assert reads.cluster is not None and reads.cluster["cluster_version"] == "v1.28.3-r0"
    assert reads.elbs[ELB].listeners == (("k8s_TCP_80", "TCP", 80),)
    assert len(huawei_server.calls("GET", rf"/api/v3/projects/{PROJECT_ID}/clusters/{CLUSTER_ID}")) == 1
    assert len(huawei_server.calls("GET", rf"/v3/{PROJECT_ID}/elb/loadbalancers/{ELB}")) == 1
    assert len(huawei_server.calls("GET", rf"/v3/{PROJECT_ID}/elb/listeners")) == 1
    assert huawei_server.rejected == []  # every call carried a valid SDK-HMAC-SHA256 signature


def test_a_declared_fact_that_contradicts_cce_is_an_error_naming_both_values(
    huawei_server: FakeHuaweiCloud, kube: Kube, cloud: HuaweiCloud
) -> None:
    huawei_server.add_cluster(CLUSTER_ID, "dev-cce", version="v1.25.5-r0", category="Turbo", network="eni")
    huawei_server.add_elb(ELB)
    _, findings = run(kube, cloud, DECLARED, [existing_web()], None)  # found by name (ListClusters)
    messages = {f.field: f.message for f in findings if f.code == "PT904"}
    assert "'v1.28'" in messages["cluster.version"] and "'v1.25.5-r0'" in messages["cluster.version"]
    assert "'standard'" in messages["cluster.flavor"] and "'turbo'" in messages["cluster.flavor"]
    assert "'ipvs'" in messages["cluster.kubeProxyMode"] and "'iptables'" in messages["cluster.kubeProxyMode"]
    assert all(f.severity is Severity.ERROR for f in findings if f.code == "PT904")


def test_ipvs_another_teams_service_on_our_elb_with_pass_through_off_is_pt302(
    kube_server: FakeKube, huawei_server: FakeHuaweiCloud, kube: Kube, cloud: HuaweiCloud
) -> None:
    huawei_server.add_cluster(CLUSTER_ID, "dev-cce", kube_proxy_mode="ipvs")
    huawei_server.add_elb(ELB, listeners=(("k8s_TCP_8080", "TCP", 8080),))
    kube_server.put("services", k8s_service("team-b", "api", ELB, port=8080, pass_through=False))
    _, findings = run(kube, cloud, DECLARED, [existing_web()], CLUSTER_ID)
    [finding] = findings
    assert finding.code == "PT302" and finding.resource == "web"
    assert "off: Service team-b/api" in finding.message and "on: web" in finding.message


def test_a_console_listener_on_the_port_we_want_is_pt303(
    huawei_server: FakeHuaweiCloud, kube: Kube, cloud: HuaweiCloud
) -> None:
    huawei_server.add_cluster(CLUSTER_ID, "dev-cce", kube_proxy_mode="ipvs")
    huawei_server.add_elb(ELB, listeners=(("console-http", "HTTP", 80),))
    _, findings = run(kube, cloud, DECLARED, [existing_web()], CLUSTER_ID)
    [finding] = findings
    assert finding.code == "PT303" and finding.field == "services[0].ports[0].port"
    assert "listener console-http (no Kubernetes object)" in finding.message


def test_a_pending_service_is_explained_from_cces_event(
    kube_server: FakeKube, huawei_server: FakeHuaweiCloud, kube: Kube, cloud: HuaweiCloud
) -> None:
    huawei_server.add_cluster(CLUSTER_ID, "dev-cce", kube_proxy_mode="ipvs")
    pending = k8s_service("default", "web", None)
    pending["metadata"]["annotations"]["kubernetes.io/elb.autocreate"] = '{"type":"inner","name":"web-elb"}'
    pending["status"] = {"loadBalancer": {}}
    kube_server.put("services", pending)
    kube_server.put(
        "events",
        {
            "metadata": {"namespace": "default", "name": "web.1"},
            "type": "Warning",
            "reason": "SyncLoadBalancerFailed",
            "message": 'Error syncing load balancer: failed to ensure load balancer: {"error_code":"ELB.8905",'
            '"error_msg":"Quota exceeded for resources: [\'loadbalancer\']"}',
            "involvedObject": {"kind": "Service", "namespace": "default", "name": "web"},
            "lastTimestamp": "2024-01-01T00:00:00Z",
        },
    )
    _, findings = run(kube, cloud, DECLARED, [service("web")], CLUSTER_ID)
    pending_codes = [f for f in findings if f.code.startswith("PT50")]
    assert len(pending_codes) == 1 and "has no ELB address" in pending_codes[0].message
    assert pending_codes[0].code != "PT510", pending_codes[0].render()


def test_drift_is_reported_and_what_cce_wrote_is_a_fact(
    kube_server: FakeKube, huawei_server: FakeHuaweiCloud, kube: Kube, cloud: HuaweiCloud
) -> None:
    huawei_server.add_cluster(CLUSTER_ID, "dev-cce", kube_proxy_mode="ipvs")
    huawei_server.add_elb(ELB, listeners=(("k8s_TCP_80", "TCP", 80),))
    live = k8s_service("default", "web", ELB, pass_through=False, **{"kubernetes.io/elb.eip-id": "eip-1"})
    kube_server.put("services", live)
    _, findings = run(kube, cloud, DECLARED, [existing_web()], CLUSTER_ID)
    assert codes(findings) == ["PT535", "PT536"], [f.render() for f in findings]
    drift = next(f for f in findings if f.code == "PT535")
    assert 'kubernetes.io/elb.pass-through is absent in the cluster, the stack sets "true"' in drift.message
    fact = next(f for f in findings if f.code == "PT536")
    assert fact.severity is Severity.INFO and "eip-1" in fact.message


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        (huawei_error(403, "CCE.01403001", "Forbidden: no permission cce:cluster:get"), "PT583"),
        (huawei_error(429, "APIGW.0308", "The throttling threshold has been reached"), "PT585"),
        (huawei_error(500, "CCE.01500001", "Internal error"), "PT586"),
    ],
    ids=["denied", "throttled", "server-error"],
)
def test_a_failed_cluster_read_is_a_coded_finding_and_the_other_reads_go_on(
    huawei_server: FakeHuaweiCloud, kube: Kube, cloud: HuaweiCloud, fault: Response, code: str
) -> None:
    huawei_server.add_cluster(CLUSTER_ID, "dev-cce", kube_proxy_mode="ipvs")
    huawei_server.add_elb(ELB)
    huawei_server.fail("GET", r"/api/v3/projects/.*/clusters/.*", fault, times=5)
    reads, findings = run(kube, cloud, DECLARED, [existing_web()], CLUSTER_ID)
    assert codes(findings) == [code], [f.render() for f in findings]
    assert findings[0].field == "cluster" and "cce: show cluster" in findings[0].message
    assert ELB in reads.elbs  # the ELB was still read
    assert SECRET_KEY not in findings[0].message and ACCESS_KEY not in findings[0].message


def test_an_elb_read_that_times_out_is_pt587_and_nothing_is_guessed_about_that_elb(
    huawei_server: FakeHuaweiCloud, kube: Kube, cloud: HuaweiCloud
) -> None:
    huawei_server.add_cluster(CLUSTER_ID, "dev-cce", kube_proxy_mode="ipvs")
    huawei_server.add_elb(ELB)
    huawei_server.hang("GET", r"/v3/.*/elb/loadbalancers/.*", 1.5, times=5)
    _, findings = run(kube, cloud, DECLARED, [existing_web()], CLUSTER_ID)
    assert codes(findings) == ["PT587"], [f.render() for f in findings]
    assert findings[0].field == f"elb {ELB}"
