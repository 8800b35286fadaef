"""The plan as `pulumi preview` prints it: a tree of resources, diagnostics by resource, outputs, summary."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from ..core.annotations import short_field_name
from ..core.diagnostics import Diagnostic, Severity
from ..core.text import printable
from ..offline.plan import PlannedResource, PlanResult, walk
from .access import compact_lines

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
        shown = ", ".join(short_field_name(path) for path in resource.replace_on_changes)
        notes.append(f"replaces on change of {shown}")
        if resource.delete_before_replace:
            notes.append("deleted before its replacement")
    return f"[{'; '.join(notes)}]" if notes else ""


_SYMBOLS = {"create": "+", "read": ">"}


def _rows(resources: list[PlannedResource]) -> Iterator[tuple[str, PlannedResource]]:
    """(tree prefix, resource) in `walk` order, with the branches `pulumi preview` draws."""
    walked = list(walk(resources))
    # has_later[i][level]: does a sibling follow row i at `level` before the walk climbs above it? One
    # pass from the end, remembering per level the depth of the nearest later row at or above it.
    deepest = max((depth for depth, _ in walked), default=0)
    nearest = [0] * (deepest + 1)
    has_later: list[list[bool]] = [[]] * len(walked)
    for index in range(len(walked) - 1, -1, -1):
        depth = walked[index][0]
        has_later[index] = [nearest[level] == level for level in range(depth + 1)]
        for level in range(depth, deepest + 1):
            nearest[level] = depth
    for index, (depth, resource) in enumerate(walked):
        if depth == 0:
            yield "", resource
            continue
        prefix = ""
        for level in range(1, depth + 1):
            later = has_later[index][level]
            if level == depth:
                prefix += "├─ " if later else "└─ "
            else:
                prefix += "│  " if later else "   "
        yield prefix, resource


def _counts(found: list[Diagnostic]) -> str:
    counts: dict[Severity, int] = defaultdict(int)
    for diagnostic in found:
        counts[diagnostic.severity] += 1
    words = []
    for severity, word in ((Severity.ERROR, "error"), (Severity.WARNING, "warning"), (Severity.INFO, "info")):
        if counts[severity]:
            plural = "s" if counts[severity] != 1 and word != "info" else ""
            words.append(f"{counts[severity]} {word}{plural}")
    return ", ".join(words)


def _diagnostic_owner(diagnostic: Diagnostic, result: PlanResult, components: dict[str, str]) -> str:
    if diagnostic.resource:
        owner = components.get(diagnostic.resource)
        return f"{owner} ({diagnostic.resource})" if owner else f"service {diagnostic.resource}"
    return f"pulumi:pulumi:Stack ({result.project}-{result.stack})"


def partial(result: PlanResult) -> bool:
    """A plan with errors that still holds the services no error is about (a preview shows them; an
    update declares nothing)."""
    return not result.ok and any(
        r.custom and not r.type.startswith("pulumi:providers:") for r in result.resources
    )


def summary_line(result: PlanResult) -> str:
    """`+ 4 to create, 2 warnings`: the last line of the tree."""
    if result.ok or partial(result):
        actions: dict[str, int] = defaultdict(int)
        for resource in result.resources:
            actions[resource.action] += 1
        parts = [f"{_SYMBOLS['create']} {actions['create']} to create"]
        if actions["read"]:
            parts.append(f"{_SYMBOLS['read']} {actions['read']} to read")
        if not result.ok:
            parts.append("only for the services without errors (nothing is applied while there are errors)")
    else:
        parts = ["nothing planned: the configuration has errors"]
    counted = _counts(result.diagnostics)
    return ", ".join(parts + ([counted] if counted else []))


def _grouped(result: PlanResult) -> dict[str, list[Diagnostic]]:
    grouped: dict[str, list[Diagnostic]] = defaultdict(list)
    components: dict[str, str] = {}
    for resource in result.resources:
        if not resource.custom:
            components.setdefault(resource.name, resource.type)
    for diagnostic in result.diagnostics:
        grouped[_diagnostic_owner(diagnostic, result, components)].append(diagnostic)
    return grouped


KUBERNETES_SERVICE = "kubernetes:core/v1:Service"


def _access_lines(
    result: PlanResult, resource: PlannedResource, parents: dict[str, PlannedResource], prefix: str
) -> list[str]:
    """The compact access matrix under a Service of a component: one line per ELB address."""
    parent = parents.get(resource.parent or "")
    matrix = result.access.get(parent.name) if resource.type == KUBERNETES_SERVICE and parent else None
    if matrix is None:
        return []
    # The branch drawn above continues past this row where the row has later siblings.
    indent = prefix.replace("├─ ", "│  ").replace("└─ ", "   ")
    return [f"     {indent}   access to the {line}" for line in compact_lines(matrix)]


def _shown(value: Any) -> Any:
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {_shown(k): _shown(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shown(v) for v in value]
    return value


def displayable(result: PlanResult) -> PlanResult:
    """The plan with every text a stack file, a cluster or a program chose made printable: names, types,
    URNs, findings and outputs can neither forge lines of the tree nor drive the terminal."""
    return replace(
        result,
        project=printable(result.project),
        stack=printable(result.stack),
        resources=[
            replace(
                r,
                urn=printable(r.urn),
                type=printable(r.type),
                name=printable(r.name),
                parent=None if r.parent is None else printable(r.parent),
                replace_on_changes=[printable(p) for p in r.replace_on_changes],
            )
            for r in result.resources
        ],
        diagnostics=[
            replace(
                d,
                resource=None if d.resource is None else printable(d.resource),
                field=printable(d.field),
                message=printable(d.message),
                fix=printable(d.fix),
            )
            for d in result.diagnostics
        ],
        outputs=_shown(result.outputs),
    )


def tree_text(result: PlanResult, colour: bool = False) -> str:
    """Type, name and action of each planned resource under its parent, with protect/replace markers and
    its diagnostics; then the diagnostics by resource, the outputs and the one-line summary."""
    result = displayable(result)
    paint = _Paint(colour)
    grouped = _grouped(result)
    lines = [
        f"Previewing stack {result.project}/{result.stack} offline "
        "(Pulumi SDK mock monitor; invokes answered from declared facts, no cloud calls)",
        "",
    ]
    if result.ok or partial(result):
        rows = []
        under: list[list[str]] = []
        parents = {r.urn: r for r in result.resources}
        for prefix, r in _rows(result.resources):
            found = grouped.get(f"{r.type} ({r.name})", []) if not r.custom else []
            rows.append((r.action, f"{prefix}{r.type}", r.name, _markers(r), _counts(found)))
            under.append(_access_lines(result, r, parents, prefix))
        type_width = max((len(t) for _, t, _, _, _ in rows), default=4) + 2
        name_width = max((len(n) for _, _, n, _, _ in rows), default=4) + 2
        lines.append(f"     {'Type':<{type_width}}{'Name':<{name_width}}Info")
        for (action, type_column, name, markers, info), access in zip(rows, under, strict=True):
            symbol = paint(_SYMBOLS.get(action, "+"), "create" if action == "create" else "info")
            info_column = "; ".join(part for part in (info, markers) if part)
            line = f" {symbol}   {type_column:<{type_width}}{name:<{name_width}}{paint(info_column, 'dim')}"
            lines.append(line.rstrip())
            lines += [paint(text, "dim") for text in access]
        lines.append("")
    if result.diagnostics:
        lines.append("Diagnostics:")
        for owner, found in grouped.items():
            lines.append(f"  {owner}")
            for d in found:
                severity = paint(f"{d.severity.value}:", d.severity.value)
                lines.append(f"    {severity} {d.code} {d.field}: {d.message}")
                lines.append(f"        fix: {d.fix}")
        lines.append("")
    if (result.ok or partial(result)) and result.outputs:
        lines.append("Outputs:")
        for key, value in result.outputs.items():
            lines.append(f"    {key}:{_format(value, 8)}")
        lines.append("")
    lines.append("Resources:" if result.ok else "Result:")
    lines.append(f"    {summary_line(result)}")
    return "\n".join(lines) + "\n"


def _format(value: Any, indent: int) -> str:
    """What follows `key:`: a nested block for a mapping, else one space and the value."""
    if isinstance(value, dict) and value:
        pad = " " * indent
        return "".join(f"\n{pad}{k}:{_format(v, indent + 4)}" for k, v in value.items())
    return " " + (json.dumps(value) if not isinstance(value, str) else value)
