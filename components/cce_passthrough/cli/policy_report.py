"""`preview --policy-pack`: the pack's findings over an offline plan, for the tree and for JSON."""

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..core.text import printable
from ..offline.analyze import PolicyFinding, analyze

_CLUSTER_KEYS = ("version", "flavor", "kubeProxyMode", "vpcId")


def pack_config(cluster: Mapping[str, Any] | None) -> dict[str, Any]:
    """The stack's declared cluster facts, as `--policy-pack-config` would carry them."""
    return {key: cluster[key] for key in _CLUSTER_KEYS if cluster and cluster.get(key) is not None}


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
