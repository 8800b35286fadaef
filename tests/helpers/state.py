"""The state `pulumi up` would leave, from an offline run in update mode: as PriorResource objects, and as
the document `pulumi stack export` prints (for `preview --state`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cce_passthrough.offline.engine import computed_outputs
from cce_passthrough.offline.plan import PlannedResource, PlanResult
from cce_passthrough.offline.steps import PriorResource


def _id(resource: PlannedResource) -> str | None:
    return f"{resource.name}-id" if resource.custom else None


def state_of(result: PlanResult) -> list[PriorResource]:
    """Each registered resource with its id, each read one as external."""
    assert not result.preview
    return [
        PriorResource(
            urn=r.urn,
            type=r.type,
            id=_id(r),
            custom=r.custom,
            external=r.action == "read",
            protect=r.protect,
            inputs=r.inputs,
            outputs={**r.inputs, **computed_outputs(r.type, r.name, r.inputs)},
        )
        for r in result.resources
    ]


def export_document(result: PlanResult) -> dict[str, Any]:
    """`pulumi stack export` of the state an update-mode run leaves (the fields this project reads)."""
    resources = []
    for resource, prior in zip(result.resources, state_of(result), strict=True):
        entry: dict[str, Any] = {"urn": prior.urn, "custom": prior.custom, "type": prior.type}
        if prior.id is not None:
            entry["id"] = prior.id
        entry |= {"inputs": prior.inputs, "outputs": prior.outputs}
        if resource.parent:
            entry["parent"] = resource.parent
        if prior.protect:
            entry["protect"] = True
        if prior.external:
            entry["external"] = True
        resources.append(entry)
    return {
        "version": 3,
        "deployment": {"manifest": {"time": "2026-12-01T07:00:00Z"}, "resources": resources},
    }


def write_export(result: PlanResult, path: Path) -> Path:
    path.write_text(json.dumps(export_document(result), indent=2))
    return path
