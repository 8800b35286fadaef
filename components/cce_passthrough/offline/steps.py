"""What `pulumi up` would do to a stack's previous state: the steps the real engine derives from a plan.

Shaped after the engine's step generator (pulumi/pulumi `pkg/resource/deploy/step_generator.go`): a
resource the program registers again under the same URN is the same, updated or, when a property named
in its `replaceOnChanges` changed, replaced (deleted first with `deleteBeforeReplace`); a resource of
the previous state that the program no longer registers is deleted (`GenerateDeletes`), unless the state
only read it (`external`), which the engine discards from the state without calling the provider
(`DeleteStep.Op`: `OpReadDiscard`). Nothing outside the previous state can ever be deleted by a plan.
Ignored paths (`ignoreChanges`) keep their recorded value, as the engine applies them before diffing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..core.property_paths import value_at
from .plan import COMPUTED, PlannedResource, PlanResult


@dataclass(frozen=True)
class PriorResource:
    """One resource of a previous state, as `pulumi stack export` writes it."""

    urn: str
    type: str
    id: str | None = None
    custom: bool = True
    external: bool = False
    protect: bool = False
    inputs: Mapping[str, Any] = field(default_factory=dict)
    outputs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    op: str
    """`create`, `keep` (same, or updated in place), `replace`, `delete`, `read`, and `discard` (a read
    resource left out: dropped from the state, not deleted)."""
    urn: str
    type: str
    replace_paths: tuple[str, ...] = ()
    """The `replaceOnChanges` paths whose value changed (for `replace`)."""
    delete_first: bool = False
    """`replace` with `deleteBeforeReplace`: the old object is gone before the new one exists."""
    unprotects: bool = False
    """The previous state protected the resource and the plan does not."""

    @property
    def deletes(self) -> bool:
        """Whether the step deletes a cloud object (a replacement deletes the old one)."""
        return self.op in ("delete", "replace")


def _changed(old: Mapping[str, Any], new: Mapping[str, Any], path: str, fresh: bool) -> bool:
    """`fresh`: the resource waits for one this plan creates. A value known only after `pulumi up` is
    then new (an id that does not exist yet); otherwise it comes from a resource the state holds, whose
    outputs the real engine knows at preview, and is taken as unchanged."""
    before, after = value_at(old, path), value_at(new, path)
    if after == COMPUTED:
        return fresh
    return bool(before != after)


def _ignored(path: str, ignore_changes: list[str]) -> bool:
    return any(path == ignored or path.startswith(ignored + ".") for ignored in ignore_changes)


def _step(resource: PlannedResource, old: PriorResource | None, created: set[str]) -> Step:
    if resource.action == "read":
        return Step("read", resource.urn, resource.type)
    if old is None:
        return Step("create", resource.urn, resource.type)
    unprotects = old.protect and not resource.protect
    fresh = any(dependency in created for dependency in resource.dependencies)
    replaced = tuple(
        path
        for path in resource.replace_on_changes
        if not _ignored(path, resource.ignore_changes) and _changed(old.inputs, resource.inputs, path, fresh)
    )
    if replaced and old.custom and not old.external:
        return Step(
            "replace", resource.urn, resource.type, replaced, resource.delete_before_replace, unprotects
        )
    return Step("keep", resource.urn, resource.type, unprotects=unprotects)


def plan_steps(prior: list[PriorResource], plan: PlanResult) -> list[Step]:
    """Every step, registrations first (in plan order), then deletes of what the plan left out. An
    update is reported as `keep`: only replacements and deletes matter to what a user owns."""
    olds = {resource.urn: resource for resource in prior}
    registered = {resource.urn for resource in plan.resources}
    created = {resource.urn for resource in plan.resources if resource.urn not in olds}
    steps = [_step(resource, olds.get(resource.urn), created) for resource in plan.resources]
    for old in prior:
        if old.urn not in registered and old.custom:
            steps.append(Step("discard" if old.external else "delete", old.urn, old.type))
    return steps
