"""The text `backend check`, `versions` and `bootstrap` print. Pure.

What the bucket holds (keys, lock owners, version ids) is escaped here, field by field, before
it is laid out: a newline inside a field must not become a line of the table. The output
stream escapes and redacts every line once more (:class:`.output.Screen`).
"""

from __future__ import annotations

from collections.abc import Sequence

from .layout import ObjectVersion
from .output import escape_control
from .posture import BucketPosture
from .state import StateReport, format_time


def render_report(report: StateReport, where: str) -> str:
    """The table printed by ``cce-passthrough backend check``; what the bucket holds is escaped."""
    layout = (
        f"project-scoped (meta.yaml version {report.layout_version})"
        if report.layout_version >= 1
        else "legacy (no meta.yaml / version 0)"
    )
    lines = [f"backend: {where}", f"layout:  {layout}"]
    if not report.stacks:
        lines.append("no stacks found (run `pulumi login` with this backend, then `pulumi stack init`)")
    else:
        rows = [("PROJECT", "STACK", "LAST UPDATE", "RESOURCES", "HISTORY", "LOCK")]
        for s in report.stacks:
            if s.last_update is None:
                updated = "never"
            else:
                updated = format_time(s.last_update) + ("" if s.last_update_source == "checkpoint" else "*")
            lock = (
                "; ".join(f"locked by {escape_control(lock.owner)}" for lock in s.locks) if s.locks else "-"
            )
            resources = "?" if s.resource_count is None else str(s.resource_count)
            if s.state_key is None:
                resources = "(no state yet)"
            rows.append((s.ref.project or "-", s.ref.stack, updated, resources, str(s.history_count), lock))
        widths = [max(len(row[i]) for row in rows) for i in range(5)]
        for row in rows:
            lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:5])) + "  " + row[5])
        if any(s.last_update_source == "object" for s in report.stacks):
            lines.append("* time of the state object, the checkpoint has no manifest time")
    locked = sum(1 for s in report.stacks if s.locked)
    lines.append(f"{len(report.stacks)} stack(s), {locked} locked")
    for key in report.ignored:
        lines.append(
            f"note: ignored {escape_control(key)} "
            f"(not part of the {'project' if report.layout_version else 'legacy'} layout)"
        )
    for problem in report.problems:
        lines.append(f"problem: {escape_control(problem)}")
    return "\n".join(lines) + "\n"


def render_versions(versions: Sequence[ObjectVersion]) -> list[str]:
    """The table printed by ``backend versions``, newest first as given."""
    rows = [("KEY", "VERSION ID", "LAST MODIFIED", "SIZE", "")]
    for v in versions:
        flags = ", ".join(
            f for f, on in (("latest", v.is_latest), ("delete marker", v.is_delete_marker)) if on
        )
        rows.append(
            (
                escape_control(v.key),
                escape_control(v.version_id),
                format_time(v.last_modified),
                str(v.size),
                flags,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return [
        ("  ".join(c.ljust(widths[i]) for i, c in enumerate(row[:4])) + "  " + row[4]).rstrip()
        for row in rows
    ]


def posture_summary(posture: BucketPosture) -> str:
    """``state bucket: versioning enabled, encryption AES256, public access block on``."""
    if posture.pab_complete:
        pab = "on"
    elif not posture.pab_supported:
        pab = "not supported by endpoint"
    else:
        pab = "off"
    return (
        f"state bucket: versioning {posture.versioning.lower()}, encryption {posture.encryption}, "
        f"public access block {pab}"
    )
