"""`preview --live`: the offline plan over the cluster as it is. The program runs with the live cluster's
facts in place of the declared ones (exact version with patch level, Standard or Turbo, kube-proxy mode,
VPC, network), so every rule, patch-gated ones included, rests on what CCE reports; then doctor's
findings over the same reads (`doctor.diagnose`: declared facts that contradict the live ones, the
referenced ELBs, the cluster's other Services, Ingresses and console listeners on them, drift, pending
Services) join the plan's, one finding per mistake."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..core.diagnostics import Diagnostic
from ..core.model import TURBO_NETWORK_TYPE
from ..rules.config import ParsedStack
from ..rules.evaluate import evaluate
from .doctor import LiveCloud, live_findings, merged, with_live_cluster
from .reads import LiveReads

_NETWORK_TYPES = ("overlay_l2", "vpc-router", TURBO_NETWORK_TYPE)


def live_cluster_config(
    declared: Mapping[str, Any] | None, live: Mapping[str, Any] | None
) -> dict[str, Any] | None:
    """The stack's `cluster` object with the live facts as its declared ones (and no lookup of its own):
    what the program reads in `preview --live`. None when the cluster was not read (the declared facts
    stay; the failed read has its finding)."""
    if live is None or not isinstance(declared, Mapping):
        return None
    config: dict[str, Any] = {**declared, "lookup": False}
    if live.get("cluster_version"):
        config["version"] = str(live["cluster_version"])
    network = live.get("container_network_type")
    # ShowCluster's category is CCE or Turbo; a Turbo cluster's network is Cloud Native 2.0 (eni)
    turbo = live.get("category") == "Turbo" or network == TURBO_NETWORK_TYPE
    config["flavor"] = "turbo" if turbo else "standard"
    if live.get("kube_proxy_mode") in ("iptables", "ipvs"):
        config["kubeProxyMode"] = live["kube_proxy_mode"]
    if live.get("vpc_id"):
        config["vpcId"] = str(live["vpc_id"])
    if network in _NETWORK_TYPES:
        config["containerNetworkType"] = network
    elif "containerNetworkType" in config:
        del config["containerNetworkType"]
    return config


def _key(finding: Diagnostic) -> tuple[str, str | None, str]:
    return (finding.code, finding.resource, finding.field)


def live_plan_findings(
    stack: ParsedStack, reads: LiveReads, planned: Sequence[Diagnostic]
) -> list[Diagnostic]:
    """The plan's findings (from the program run over the live facts) with doctor's over the same reads:
    the live same-ELB findings replace the stack-only ones they extend, and a doctor finding the plan
    already has (same code, resource and field) is not repeated."""
    stack = with_live_cluster(stack, reads)
    evaluation = evaluate(stack, LiveCloud(reads))
    live_cross, live = live_findings(stack, reads, evaluation.facts)
    have = {_key(f) for f in planned}
    extra = [f for f in evaluation.findings if _key(f) not in have]
    extra_keys = {_key(f) for f in extra}
    others = [f for f in live if _key(f) not in have and _key(f) not in extra_keys]
    return merged([*planned, *extra], live_cross, others)
