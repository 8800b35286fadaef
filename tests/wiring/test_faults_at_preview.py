"""Faults at preview (issue 11): the cluster or an ELB lookup failing, timing out or answering with
partial data, and the policy pack raising. Each is a coded finding, never a traceback, and the plan of
the services the fault does not touch still prints. An update declares nothing while there is an error,
so that no part of a broken stack is applied."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from cce_passthrough.cli.main import main
from cce_passthrough.cli.tree import tree_text
from cce_passthrough.offline.plan import PlanResult
from cce_passthrough.wiring.lookup import GET_CLUSTER, GET_DEDICATED_ELBS, GET_SHARED_ELB
from helpers import ROOT, FixtureInvokes, run_stack, service, write_stack

LOOKUP = {"name": "lookup-cce", "lookup": True, "kubeProxyMode": "iptables"}
ELB_ID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
DEDICATED_ELB_ID = "7c6b5a49-3e2d-4c1b-9a08-f7e6d5c4b3a2"
Handler = Callable[[str, Mapping[str, Any]], Mapping[str, Any]]


def failing(token: str, fault: BaseException | Mapping[str, Any]) -> Handler:
    """The fixtures' answers, but `token` raises `fault` or answers with it (partial data)."""
    fixtures = FixtureInvokes()

    def answer(asked: str, args: Mapping[str, Any]) -> Mapping[str, Any]:
        if asked == token:
            if isinstance(fault, BaseException):
                raise fault
            return fault
        return fixtures(asked, args)

    return answer


def two_services(tmp_path: Path, elb: Mapping[str, Any] | None = None) -> Path:
    """`web` with an ELB CCE creates, `legacy` on an existing ELB that a lookup reads."""
    legacy = service("legacy", elb=elb or {"class": "shared", "existing": {"id": ELB_ID}})
    return write_stack(tmp_path, LOOKUP, [service("web"), legacy])


def planned_services(result: PlanResult) -> set[str]:
    return {r.name for r in result.by_type("kubernetes:core/v1:Service")}


@pytest.mark.parametrize(
    "fault",
    [
        ConnectionResetError("connection reset by peer"),
        TimeoutError("context deadline exceeded (Client.Timeout exceeded while awaiting headers)"),
        LookupError("Error: cluster 'lookup-cce' not found (HTTP 404)"),
        {},  # an answer without any field
        {"clusterVersion": "1.28-beta", "containerNetworkType": "unheard-of"},  # values nobody documents
    ],
    ids=["failing", "timing-out", "not-found", "empty-answer", "unreadable-values"],
)
def test_a_cluster_lookup_fault_is_pt904(tmp_path: Path, fault: Any) -> None:
    result, _ = run_stack(config_file=two_services(tmp_path), invokes=failing(GET_CLUSTER, fault))  # type: ignore[arg-type]
    assert "PT904" in {d.code for d in result.diagnostics}
    assert all(d.fix and d.message for d in result.diagnostics)
    # every service rests on the cluster's facts: none is planned, and the tree says why
    assert planned_services(result) == set()
    assert "nothing planned: the configuration has errors" in tree_text(result)


@pytest.mark.parametrize(
    ("token", "fault", "elb"),
    [
        (GET_SHARED_ELB, ConnectionResetError("connection reset by peer"), None),
        (GET_SHARED_ELB, TimeoutError("context deadline exceeded"), None),
        (GET_SHARED_ELB, RuntimeError("ELB.0001 internal error"), None),
        (
            GET_DEDICATED_ELBS,
            {"loadbalancers": []},
            {"class": "dedicated", "existing": {"id": DEDICATED_ELB_ID}},
        ),
    ],
    ids=["failing", "timing-out", "provider-error", "empty-answer"],
)
def test_an_elb_lookup_fault_is_pt209_and_the_other_service_still_plans(
    tmp_path: Path, token: str, fault: Any, elb: Any
) -> None:
    stack = two_services(tmp_path, elb)
    result, _ = run_stack(config_file=stack, invokes=failing(token, fault))  # type: ignore[arg-type]
    assert [(d.code, d.resource) for d in result.diagnostics if d.severity.value == "error"] == [
        ("PT209", "legacy")
    ]
    assert planned_services(result) == {"web-service"}
    tree = tree_text(result)
    assert "web-service" in tree and "legacy-service" not in tree
    assert "only for the services without errors" in tree and "PT209" in tree


def test_an_elb_answer_without_a_vpc_leaves_the_vpc_check_waiting(tmp_path: Path) -> None:
    elb = {"class": "dedicated", "existing": {"id": DEDICATED_ELB_ID}}
    partial = {"loadbalancers": [{"id": DEDICATED_ELB_ID}]}
    result, _ = run_stack(
        config_file=two_services(tmp_path, elb), invokes=failing(GET_DEDICATED_ELBS, partial)
    )  # type: ignore[arg-type]
    assert not [d for d in result.diagnostics if d.severity.value == "error"]
    assert planned_services(result) == {"web-service", "legacy-service"}


def test_an_update_declares_nothing_while_there_is_an_error(tmp_path: Path) -> None:
    fault = failing(GET_SHARED_ELB, TimeoutError("context deadline exceeded"))
    result, _ = run_stack(config_file=two_services(tmp_path), invokes=fault, preview=False)  # type: ignore[arg-type]
    assert [d.code for d in result.diagnostics if d.severity.value == "error"] == ["PT209"]
    assert planned_services(result) == set()


def test_services_on_the_elb_of_a_failing_service_are_not_planned_either(tmp_path: Path) -> None:
    sharer = service("api", elb={"class": "shared", "shareWith": "legacy"}, ports=[{"name": "p", "port": 81}])
    stack = write_stack(
        tmp_path,
        LOOKUP,
        [service("web"), service("legacy", elb={"class": "shared", "existing": {"id": ELB_ID}}), sharer],
    )
    result, _ = run_stack(config_file=stack, invokes=failing(GET_SHARED_ELB, TimeoutError("deadline")))  # type: ignore[arg-type]
    assert planned_services(result) == {"web-service"}


def test_a_policy_pack_that_raises_is_pt913_and_the_plan_still_prints(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("policy pack crashed")

    monkeypatch.setattr("cce_passthrough.cli.policy_report.analyze", broken)
    base = ["preview", "--project", str(ROOT), "--stack", "dev", "--policy-pack"]
    assert main(base) == 1
    out = capsys.readouterr().out
    assert "nginx-service" in out and "+ 5 to create" in out
    assert "PT913 --policy-pack: the policy pack could not run over the plan: RuntimeError" in out
    assert main([*base, "--json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["resources"] and [d["code"] for d in payload["diagnostics"]] == ["PT913"]
