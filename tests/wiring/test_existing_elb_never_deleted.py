"""An ELB the stack names by id (`elb.existing`, or shared with a service that names one) is never
deleted by a plan, proved at the level the engine works at.

The engine deletes only what its previous state holds: a resource of that state the program does not
register again, or the old half of a replacement (pulumi/pulumi `step_generator.go`, `GenerateDeletes`).
So the proof has two halves, over every ELB mode and every change of an immutable annotation:
1. no state this program writes holds the existing ELB: it is never registered nor read as a resource
   (it is read by id through a data source, an invoke), no resource carries its id;
2. the steps from one state to the next delete or replace nothing but the Kubernetes objects, and a
   Service that is deleted while it names the existing ELB never carries `kubernetes.io/elb.autocreate`
   (with both, CCE treats the existing ELB as autocreated and deletes it with the Service; cce_10_0385).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cce_passthrough.core import annotations as ann
from cce_passthrough.offline.analyze import analyze
from cce_passthrough.offline.plan import PlanResult
from cce_passthrough.offline.steps import PriorResource, Step, plan_steps
from helpers import STANDARD_CLUSTER, run_stack, service, write_stack
from helpers.state import state_of
from wiring.test_policy import STANDARD, codes, k8s_service

SHARED_ID = "1a2b3c4d-0000-4000-8000-00000000e1b1"
OTHER_ID = "1a2b3c4d-0000-4000-8000-00000000e1b2"
DEDICATED_ID = "1a2b3c4d-0000-4000-8000-00000000e1b3"
SERVICE = "kubernetes:core/v1:Service"
CLOUD_TYPES = {
    "huaweicloud:Elb/loadbalancer:Loadbalancer",
    "huaweicloud:DedicatedElb/loadbalancer:Loadbalancer",
    "huaweicloud:Vpc/eip:Eip",
    "huaweicloud:Vpc/bandwidth:Bandwidth",
}
DEDICATED_AUTOCREATE = {
    "type": "inner",
    "available_zone": ["cn-north-4a"],
    "l4_flavor_name": "L4_flavor.elb.s1.small",
}
MANAGED = {"subnetId": "5c1e0f7a-9d2b-4e83-a6f4-0b7c3d2e1f90"}

# Every way a service gets its ELB; the existing ones name SHARED_ID or DEDICATED_ID.
MODES: dict[str, list[dict[str, Any]]] = {
    "existing shared": [service("web", elb={"class": "shared", "existing": {"id": SHARED_ID}})],
    "existing dedicated": [service("web", elb={"class": "dedicated", "existing": {"id": DEDICATED_ID}})],
    "autocreate shared": [service("web")],
    "autocreate dedicated": [service("web", elb={"class": "dedicated", "autocreate": DEDICATED_AUTOCREATE})],
    "managed shared": [service("web", elb={"class": "shared", "managed": MANAGED})],
    "shareWith an existing ELB": [
        service("web", elb={"class": "shared", "existing": {"id": SHARED_ID}}),
        service(
            "api",
            ports=[{"name": "grpc", "port": 9090, "targetPort": 9090, "protocol": "TCP"}],
            elb={"class": "shared", "shareWith": "web"},
        ),
    ],
    "shareWith a managed ELB": [
        service("web", elb={"class": "shared", "managed": MANAGED}),
        service(
            "api",
            ports=[{"name": "grpc", "port": 9090, "targetPort": 9090, "protocol": "TCP"}],
            elb={"class": "shared", "shareWith": "web"},
        ),
    ],
}
EXISTING_MODES = ("existing shared", "existing dedicated", "shareWith an existing ELB")


def _run(tmp_path: Path, services: list[dict[str, Any]], preview: bool, run: str = "") -> PlanResult:
    """One run of stack `test`; `run` names its directory, so that two runs of one stack can be compared."""
    directory = tmp_path / run if run else tmp_path
    directory.mkdir(exist_ok=True)
    path = write_stack(directory, STANDARD_CLUSTER, services)
    result, _ = run_stack(config_file=path, preview=preview)
    assert result.ok, [d.render() for d in result.diagnostics]
    return result


def _mentions(value: Any, needle: str) -> bool:
    if isinstance(value, dict):
        return any(_mentions(v, needle) for v in value.values())
    if isinstance(value, list):
        return any(_mentions(v, needle) for v in value)
    return isinstance(value, str) and needle in value


def _annotations(resource: PriorResource) -> dict[str, Any]:
    annotations: dict[str, Any] = dict(resource.inputs.get("metadata", {}).get("annotations") or {})
    return annotations


# The offline `up` gives a created ELB the id `<name>-id`, which a service sharing it rejects as no UUID
# (PT209): that pair runs as a preview only.
RUNS = [
    (mode, preview)
    for mode in MODES
    for preview in (True, False)
    if preview or mode != "shareWith a managed ELB"
]


@pytest.mark.parametrize(("mode", "preview"), RUNS)
def test_an_existing_elb_is_read_by_id_never_registered_as_a_resource(
    tmp_path: Path, mode: str, preview: bool
) -> None:
    result = _run(tmp_path, MODES[mode], preview)
    cloud = [r for r in result.resources if r.type in CLOUD_TYPES]
    if mode.startswith("managed") or mode == "shareWith a managed ELB":
        assert {r.name for r in cloud} == {"web-elb"}  # the ELB Pulumi creates, and only that one
    else:
        assert cloud == []
    assert all(r.action == "create" or r.type.startswith("pulumi:providers:") for r in result.resources)
    for existing_id in (SHARED_ID, DEDICATED_ID):
        holders = [r for r in result.resources if _mentions(r.inputs, existing_id)]
        # The id travels only as the Services' elb.id annotation, which is how CCE is told to use it.
        assert all(r.type == SERVICE for r in holders)
        for holder in holders:
            annotations = holder.inputs["metadata"]["annotations"]
            assert annotations[ann.ID] == existing_id and ann.AUTOCREATE not in annotations
    # a cloud read, if any, is a data source (an invoke), which the engine never records in the state
    assert all(token.split(":")[-1].startswith("get") for token, _ in result.invokes)


def _existing(elb_id: str = SHARED_ID, **overrides: Any) -> dict[str, Any]:
    return service("web", elb={"class": "shared", "existing": {"id": elb_id}}, **overrides)


# Every change of a field CCE takes only at creation (the component's replaceOnChanges), from a service on
# the existing ELB SHARED_ID, and the change away from existing altogether.
CHANGES: dict[str, list[dict[str, Any]]] = {
    "elb.id to another existing ELB": [_existing(OTHER_ID)],
    "elb.class (and so the ELB)": [
        service("web", elb={"class": "dedicated", "existing": {"id": DEDICATED_ID}})
    ],
    "existing to autocreate": [service("web")],
    "existing to managed": [service("web", elb={"class": "shared", "managed": MANAGED})],
    "externalTrafficPolicy": [_existing(externalTrafficPolicy="Local")],
    "elb.protocol-port": [
        _existing(
            ports=[{"name": "http", "port": 80, "targetPort": 80, "protocol": "TCP"}],
            annotations={"kubernetes.io/elb.protocol-port": "http:80"},
        )
    ],
    "the service removed": [service("other", elb={"class": "shared", "autocreate": {"type": "inner"}})],
    "a second service shares it": [
        _existing(),
        service(
            "api",
            ports=[{"name": "grpc", "port": 9090, "targetPort": 9090, "protocol": "TCP"}],
            elb={"class": "shared", "shareWith": "web"},
        ),
    ],
}


def _delete_steps(steps: list[Step]) -> list[Step]:
    return [step for step in steps if step.deletes]


@pytest.mark.parametrize("change", CHANGES)
def test_no_change_of_an_immutable_annotation_deletes_an_existing_elb(tmp_path: Path, change: str) -> None:
    before = state_of(_run(tmp_path, [_existing()], preview=False, run="before"))
    after = _run(tmp_path, CHANGES[change], preview=True, run="after")
    steps = plan_steps(before, after)

    assert not any(r.id in (SHARED_ID, OTHER_ID, DEDICATED_ID) for r in before)
    deleted = _delete_steps(steps)
    assert {step.type for step in deleted} <= {SERVICE, "kubernetes:apps/v1:Deployment"}
    olds = {r.urn: r for r in before}
    for step in deleted:
        if step.type == SERVICE:
            # What CCE sees go: a Service that names the ELB by id alone, which CCE leaves in place.
            old = _annotations(olds[step.urn])
            assert old[ann.ID] == SHARED_ID and ann.AUTOCREATE not in old
    if change in ("the service removed",) or change.startswith(("elb.", "existing", "external")):
        assert [s.op for s in deleted if s.type == SERVICE] == [
            "delete" if change == "the service removed" else "replace"
        ]
    if change == "a second service shares it":
        assert deleted == []


def test_the_offline_step_model_replaces_a_service_on_each_immutable_path_and_deletes_what_is_gone(
    tmp_path: Path,
) -> None:
    before = state_of(_run(tmp_path, [_existing()], preview=False, run="before"))
    replaced = plan_steps(before, _run(tmp_path, [_existing(OTHER_ID)], preview=True, run="after"))
    [service_step] = [s for s in replaced if s.type == SERVICE]
    assert service_step.op == "replace" and service_step.delete_first
    assert service_step.replace_paths == ('metadata.annotations["kubernetes.io/elb.id"]',)
    same = plan_steps(before, _run(tmp_path, [_existing()], preview=True, run="same"))
    assert {s.op for s in same} <= {"keep", "read"} and _delete_steps(same) == []
    # a read resource left out is discarded from the state, never deleted in the cloud
    read = PriorResource(
        urn="urn:pulumi:test::cce-passthrough::huaweicloud:Elb/loadbalancer:Loadbalancer::seen",
        type="huaweicloud:Elb/loadbalancer:Loadbalancer",
        id=SHARED_ID,
        external=True,
    )
    left_out = _run(tmp_path, [_existing()], preview=True, run="same")
    [discard] = [s for s in plan_steps([read], left_out) if s.urn == read.urn]
    assert discard.op == "discard" and not discard.deletes


def test_the_policy_pack_blocks_a_service_that_would_make_cce_delete_an_existing_elb() -> None:
    """`pulumi preview --policy-pack policy`, over any program's Services (a hand-written one too): an
    existing ELB's id next to elb.autocreate is mandatory PT201, since CCE would count the existing ELB
    as autocreated and delete it with the Service (cce_10_0385)."""
    both = {
        "kubernetes.io/elb.class": "union",
        "kubernetes.io/elb.id": SHARED_ID,
        "kubernetes.io/elb.autocreate": '{"type":"inner"}',
    }
    assert codes(analyze([k8s_service("web", both)], STANDARD), "mandatory") == ["PT201"]
    by_id = {key: value for key, value in both.items() if key != "kubernetes.io/elb.autocreate"}
    assert codes(analyze([k8s_service("web", by_id)], STANDARD), "mandatory") == []
