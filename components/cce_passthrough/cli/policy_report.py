"""`preview --policy-pack`: the pack's findings over an offline plan, for the tree and for JSON."""

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..core.text import printable
from ..offline.analyze import PolicyFinding, analyze


def _fits(value: Any, schema: Mapping[str, Any]) -> bool:
    if schema.get("type") == "string" and not isinstance(value, str):
        return False
    return "enum" not in schema or value in schema["enum"]


def pack_config(cluster: Mapping[str, Any] | None) -> dict[str, Any]:
    """The stack's declared cluster facts, as `--policy-pack-config` would carry them. A value the pack's
    config schema refuses (a number for version, "CCE Turbo" for flavor) is left out: the Pulumi engine
    would refuse such a config before the pack runs, and the program has reported it already (PT902)."""
    from ..wiring.policy_pack import CLUSTER_CONFIG

    return {
        key: cluster[key]
        for key, schema in (CLUSTER_CONFIG.properties or {}).items()
        if cluster and cluster.get(key) is not None and _fits(cluster[key], schema)
    }


def run_pack(resources: Sequence[Any], cluster: Mapping[str, Any] | None) -> list[PolicyFinding]:
    return sorted(analyze(resources, pack_config(cluster)), key=lambda f: (f.urn, f.policy, f.message))


def report_text(findings: Sequence[PolicyFinding]) -> str:
    lines = ["", f"Policy pack cce-passthrough ({Path('policy')}/):"]
    if not findings:
        lines.append("    no violations")
    for finding in findings:
        target = printable(finding.urn.rsplit("::", 1)[-1]) if finding.urn else "(stack)"
        detail = printable(finding.message.split("\n", 1)[-1])
        lines.append(f"    {finding.enforcement}: {printable(finding.policy)} ({target})")
        lines.append(f"        {detail}")
    return "\n".join(lines) + "\n"


def to_json(findings: Sequence[PolicyFinding]) -> list[dict[str, str]]:
    return [
        {"policy": f.policy, "enforcement": f.enforcement, "urn": f.urn, "message": f.message}
        for f in findings
    ]


def blocking(findings: Sequence[PolicyFinding]) -> bool:
    return any(f.blocking for f in findings)
