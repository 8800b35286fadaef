"""Waiting for the probe pod: watched until it finishes, cannot pull its image, stays unschedulable past
the grace period, or the deadline passes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import probe
from .kube import Kube
from .verify_settings import Progress, Timing

_IMAGE_FAILURES = {"ErrImagePull", "ImagePullBackOff", "InvalidImageName", "CreateContainerConfigError"}


@dataclass
class PodState:
    name: str | None = None
    running_at: float | None = None
    finished_at: float | None = None
    phase: str | None = None
    unschedulable_since: float | None = None
    scheduler_message: str = ""
    image_problem: str = ""
    node: str | None = None

    def unschedulable_for(self, now: float) -> float:
        """Seconds the scheduler has found no node for the pod; -1 while it has not said so."""
        return -1.0 if self.unschedulable_since is None else now - self.unschedulable_since


def _observe(state: PodState, pod: Any, now: float) -> None:
    state.name = pod.metadata.name
    status = pod.status
    state.phase = status.phase if status is not None else None
    if pod.spec is not None and pod.spec.node_name:
        state.node = pod.spec.node_name
    if state.phase == "Running" and state.running_at is None:
        state.running_at = now
    if state.phase in ("Succeeded", "Failed") and state.finished_at is None:
        state.finished_at = now
    for condition in (status.conditions or []) if status is not None else []:
        if (
            condition.type == "PodScheduled"
            and condition.status == "False"
            and condition.reason == "Unschedulable"
        ):
            if state.unschedulable_since is None:
                state.unschedulable_since = now
            state.scheduler_message = condition.message or ""
    for container in (status.container_statuses or []) if status is not None else []:
        waiting = container.state.waiting if container.state is not None else None
        if waiting is not None and waiting.reason in _IMAGE_FAILURES:
            state.image_problem = f"{waiting.reason}: {waiting.message or ''}".strip(": ")


def wait_for_probe(
    kube: Kube,
    namespace: str,
    run_id: str,
    deadline: float,
    timing: Timing,
    clock: Callable[[], float],
    progress: Progress,
) -> PodState:
    state = PodState()
    selector = f"{probe.LABEL_RUN}={run_id}"
    last_phase: str | None = None
    while clock() < deadline:
        window = max(1.0, min(timing.poll_interval, deadline - clock()))
        for event in kube.watch(
            f"watch the probe pod in {namespace}",
            kube.core.list_namespaced_pod,
            namespace,
            timeout=window,
            label_selector=selector,
        ):
            if event["type"] == "DELETED":
                continue
            _observe(state, event["object"], clock())
            if state.phase != last_phase:
                last_phase = state.phase
                where = f" on node {state.node}" if state.node else ""
                progress(f"probe pod {state.name}: {state.phase}{where}")
            if state.finished_at is not None or state.image_problem:
                return state
            if state.unschedulable_for(clock()) >= timing.schedule_grace:
                return state
            if clock() >= deadline:
                return state
        if state.unschedulable_for(clock()) >= timing.schedule_grace:
            return state
    return state
