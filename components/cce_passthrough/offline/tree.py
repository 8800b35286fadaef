"""The plan as `pulumi preview` prints it: a tree of resources, diagnostics by resource, outputs, summary."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from ..annotations import IMMUTABLE
from ..diagnostics import Diagnostic, Severity
from .engine import PlannedResource, PlanResult

_COLOURS = {
    "create": "\033[32m",
    "error": "\033[31m",
    "warning": "\033[33m",
    "info": "\033[36m",
    "dim": "\033[2m",
}
_RESET = "\033[0m"


class _Paint:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, colour: str) -> str:
        return f"{_COLOURS[colour]}{text}{_RESET}" if self.enabled else text


def _markers(resource: PlannedResource) -> str:
    notes = []
    if resource.protect:
        notes.append("protected")
    if resource.replace_on_changes:
        keys = [k for k in IMMUTABLE if any(k in path for path in resource.replace_on_changes)]
        shown = ", ".join(k.removeprefix("kubernetes.io/") for k in keys) or ", ".join(
            resource.replace_on_changes
        )
        notes.append(f"replaces on change of {shown}")
    return f"  [{'; '.join(notes)}]" if notes else ""


def _walk(resources: list[PlannedResource]) -> Iterator[tuple[str, PlannedResource]]:
    children: dict[str | None, list[PlannedResource]] = defaultdict(list)
    urns = {r.urn for r in resources}
    for resource in resources:
        children[resource.parent if resource.parent in urns else None].append(resource)
    for siblings in children.values():
        # Registration order depends on when outputs resolve; the tree must not.
        siblings.sort(key=lambda r: (r.type, r.name))

    def visit(
        resource: PlannedResource, prefix: str, last: bool, root: bool
    ) -> Iterator[tuple[str, PlannedResource]]:
        branch = "" if root else ("└─ " if last else "├─ ")
        yield prefix + branch, resource
        below = children.get(resource.urn, [])
        deeper = prefix if root else prefix + ("   " if last else "│  ")
        for index, child in enumerate(below):
            yield from visit(child, deeper, index == len(below) - 1, False)

    roots = children.get(None, [])
    for index, resource in enumerate(roots):
        yield from visit(resource, "", index == len(roots) - 1, True)


def _diagnostic_owner(diagnostic: Diagnostic, result: PlanResult) -> str:
    if diagnostic.resource:
        for resource in result.resources:
            if resource.name == diagnostic.resource and not resource.custom:
                return f"{resource.type} ({resource.name})"
        return f"service {diagnostic.resource}"
    return f"pulumi:pulumi:Stack ({result.project}-{result.stack})"


def summary_line(result: PlanResult) -> str:
    counts: dict[Severity, int] = defaultdict(int)
    for diagnostic in result.diagnostics:
        counts[diagnostic.severity] += 1
    parts = (
        [f"+ {len(result.resources)} to create"]
        if result.ok
        else ["nothing planned: the configuration has errors"]
    )
    for severity, word in ((Severity.ERROR, "error"), (Severity.WARNING, "warning"), (Severity.INFO, "info")):
        if counts[severity]:
            parts.append(
                f"{counts[severity]} {word}{'s' if counts[severity] != 1 and word != 'info' else ''}"
            )
    return ", ".join(parts)


def render_tree(result: PlanResult, colour: bool = False) -> str:
    paint = _Paint(colour)
    lines = [
        f"Previewing stack {result.project}/{result.stack} offline "
        "(Pulumi SDK mock monitor; invokes answered from declared facts, no cloud calls)",
        "",
    ]
    if result.ok:
        rows = [(f"{prefix}{r.type}", r.name, _markers(r)) for prefix, r in _walk(result.resources)]
        width = max((len(t) for t, _, _ in rows), default=4) + 2
        lines.append(f"     {'Type':<{width}}Name")
        for type_column, name, markers in rows:
            lines.append(f" {paint('+', 'create')}   {type_column:<{width}}{name}{paint(markers, 'dim')}")
        lines.append("")
    if result.diagnostics:
        lines.append("Diagnostics:")
        grouped: dict[str, list[Diagnostic]] = defaultdict(list)
        for diagnostic in result.diagnostics:
            grouped[_diagnostic_owner(diagnostic, result)].append(diagnostic)
        for owner, found in grouped.items():
            lines.append(f"  {owner}")
            for d in found:
                severity = paint(f"{d.severity.value}:", d.severity.value)
                lines.append(f"    {severity} {d.code} {d.field}: {d.message}")
                lines.append(f"        fix: {d.fix}")
        lines.append("")
    if result.ok and result.outputs:
        lines.append("Outputs:")
        for key, value in result.outputs.items():
            lines.append(f"    {key}: {_format(value, 8)}")
        lines.append("")
    lines.append("Resources:" if result.ok else "Result:")
    lines.append(f"    {summary_line(result)}")
    return "\n".join(lines) + "\n"


def _format(value: Any, indent: int) -> str:
    if isinstance(value, dict) and value:
        pad = " " * indent
        inner = "\n".join(f"{pad}{k}: {_format(v, indent + 4)}" for k, v in value.items())
        return "\n" + inner
    return json.dumps(value) if not isinstance(value, str) else value
