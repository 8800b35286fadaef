"""The live reads as the APIs serve them: ListListeners page by page from the marker, the listener ports
a CCE Ingress names in its own annotations, throttling with the Retry-After the API sends, and a failed
Ingress list labelled as what it is."""

from __future__ import annotations

from typing import Any

import pytest

from cce_passthrough.live.huawei import HuaweiCloud, HuaweiCredentials, RetryPolicy
from cce_passthrough.live.kube import Kube
from cce_passthrough.live.members import ingress_ports
from cce_passthrough.live.reads import Reader
from cce_passthrough.rules.config import parse_stack
from live.fake_http import Response
from live.fake_huawei import ACCESS_KEY, PROJECT_ID, REGION, SECRET_KEY, FakeHuaweiCloud, huawei_error
from live.fake_kube import FakeKube, status_response
from live.fixtures import FAST
from live.test_doctor import CLUSTER_ID, DECLARED, ELB, codes, existing_web, k8s_service, run

LISTENERS = f"/v3/{PROJECT_ID}/elb/listeners"


def ingress(
    namespace: str, name: str, elb_id: str, *, tls: bool = False, **annotations: str
) -> dict[str, Any]:
    spec: dict[str, Any] = {"ingressClassName": "cce", "rules": [{"host": "example.com"}]}
    if tls:
        spec["tls"] = [{"secretName": "cert"}]
    return {
        "metadata": {
            "namespace": namespace,
            "name": name,
            "annotations": {
                "kubernetes.io/elb.id": elb_id,
                "kubernetes.io/elb.class": "union",
                **annotations,
            },
        },
        "spec": spec,
    }


def test_listeners_are_read_page_by_page_from_the_marker_of_the_page_before(
    huawei_server: FakeHuaweiCloud, kube: Kube, cloud: HuaweiCloud
) -> None:
    huawei_server.add_cluster(CLUSTER_ID, "dev-cce", kube_proxy_mode="ipvs")
    listeners = tuple((f"console-{port}", "TCP", port) for port in (81, 82, 83, 84, 85))
    huawei_server.add_elb(ELB, listeners=listeners)
    stack = parse_stack(DECLARED, [existing_web()])
    reads = Reader(kube, cloud, CLUSTER_ID, listener_page=2).read(stack)
    assert reads.elbs[ELB].listeners == listeners and reads.elbs[ELB].listeners_complete
    pages = huawei_server.calls("GET", LISTENERS)
    assert len(pages) == 3
    markers = [dict(request.query).get("marker") for request in pages]
    assert markers == [None, f"{ELB}-l0001", f"{ELB}-l0003"]
    assert all(dict(request.query)["limit"] == "2" for request in pages)


def test_past_the_page_bound_the_listeners_were_read_in_part_pt538(
    huawei_server: FakeHuaweiCloud, kube: Kube, cloud: HuaweiCloud
) -> None:
    huawei_server.add_cluster(CLUSTER_ID, "dev-cce", kube_proxy_mode="ipvs")
    huawei_server.add_elb(ELB, listeners=tuple((f"l{port}", "TCP", port) for port in range(81, 86)))
    stack = parse_stack(DECLARED, [existing_web()])
    reads = Reader(kube, cloud, CLUSTER_ID, listener_page=2, listener_pages=2).read(stack)
    from cce_passthrough.live.doctor import diagnose

    findings = diagnose(stack, reads)[1]
    assert codes(findings) == ["PT538"], [f.render() for f in findings]
    assert "only the first 4 listeners" in findings[0].message


def test_a_failed_second_page_keeps_the_first_and_is_its_own_finding(
    huawei_server: FakeHuaweiCloud, kube: Kube, cloud: HuaweiCloud
) -> None:
    huawei_server.add_cluster(CLUSTER_ID, "dev-cce", kube_proxy_mode="ipvs")
    huawei_server.add_elb(ELB, listeners=(("a", "TCP", 81), ("b", "TCP", 82), ("console-http", "HTTP", 80)))
    denied = huawei_error(403, "ELB.1101", "denied")
    huawei_server.fail("GET", LISTENERS, denied, times=5, query="marker=")
    stack = parse_stack(DECLARED, [existing_web()])
    reads = Reader(kube, cloud, CLUSTER_ID, listener_page=2).read(stack)
    from cce_passthrough.live.doctor import diagnose

    findings = diagnose(stack, reads)[1]
    assert codes(findings) == ["PT538", "PT583"], [f.render() for f in findings]
    denied = next(f for f in findings if f.code == "PT583")
    assert "(page 2)" in denied.message and denied.field == f"elb {ELB}"
    assert reads.elbs[ELB].listeners == (("a", "TCP", 81), ("b", "TCP", 82))


