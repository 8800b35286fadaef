"""A Service stuck at <pending> is explained from the events CCE's cloud controller writes on it: the
ELB and VPC API error codes Huawei documents, each one coded finding with the documented fix."""

from __future__ import annotations

from typing import Any

import pytest

from cce_passthrough.core.diagnostics import Severity
from cce_passthrough.live.events import explain_pending, is_pending, quote, translate

PREFIX = "Error syncing load balancer: failed to ensure load balancer: "


def sdk_error(status: int, code: str, message: str) -> str:
    """The ELB API error as Huawei's SDK prints it inside the event (deckhouse/deckhouse#15569)."""
    return (
        f'{{"status_code":{status},"request_id":"cd114d8fd2536d515d74a8dbfbd380f5",'
        f'"error_code":"{code}","error_message":"{message}"}}'
    )


def vpc_error(code: str, message: str) -> str:
    return f'{{"code":"{code}","message":"{message}"}}'


def event(
    message: str, when: str = "2026-11-30T08:01:00Z", reason: str = "SyncLoadBalancerFailed"
) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "type": "Warning",
        "reason": reason,
        "message": message,
        "involvedObject": {"kind": "Service", "namespace": "default", "name": "nginx", "apiVersion": "v1"},
        "lastTimestamp": when,
    }


CASES = [
    ("PT500", sdk_error(403, "ELB.1091", "The number of load balancers exceeds the quota.")),
    ("PT500", sdk_error(409, "ELB.8905", "Quota exceeded for resources: ['loadbalancer']")),
    ("PT501", sdk_error(403, "ELB.6091", "The number of listeners reaches the limit.")),
    ("PT502", vpc_error("VPC.0703", "No more IP addresses available on network 0d0b6e5c-subnet.")),
    (
        "PT502",
        sdk_error(
            400,
            "ELB.8934",
            "The number of available IP addresses in the subnet on the downstream plane is insufficient.",
        ),
    ),
    ("PT503", vpc_error("VPC.0521", "Quota exceeded for resources: ['floatingip'].")),
    ("PT503", vpc_error("VPC.0532", "No more IP addresses available on network.")),
    ("PT504", sdk_error(404, "ELB.8904", "Flavor 1d8ed0a0-1e3a-4b6c-9d2f-7a0c5b1e2f33 could not be found.")),
    ("PT504", sdk_error(400, "ELB.8902", "Availability zone eu-de-04 is not available.")),
    ("PT505", sdk_error(404, "ELB.1002", "The load balancer is not found.")),
    (
        "PT505",
        sdk_error(404, "ELB.8904", "Loadbalancer 0e78a84a-7deb-4747-aeb6-09b6a820b001 could not be found."),
    ),
    (
        "PT506",
        sdk_error(400, "ELB.6200", "Load balancer 0e78a84a already has a listener with protocol_port of 80."),
    ),
    ("PT507", vpc_error("VPC.2201", "Policy doesn't allow vpc:publicIps:create to be performed.")),
    ("PT507", vpc_error("VPC.0502", "You are not allowed to assign the EIP.")),
    ("PT508", sdk_error(400, "ELB.8902", "Invalid input for 'name'.")),
    ("PT508", sdk_error(400, "ELB.1202", "enterprise_project_id can not be empty")),
]


@pytest.mark.parametrize(("code", "cause"), CASES, ids=[f"{c}-{i}" for i, (c, _) in enumerate(CASES)])
def test_each_documented_elb_error_of_a_pending_service_is_one_coded_finding(code: str, cause: str) -> None:
    findings = explain_pending("nginx", "services[0].elb", "default", "nginx", [event(PREFIX + cause)])
    assert [(f.code, f.severity) for f in findings] == [(code, Severity.ERROR)]
    finding = findings[0]
    assert finding.resource == "nginx"
    assert finding.field == "services[0].elb"
    assert "default/nginx" in finding.message
    assert finding.fix.endswith(".")


def test_the_cloud_code_is_named_and_the_event_quoted() -> None:
    cause = sdk_error(403, "ELB.1091", "The number of load balancers exceeds the quota.")
    (finding,) = explain_pending("nginx", "services[0].elb", "default", "nginx", [event(PREFIX + cause)])
    assert "(ELB.1091)" in finding.message
    assert "exceeds the quota" in finding.message


def test_an_unknown_elb_error_is_quoted_not_guessed() -> None:
    findings = explain_pending(
        "nginx", "services[0].elb", "default", "nginx", [event(PREFIX + "something the docs never mention")]
    )
    assert [f.code for f in findings] == ["PT509"]
    assert "something the docs never mention" in findings[0].message


def test_no_event_at_all_says_so_and_why_it_may_be_missing() -> None:
    findings = explain_pending("nginx", "services[0].elb", "default", "nginx", [])
    assert [f.code for f in findings] == ["PT510"]
    assert "1h" in findings[0].message


def test_events_of_other_objects_and_normal_events_are_not_read() -> None:
    other = event(PREFIX + sdk_error(403, "ELB.1091", "quota"))
    other["involvedObject"]["name"] = "other"
    normal = event("Ensuring load balancer", reason="EnsuringLoadBalancer")
    normal["type"] = "Normal"
    assert [f.code for f in explain_pending("nginx", "f", "default", "nginx", [other, normal])] == ["PT510"]


def test_each_cause_is_reported_once_newest_event_first() -> None:
    quota = event(PREFIX + sdk_error(403, "ELB.1091", "quota"), when="2026-11-30T08:00:00Z")
    again = event(PREFIX + sdk_error(403, "ELB.1091", "quota"), when="2026-11-30T08:05:00Z")
    eip = event(
        PREFIX + vpc_error("VPC.0521", "Quota exceeded for resources: ['floatingip']."),
        when="2026-11-30T08:09:00Z",
    )
    assert [f.code for f in explain_pending("nginx", "f", "default", "nginx", [quota, again, eip])] == [
        "PT503",
        "PT500",
    ]


def test_events_k8s_io_v1_shape_is_read_too() -> None:
    new_style = {
        "type": "Warning",
        "reason": "SyncLoadBalancerFailed",
        "note": PREFIX + sdk_error(400, "ELB.6200", "already has a listener with protocol_port of 80"),
        "regarding": {"kind": "Service", "namespace": "default", "name": "nginx"},
        "eventTime": "2026-11-30T08:01:00.000000Z",
    }
    assert [f.code for f in explain_pending("nginx", "f", "default", "nginx", [new_style])] == ["PT506"]


def test_hostile_event_text_is_one_escaped_bounded_line() -> None:
    text = quote("line1\nline2\x1b[31mred" + "x" * 1000)
    assert "\n" not in text and "\x1b" not in text
    assert "\\x1b" in text
    assert len(text) <= 300


def test_a_service_with_an_ingress_address_is_not_pending() -> None:
    service = {
        "spec": {"type": "LoadBalancer"},
        "status": {"loadBalancer": {"ingress": [{"ip": "192.0.2.1"}]}},
    }
    assert not is_pending(service)
    assert is_pending({"spec": {"type": "LoadBalancer"}, "status": {"loadBalancer": {}}})
    assert not is_pending({"spec": {"type": "ClusterIP"}})


def test_translate_prefers_the_code_to_the_text() -> None:
    translation, code = translate(sdk_error(400, "ELB.6200", "Invalid input for 'port'"))
    assert translation is not None and translation.rule.code == "PT506" and code == "ELB.6200"
