"""`preview --state FILE`: the plan compared with the stack's previous state says what it does to what
the user owns.

CCE deletes the ELB it autocreated for a Service when the Service is deleted (unless other resources
still use it), and the EIP it created with it; an EIP created by hand is only unbound (cce_10_0681
"Constraints", cce_10_0924 "Notes and Constraints"). Every change of a field CCE takes only at creation
replaces the Service, deleting it first: PT217 says so, on the field that changed, with the addresses
that are released. A plan that unprotects a protected ELB, EIP or bandwidth: PT218. A state file that
cannot answer: PT219, exit 2."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from cce_passthrough.cli.main import main
from cce_passthrough.core.diagnostics import Diagnostic
from cce_passthrough.offline.preview import preview
from cce_passthrough.rules.stackfile import StackFileError
from helpers import ROOT, STANDARD_CLUSTER, run_stack, service, write_stack
from helpers.state import write_export

PUBLIC = {
    "type": "public",
    "name": "web-elb",
    "bandwidth_name": "web-bw",
    "bandwidth_chargemode": "traffic",
    "bandwidth_size": 5,
    "bandwidth_sharetype": "PER",
    "eip_type": "5_bgp",
}
MANAGED: dict[str, Any] = {
    "subnetId": "5c1e0f7a-9d2b-4e83-a6f4-0b7c3d2e1f90",
    "eip": {"type": "5_bgp", "bandwidth": {"shareType": "PER", "name": "bw", "size": 5}},
    "protect": True,
}


def _public(**overrides: Any) -> dict[str, Any]:
    return service("web", elb={"class": "shared", "autocreate": dict(PUBLIC)}, **overrides)


def _stack(directory: Path, services: list[dict[str, Any]]) -> Path:
    directory.mkdir(exist_ok=True)
    return write_stack(directory, STANDARD_CLUSTER, services)


def _state(tmp_path: Path, services: list[dict[str, Any]]) -> Path:
    """The state after `pulumi up` of `services`, as `pulumi stack export` prints it."""
    result, _ = run_stack(config_file=_stack(tmp_path / "before", services), preview=False)
    assert result.ok
    return write_export(result, tmp_path / "state.json")


def _findings(tmp_path: Path, before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[Diagnostic]:
    state = _state(tmp_path, before)
    result = preview(ROOT, config_file=_stack(tmp_path / "after", after), state=state)
    return [d for d in result.diagnostics if d.code in ("PT217", "PT218")]


AUTOCREATE_CHANGES = {
    "services[0].elb.autocreate": [
        service("web", elb={"class": "shared", "autocreate": {**PUBLIC, "bandwidth_size": 10}})
    ],
    "services[0].elb.class": [
        service(
            "web",
            elb={
                "class": "dedicated",
                "autocreate": {
                    **PUBLIC,
                    "available_zone": ["cn-north-4a"],
                    "l4_flavor_name": "L4_flavor.elb.s1.small",
                },
            },
        )
    ],
    "services[0].externalTrafficPolicy": [_public(externalTrafficPolicy="Local")],
    'services[0].annotations["kubernetes.io/elb.protocol-port"]': [
        _public(annotations={"kubernetes.io/elb.protocol-port": "http:80"})
    ],
    "services[0].elb": [
        service("web", elb={"class": "shared", "existing": {"id": "6b3a4a49-8d4f-4f3a-a0a5-2f6d5c9e0b7d"}})
    ],
}


@pytest.mark.parametrize("field", AUTOCREATE_CHANGES)
def test_replacing_an_autocreate_service_warns_that_cce_deletes_its_elb_and_eip(
    tmp_path: Path, field: str
) -> None:
    [warning] = _findings(tmp_path, [_public()], AUTOCREATE_CHANGES[field])
    assert (warning.code, warning.severity.value, warning.resource, warning.field) == (
        "PT217",
        "warning",
        "web",
        field,
    )
    assert "replaces Service 'web', deleting it first" in warning.message
    assert "the EIP CCE created with it" in warning.message
    # the addresses the offline `up` gave the ELB: its EIP and its VIP (cce_10_0924's ingress order)
    assert "'203.0.113.20'" in warning.message and "'192.168.0.20'" in warning.message
    assert "kubernetes.io/elb.custom-eip-id" in warning.fix


def test_moving_an_autocreated_elb_to_existing_still_replaces_the_service_and_says_so(tmp_path: Path) -> None:
    # The id CCE wrote back, now declared as existing: the autocreate annotation goes, the Service is
    # replaced and deleted first, and CCE deletes the ELB it still counts as autocreated.
    [warning] = _findings(tmp_path, [_public()], AUTOCREATE_CHANGES["services[0].elb"])
    assert warning.code == "PT217" and "elb.autocreate" in warning.message


def test_an_inner_autocreated_elb_has_no_eip_to_lose(tmp_path: Path) -> None:
    before = [service("web")]
    after = [service("web", elb={"class": "shared", "autocreate": {"type": "inner", "name": "other"}})]
    [warning] = _findings(tmp_path, before, after)
    assert warning.code == "PT217" and "EIP" not in warning.message


def test_deleting_an_autocreate_service_warns_too(tmp_path: Path) -> None:
    [warning] = _findings(tmp_path, [_public(), service("api")], [service("api")])
    assert (warning.code, warning.resource, warning.field) == ("PT217", "web", "services")
    assert "no longer in the stack" in warning.message


@pytest.mark.parametrize(
    "after",
    [
        [_public()],
        [_public(replicas=3)],
        [_public(annotations={"kubernetes.io/elb.lb-algorithm": "LEAST_CONNECTIONS"})],
    ],
    ids=["unchanged", "replicas", "a mutable annotation"],
)
def test_a_change_that_keeps_the_service_says_nothing(tmp_path: Path, after: list[dict[str, Any]]) -> None:
    assert _findings(tmp_path, [_public()], after) == []


def test_a_service_on_an_existing_elb_is_replaced_without_a_warning(tmp_path: Path) -> None:
    existing = "6b3a4a49-8d4f-4f3a-a0a5-2f6d5c9e0b7d"
    before = [service("web", elb={"class": "shared", "existing": {"id": existing}})]
    after = [
        service("web", elb={"class": "shared", "existing": {"id": existing}}, externalTrafficPolicy="Local")
    ]
    assert _findings(tmp_path, before, after) == []


def test_a_plan_that_unprotects_a_managed_elb_says_so(tmp_path: Path) -> None:
    before = [service("web", elb={"class": "shared", "managed": MANAGED})]
    after = [service("web", elb={"class": "shared", "managed": {**MANAGED, "protect": False}})]
    found = _findings(tmp_path, before, after)
    assert [(d.code, d.resource, d.field) for d in found] == [
        ("PT218", "web", "services[0].elb.managed.protect")
    ]
    assert "unprotects" in found[0].message


def test_the_cli_prints_the_warning_in_the_tree_and_the_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = _state(tmp_path, [_public()])
    after = _stack(tmp_path / "after", [_public(externalTrafficPolicy="Local")])
    base = ["preview", "--project", str(ROOT), "--config", str(after), "--state", str(state)]
    assert main(base) == 0
    assert "warning: PT217 services[0].externalTrafficPolicy" in capsys.readouterr().out
    assert main([*base, "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert [d["field"] for d in payload["diagnostics"] if d["code"] == "PT217"] == [
        "services[0].externalTrafficPolicy"
    ]


def _refused(tmp_path: Path, state: Path) -> Diagnostic:
    with pytest.raises(StackFileError) as refused:
        preview(ROOT, config_file=_stack(tmp_path / "after", [_public()]), state=state)
    assert refused.value.diagnostic.code == "PT219"
    return refused.value.diagnostic


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("not json", "is not JSON"),
        ("[" * 100_000, "is not JSON"),
        ('{"version": 3}', "no deployment.resources"),
        (
            json.dumps({"deployment": {"resources": [{"urn": "urn:pulumi:prod::other::t::x", "type": "t"}]}}),
            "prod",
        ),
    ],
    ids=["text", "deep nesting", "no resources", "another stack"],
)
def test_a_state_file_that_cannot_answer_is_refused(tmp_path: Path, content: str, said: str) -> None:
    state = tmp_path / "state.json"
    state.write_text(content)
    assert said in _refused(tmp_path, state).message


def test_a_fifo_or_a_directory_is_refused_unread(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert "FIFO" in _refused(tmp_path, fifo).message
    assert "directory" in _refused(tmp_path, tmp_path).message


def test_the_backends_checkpoint_is_read_as_well(tmp_path: Path) -> None:
    exported = json.loads(_state(tmp_path, [_public()]).read_text())
    checkpoint = tmp_path / "checkpoint.json"
    checkpoint.write_text(
        json.dumps({"version": 3, "checkpoint": {"stack": "test", "latest": exported["deployment"]}})
    )
    result = preview(
        ROOT,
        config_file=_stack(tmp_path / "after", [_public(externalTrafficPolicy="Local")]),
        state=checkpoint,
    )
    assert [d.code for d in result.diagnostics if d.code == "PT217"] == ["PT217"]


def test_an_unreadable_state_exits_2_with_the_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    after = _stack(tmp_path / "after", [_public()])
    code = main(
        ["preview", "--project", str(ROOT), "--config", str(after), "--state", str(tmp_path / "missing.json")]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "PT219" in err and "missing.json" in err and "does not exist" in err


def test_a_production_stack_that_unprotects_says_it_once(tmp_path: Path) -> None:
    before = [service("web", elb={"class": "shared", "managed": MANAGED})]
    after = [service("web", elb={"class": "shared", "managed": {**MANAGED, "protect": False}})]
    state = _state(tmp_path, before)
    stack = _stack(tmp_path / "after", after)
    stack.write_text(stack.read_text() + "  cce-passthrough:production: true\n")
    result = preview(ROOT, config_file=stack, state=state)
    assert [(d.code, d.field) for d in result.diagnostics if d.code == "PT218"] == [
        ("PT218", "services[0].elb.managed.protect")
    ]