@pytest.mark.parametrize(
    ("annotations", "tls", "listeners"),
    [
        ({"kubernetes.io/elb.port": "80"}, False, ((80, "HTTP"),)),
        ({"kubernetes.io/elb.port": "8443"}, True, ((8443, "HTTPS"),)),
        (
            {"kubernetes.io/elb.listen-ports": '[{"HTTP":80},{"HTTPS":443}]', "kubernetes.io/elb.port": "9"},
            True,
            ((80, "HTTP"), (443, "HTTPS")),
        ),
    ],
    ids=["elb.port-http", "elb.port-with-tls-is-https", "listen-ports-win-over-elb.port"],
)
def test_an_ingress_has_the_listeners_its_annotations_name(
    annotations: dict[str, str], tls: bool, listeners: tuple[tuple[int, str], ...]
) -> None:
    assert ingress_ports(ingress("team-c", "shop", ELB, tls=tls, **annotations)) == listeners


def test_an_ingress_listener_on_our_port_is_pt303_naming_the_ingress(
    kube_server: FakeKube, huawei_server: FakeHuaweiCloud, kube: Kube, cloud: HuaweiCloud
) -> None:
    huawei_server.add_cluster(CLUSTER_ID, "dev-cce", kube_proxy_mode="iptables")
    huawei_server.add_elb(ELB, listeners=(("ing-80", "HTTP", 80), ("ing-443", "HTTPS", 443)))
    listen = {"kubernetes.io/elb.listen-ports": '[{"HTTP":80},{"HTTPS":443}]'}
    kube_server.put("ingresses", ingress("team-c", "shop", ELB, tls=True, **listen))
    declared = {**DECLARED, "kubeProxyMode": "iptables"}
    _, findings = run(kube, cloud, declared, [existing_web()], CLUSTER_ID)
    [finding] = findings  # the ELB's listeners are the Ingress's: no console listener besides
    assert finding.code == "PT303" and "port 80" in finding.message, finding.render()
    assert "Ingress team-c/shop" in finding.message


def test_an_ingress_on_another_port_or_of_another_class_claims_nothing_of_ours(
    kube_server: FakeKube, huawei_server: FakeHuaweiCloud, kube: Kube, cloud: HuaweiCloud
) -> None:
    huawei_server.add_cluster(CLUSTER_ID, "dev-cce", kube_proxy_mode="iptables")
    huawei_server.add_elb(ELB)
    kube_server.put("ingresses", ingress("team-c", "shop", ELB, **{"kubernetes.io/elb.port": "8443"}))
    nginx = ingress("team-d", "blog", ELB, **{"kubernetes.io/elb.port": "80"})
    nginx["spec"]["ingressClassName"] = "nginx"
    kube_server.put("ingresses", nginx)
    declared = {**DECLARED, "kubeProxyMode": "iptables"}
    _, findings = run(kube, cloud, declared, [existing_web()], CLUSTER_ID)
    assert findings == [], [f.render() for f in findings]


@pytest.mark.parametrize(
    "annotations",
    [{}, {"kubernetes.io/elb.port": "http"}, {"kubernetes.io/elb.listen-ports": '[{"TCP":80}]'}],
    ids=["no-port", "port-not-a-number", "listen-ports-not-http-or-https"],
)
def test_an_ingress_whose_ports_cannot_be_read_is_pt537(
    kube_server: FakeKube,
    huawei_server: FakeHuaweiCloud,
    kube: Kube,
    cloud: HuaweiCloud,
    annotations: dict[str, str],
) -> None:
    huawei_server.add_cluster(CLUSTER_ID, "dev-cce", kube_proxy_mode="iptables")
    huawei_server.add_elb(ELB)
    kube_server.put("ingresses", ingress("team-c", "shop", ELB, **annotations))
    _, findings = run(kube, cloud, {**DECLARED, "kubeProxyMode": "iptables"}, [existing_web()], CLUSTER_ID)
    assert codes(findings) == ["PT537"], [f.render() for f in findings]
    assert "Ingress team-c/shop" in findings[0].message


def test_a_failed_ingress_list_is_labelled_ingresses(
    kube_server: FakeKube, huawei_server: FakeHuaweiCloud, kube: Kube, cloud: HuaweiCloud
) -> None:
    huawei_server.add_cluster(CLUSTER_ID, "dev-cce", kube_proxy_mode="ipvs")
    huawei_server.add_elb(ELB)
    kube_server.fail(
        "GET", r"/apis/networking.k8s.io/v1/ingresses.*", status_response(403, "Forbidden", "no")
    )
    _, findings = run(kube, cloud, DECLARED, [existing_web()], CLUSTER_ID)
    assert [(f.code, f.field) for f in findings] == [("PT583", "ingresses")]


