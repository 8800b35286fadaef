"""Version gates (PT107, PT108): a feature the cluster's CCE release must have."""

from __future__ import annotations

from collections.abc import Iterator

from ...core.diagnostics import Diagnostic
from ...core.model import ClusterFacts
from ...core.versions import GateResult, VersionGate
from ..catalogue import rule


def gate_findings(
    resource: str | None, where: str, feature: str, gate: VersionGate, cluster: ClusterFacts
) -> Iterator[Diagnostic]:
    """PT108 when the cluster is older than the gate, PT107 when `vX.Y` cannot prove a patch-level gate."""
    result = gate.evaluate(cluster.version)
    if result is GateResult.UNPROVEN:
        yield rule("PT107").finding(
            resource,
            where,
            f"{feature} needs cluster {gate.describe()}; the declared {cluster.version} cannot prove it.",
            f"Declare the full cluster version (e.g. {_example(gate, cluster)}), or turn cluster.lookup on.",
        )
    elif result is GateResult.NOT_MET:
        yield rule("PT108").finding(
            resource,
            where,
            f"{feature} needs cluster {gate.describe()} (cluster is {cluster.version}).",
            f"Remove {feature}, or upgrade the cluster to {gate.describe()}.",
        )


def _example(gate: VersionGate, cluster: ClusterFacts) -> str:
    same_minor = [v for v in gate.releases if v.minor_key == cluster.version.minor_key]
    return str(same_minor[0]) if same_minor else f"{cluster.version}.0-r0"


def unproven_gate(resource: str | None, where: str, message: str, fix: str) -> Diagnostic:
    """PT107 for a gate a rule evaluates itself (its message says which feature and release)."""
    return rule("PT107").finding(resource, where, message, fix)
