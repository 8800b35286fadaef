"""The plan a preview records: each resource as `pulumi preview` would see it, the diagnostics, the
outputs; and the order the tree prints it in."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..core.diagnostics import Diagnostic, Severity
from ..rules.access import AccessMatrix

COMPUTED = "(computed)"


STACK_TYPE = "pulumi:pulumi:Stack"


@dataclass
class PlannedResource:
    urn: str
    type: str
    name: str
    custom: bool
    parent: str | None
    provider: str | None
    protect: bool
    delete_before_replace: bool
    replace_on_changes: list[str]
    dependencies: list[str]
    inputs: dict[str, Any]
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    """Input name -> the URNs that input waits for (what makes `dependencies`)."""
    action: str = "create"
    """`create` for a registration, `read` for `Resource.get`: a preview without state creates all."""
    ignore_changes: list[str] = field(default_factory=list)
    """Input paths whose changes the engine ignores (the recorded value is kept)."""


@dataclass
class PlanResult:
    project: str
    stack: str
    preview: bool
    resources: list[PlannedResource] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    invokes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    declared_cluster: dict[str, Any] = field(default_factory=dict)
    """The stack's `cluster` config as declared (its version picks the schema `--render` validates
    against; its facts configure `--policy-pack`)."""
    access: dict[str, AccessMatrix] = field(default_factory=dict)
    """Each service's access matrix, from the program's own evaluation (empty when the facts had errors)."""
    service_paths: dict[str, str] = field(default_factory=dict)
    """Each service's config path (`services[1]`), from the program's own evaluation."""
    secrets: set[str] = field(default_factory=set, repr=False)
    """Plain text of every secret seen (secret config, secret inputs and outputs); masked everywhere."""

    @property
    def cluster_version(self) -> str | None:
        version = self.declared_cluster.get("version")
        return version if isinstance(version, str) else None

    @property
    def ok(self) -> bool:
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)

    def ordered(self) -> list[PlannedResource]:
        """Parent first, siblings by (type, name): registration order depends on when outputs resolve,
        this order does not, so two runs of a stack print the same bytes."""
        return [resource for _, resource in walk(self.resources)]

    def by_type(self, type_: str) -> list[PlannedResource]:
        return [r for r in self.resources if r.type == type_]

    def resource(self, name: str) -> PlannedResource:
        matches = [r for r in self.resources if r.name == name]
        if len(matches) != 1:
            raise KeyError(f"{len(matches)} resources named {name!r}")
        return matches[0]


def walk(resources: list[PlannedResource]) -> Iterator[tuple[int, PlannedResource]]:
    """(depth, resource), parent first, siblings sorted by (type, name, urn)."""
    children: dict[str | None, list[PlannedResource]] = defaultdict(list)
    urns = {r.urn for r in resources}
    for resource in resources:
        children[resource.parent if resource.parent in urns else None].append(resource)
    for siblings in children.values():
        siblings.sort(key=lambda r: (r.type, r.name, r.urn))

    def visit(resource: PlannedResource, depth: int) -> Iterator[tuple[int, PlannedResource]]:
        yield depth, resource
        for child in children.get(resource.urn, []):
            yield from visit(child, depth + 1)

    for root in children.get(None, []):
        yield from visit(root, 0)