def test_a_throttled_cce_call_waits_the_retry_after_it_is_given_then_succeeds(
    huawei_server: FakeHuaweiCloud, kube: Kube, cloud: HuaweiCloud
) -> None:
    huawei_server.add_cluster(CLUSTER_ID, "dev-cce", kube_proxy_mode="ipvs")
    huawei_server.add_elb(ELB)
    throttled = huawei_error(429, "APIGW.0308", "The throttling threshold has been reached")
    throttled.headers["Retry-After"] = "0"
    huawei_server.fail("GET", r"/api/v3/projects/.*/clusters/.*", throttled)
    reads, findings = run(kube, cloud, DECLARED, [existing_web()], CLUSTER_ID)
    assert findings == [] and reads.cluster is not None
    assert len(huawei_server.calls("GET", r"/api/v3/projects/.*/clusters/.*")) == 2


def test_a_retry_after_longer_than_the_bound_stops_at_once_and_the_finding_says_how_long(
    huawei_server: FakeHuaweiCloud, kube: Kube
) -> None:
    credentials = HuaweiCredentials(ACCESS_KEY, SECRET_KEY, REGION, PROJECT_ID, "test")
    retry = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02, max_retry_after=5)
    client = HuaweiCloud(credentials, timeouts=FAST, retry=retry, endpoint=huawei_server.url)
    huawei_server.add_cluster(CLUSTER_ID, "dev-cce", kube_proxy_mode="ipvs")
    huawei_server.add_elb(ELB)
    throttled = huawei_error(429, "APIGW.0308", "The throttling threshold has been reached")
    throttled.headers["Retry-After"] = "120"
    huawei_server.fail("GET", r"/api/v3/projects/.*/clusters/.*", throttled, times=5)
    try:
        _, findings = run(kube, client, DECLARED, [existing_web()], CLUSTER_ID)
    finally:
        client.close()
    assert codes(findings) == ["PT585"]
    assert "retry after 120 s" in findings[0].message and findings[0].fix.startswith("Wait 120 s")
    assert len(huawei_server.calls("GET", r"/api/v3/projects/.*/clusters/.*")) == 1


def test_a_throttled_kubernetes_list_is_retried_after_the_api_servers_retry_after(
    kube_server: FakeKube, huawei_server: FakeHuaweiCloud, kube: Kube, cloud: HuaweiCloud
) -> None:
    huawei_server.add_cluster(CLUSTER_ID, "dev-cce", kube_proxy_mode="ipvs")
    huawei_server.add_elb(ELB, listeners=(("k8s_TCP_80", "TCP", 80),))
    kube_server.put("services", k8s_service("default", "web", ELB))
    throttled = status_response(429, "TooManyRequests", "Too many requests, please try again later.")
    throttled.headers["Retry-After"] = "0"
    kube_server.fail("GET", r"/api/v1/services.*", throttled)
    reads, findings = run(kube, cloud, DECLARED, [existing_web()], CLUSTER_ID)
    assert findings == [] and len(reads.services) == 1
    assert len(kube_server.calls("GET", r"/api/v1/services.*")) == 2


def test_a_kubernetes_list_throttled_for_longer_than_the_bound_is_pt585_with_the_wait(
    kube_server: FakeKube, huawei_server: FakeHuaweiCloud, kube: Kube, cloud: HuaweiCloud
) -> None:
    huawei_server.add_cluster(CLUSTER_ID, "dev-cce", kube_proxy_mode="ipvs")
    huawei_server.add_elb(ELB)
    throttled = status_response(429, "TooManyRequests", "Too many requests, please try again later.")
    throttled.headers["Retry-After"] = "60"
    kube_server.fail("GET", r"/api/v1/services.*", throttled)
    _, findings = run(kube, cloud, DECLARED, [existing_web()], CLUSTER_ID)
    assert [(f.code, f.field) for f in findings] == [("PT585", "services")]
    assert "retry after 60 s" in findings[0].message


def test_a_reply_that_is_no_response_at_all_is_not_retried_as_throttling(
    huawei_server: FakeHuaweiCloud, kube: Kube, cloud: HuaweiCloud
) -> None:
    huawei_server.add_cluster(CLUSTER_ID, "dev-cce", kube_proxy_mode="ipvs")
    huawei_server.add_elb(ELB)
    huawei_server.fail("GET", r"/v3/.*/elb/loadbalancers/.*", Response(404, {"error_code": "ELB.8904"}))
    _, findings = run(kube, cloud, DECLARED, [existing_web()], CLUSTER_ID)
    assert codes(findings) == ["PT584"]
    assert len(huawei_server.calls("GET", r"/v3/.*/elb/loadbalancers/.*")) == 1
