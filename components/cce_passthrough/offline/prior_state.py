"""The stack's previous state (`preview --state FILE`) and what the plan does to it.

The file is what `pulumi stack export` prints (`{"version": 3, "deployment": {"resources": [...]}}`) or
the checkpoint a DIY backend stores for the stack (`{"checkpoint": {"latest": {"resources": [...]}}}`).
It is read with bounds (a regular file of at most `STATE_LIMITS.file_bytes`, JSON), must be of the
previewed project and stack, and only three things of each resource are used: its URN and type, whether
it is protected or only read, and the inputs a replacement is decided on. No value of it is printed: a
finding names fields and addresses, never an input.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..core.diagnostics import Diagnostic
from ..core.text import printable
from ..rules.checks.protection import unprotected_by_plan
from ..rules.checks.replacement import autocreated_elb, autocreated_elb_released, state_unreadable
from ..rules.stackconfig import read_text
from ..rules.stackfile import Limits, StackFileError
from .plan import PlanResult
from .steps import PriorResource, plan_steps

STATE_LIMITS = Limits(file_bytes=64 * 1024 * 1024)
SERVICE = "kubernetes:core/v1:Service"
PROTECTED_TYPES = (
    "huaweicloud:Elb/loadbalancer:Loadbalancer",
    "huaweicloud:DedicatedElb/loadbalancer:Loadbalancer",
    "huaweicloud:Vpc/eip:Eip",
    "huaweicloud:Vpc/bandwidth:Bandwidth",
)
# A value `pulumi stack export` wrote as a secret: never compared, never shown.
_SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d"


def _refuse(name: str, reason: str) -> StackFileError:
    return StackFileError(state_unreadable(name, reason))


def _resources(document: Any) -> Any:
    if not isinstance(document, Mapping):
        return None
    deployment = document.get("deployment")
    if isinstance(deployment, Mapping):
        return deployment.get("resources", [])
    checkpoint = document.get("checkpoint")
    if isinstance(checkpoint, Mapping):
        latest = checkpoint.get("latest")
        return latest.get("resources", []) if isinstance(latest, Mapping) else []
    return None


def _mapping(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


def _prior(raw: Any) -> PriorResource | None:
    if not isinstance(raw, Mapping):
        return None
    urn, type_ = raw.get("urn"), raw.get("type")
    if not isinstance(urn, str) or not isinstance(type_, str) or raw.get("delete") is True:
        return None  # a resource already pending deletion is the engine's to finish, not a plan's
    resource_id = raw.get("id")
    return PriorResource(
        urn=urn,
        type=type_,
        id=resource_id if isinstance(resource_id, str) else None,
        custom=raw.get("custom") is True,
        external=raw.get("external") is True,
        protect=raw.get("protect") is True,
        inputs=_mapping(raw.get("inputs")),
        outputs=_mapping(raw.get("outputs")),
    )


def read_state(path: Path, project: str, stack: str) -> list[PriorResource]:
    """The resources of a previous state of `project`/`stack`; StackFileError (PT219, exit 2) else."""
    name = printable(str(path))
    try:
        text = read_text(path, STATE_LIMITS)
    except StackFileError as exc:
        raise _refuse(name, exc.diagnostic.message.removeprefix(f"{path}: ").rstrip(".")) from None
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        raise _refuse(name, "is not JSON") from None
    raw_resources = _resources(document)
    if not isinstance(raw_resources, list):
        raise _refuse(name, "is not a pulumi stack export document (no deployment.resources)")
    resources = [r for r in (_prior(raw) for raw in raw_resources) if r is not None]
    prefix = f"urn:pulumi:{stack}::{project}::"
    foreign = next((r.urn for r in resources if not r.urn.startswith(prefix)), None)
    if foreign is not None:
        raise _refuse(name, f"holds {printable(foreign[:200])!r}, not a resource of stack {stack!r}")
    return resources


def _service_name(urn: str | None) -> str | None:
    """The component a resource belongs to is named after its service (`...::web` -> `web`)."""
    return urn.rsplit("::", 1)[-1] if urn else None


def _annotations(inputs: Mapping[str, Any]) -> dict[str, Any]:
    annotations = _mapping(_mapping(inputs.get("metadata")).get("annotations"))
    return {k: v for k, v in annotations.items() if not (isinstance(v, Mapping) and _SECRET_SIGNATURE in v)}


def _addresses(outputs: Mapping[str, Any]) -> list[str]:
    ingress = _mapping(_mapping(outputs.get("status")).get("loadBalancer")).get("ingress")
    return (
        [str(i["ip"]) for i in ingress if isinstance(i, Mapping) and i.get("ip")]
        if isinstance(ingress, list)
        else []
    )


def safety_findings(prior: list[PriorResource], result: PlanResult) -> list[Diagnostic]:
    """PT217 for each autocreate Service the plan replaces or deletes, PT218 for each protected ELB, EIP
    or bandwidth it unprotects (unless the stack's own PT218 already says so)."""
    olds = {resource.urn: resource for resource in prior}
    parents = {resource.urn: resource.parent for resource in result.resources}
    # The stack's own finding on a service's protection already says it; one mistake, one finding.
    said = {d.resource for d in result.diagnostics if d.field.endswith("elb.managed.protect")}
    findings: list[Diagnostic] = []
    for step in plan_steps(prior, result):
        old = olds.get(step.urn)
        if old is None:
            continue
        service = _service_name(parents.get(step.urn)) or old.urn.rsplit("::", 1)[-1].removesuffix("-service")
        path = result.service_paths.get(service)
        kind = autocreated_elb(_annotations(old.inputs)) if step.type == SERVICE else None
        if kind is not None and step.deletes:
            findings.append(
                autocreated_elb_released(
                    service,
                    path if step.op == "replace" else None,
                    kind,
                    step.replace_paths,
                    _addresses(old.outputs),
                )
            )
        if step.unprotects and step.type in PROTECTED_TYPES and service not in said:
            findings.append(unprotected_by_plan(service, path, step.urn.rsplit("::", 1)[-1]))
            said.add(service)
    return findings
