"""The node the probe runs on: for a dedicated ELB on a CCE Standard cluster one with no backend pod, since
"the ELB's private IP is unreachable from the node that hosts the backend pod" (cce-elb-annotations.md
§3.2.2)."""

from __future__ import annotations

from typing import Any

from .kube import Kube
from .verify_settings import ClusterFacts, Options
from .verify_targets import Target


def _schedulable(node: Any) -> bool:
    if node.spec is not None and node.spec.unschedulable:
        return False
    taints = (node.spec.taints or []) if node.spec is not None else []
    if any(t.effect in ("NoSchedule", "NoExecute") for t in taints):
        return False
    conditions = (node.status.conditions or []) if node.status is not None else []
    return any(c.type == "Ready" and c.status == "True" for c in conditions)


def backend_nodes(kube: Kube, target: Target) -> set[str]:
    if not target.selector:
        return set()
    selector = ",".join(f"{k}={v}" for k, v in sorted(target.selector.items()))
    pods = kube.call(
        f"list the backend pods of {target.namespace}/{target.service}",
        kube.core.list_namespaced_pod,
        target.namespace,
        label_selector=selector,
    )
    return {p.spec.node_name for p in pods.items if p.spec is not None and p.spec.node_name}


def choose_node(
    kube: Kube, target: Target, options: Options, cluster: ClusterFacts
) -> tuple[str | None, str]:
    """(node or None for the scheduler's choice, why). Raises `NoNodeError` when the documented limitation
    leaves no node to probe from."""
    if options.node:
        kube.call(f"read node {options.node}", kube.core.read_node, options.node)
        return options.node, "chosen with --node"
    if not (target.dedicated and cluster.flavor != "turbo"):
        return None, "the scheduler's choice"
    busy = backend_nodes(kube, target)
    nodes = kube.call("list nodes", kube.core.list_node)
    free = sorted(n.metadata.name for n in nodes.items if _schedulable(n) and n.metadata.name not in busy)
    if not free:
        raise NoNodeError(sorted(busy))
    return free[0], "runs no backend pod (dedicated ELB on a CCE Standard cluster)"


class NoNodeError(Exception):
    def __init__(self, busy: list[str]) -> None:
        super().__init__(busy)
        self.busy = busy
