"""`cce-passthrough preview`: the project's real program, offline, against one stack file."""

from __future__ import annotations

import contextlib
import gc
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ..core.diagnostics import sort_key
from ..core.model import TURBO_NETWORK_TYPE
from ..rules.stackconfig import StackConfig, existing_stack_file, load_project, load_stack_config
from ..wiring.lookup import GET_CLUSTER, GET_DEDICATED_ELBS, GET_SHARED_ELB
from .engine import OfflineMocks, run_program
from .plan import PlanResult
from .prior_state import read_state, safety_findings
from .values import mask_result


class DeclaredFacts:
    """Answers invokes from what the stack declares, shaped like the provider's results (camelCase)."""

    def __init__(self, config: StackConfig) -> None:
        cluster = config.object(f"{config.project}:cluster")
        self.cluster: Mapping[str, Any] = cluster if isinstance(cluster, Mapping) else {}

    def __call__(self, token: str, args: Mapping[str, Any]) -> Mapping[str, Any]:
        vpc_id = self.cluster.get("vpcId") or ""
        if token == GET_CLUSTER:
            if not self.cluster.get("version"):
                # Offline there is no cluster to read: what the lookup would find is what the stack declares.
                raise LookupError(
                    "the offline preview answers the lookup from the facts the stack declares, and "
                    "cluster.version is not declared; declare it (and flavor) to preview offline, or run "
                    "`pulumi preview` to read the cluster"
                )
            return {
                "id": f"offline-{args.get('name', 'cluster')}",
                "name": args.get("name") or self.cluster.get("name"),
                "clusterVersion": self.cluster.get("version"),
                "containerNetworkType": self.cluster.get("containerNetworkType")
                or (TURBO_NETWORK_TYPE if self.cluster.get("flavor") == "turbo" else "vpc-router"),
                "vpcId": vpc_id,
                "status": "Available",
            }
        if token == GET_SHARED_ELB:
            return {"id": args.get("id"), "status": "ACTIVE"}
        if token == GET_DEDICATED_ELBS:
            return {"loadbalancers": [{"id": args.get("loadbalancerId"), "vpcId": vpc_id}]}
        raise LookupError(f"the offline preview has no answer for {token}")


PREVIEW_RUN_THRESHOLDS = (700, 10, 10)  # CPython's defaults


@contextlib.contextmanager
def collector_tuned_for_preview() -> Iterator[None]:
    """For a command that runs a preview: what outlives a collection is put out of the collector's reach
    while the command runs, and given back after.

    A preview allocates hundreds of thousands of outputs, futures and tasks that live until it ends, on
    top of the provider SDKs' ~100,000 import-time objects. Left in the oldest generation, each collection
    of it walks them all again: a third of a 1,000-service run and a growing share beyond (bench/).
    Frozen (`gc.freeze`) after every collection, even of the youngest generation, each object is walked by
    the one collection it survives and no other: a collection of the middle generation, which walked up
    to ten collections' survivors again, finds it empty (0.6 of 11 s of CPU at 1,000 services,
    `gc.callbacks`). Young garbage is still collected as it comes, and cycles among the frozen objects
    once they are given back; a preview's garbage dies young (the frozen run collects as many objects as
    before, at the same peak memory). The program a preview runs is imported first, Kubernetes types and
    all, so that they are frozen too. A process that froze objects itself keeps its collector as it set it.

    The run itself collects at CPython's default thresholds: with the survivors frozen, a young generation
    of 700 objects is walked while it is still in the processor's cache (one of 50,000, as the command's
    imports use, measured slower at 5,000 services)."""
    if gc.get_freeze_count():
        yield
        return
    import pulumi_kubernetes.meta.v1  # noqa: F401 (the program reaches it lazily, at its first object)

    from ..wiring import program  # noqa: F401

    def freeze_survivors(phase: str, info: Mapping[str, int]) -> None:
        if phase == "stop":
            gc.freeze()

    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*PREVIEW_RUN_THRESHOLDS)
    gc.callbacks.append(freeze_survivors)
    try:
        yield
    finally:
        gc.callbacks.remove(freeze_survivors)
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def preview(
    project_dir: Path,
    stack: str | None = None,
    config_file: Path | None = None,
    preview: bool = True,
    secrets: Mapping[str, str] | None = None,
    state: Path | None = None,
    config_objects: Mapping[str, Any] | None = None,
) -> PlanResult:
    """Raises StackFileError when the project or stack file cannot be read.

    `secrets`: decrypted values of secret config keys (`namespace:key` -> plain text) for a caller that
    can decrypt them, tests above all; offline, a `secure:` value is otherwise the placeholder
    "[secret]". Either way the value is a secret to the program and masked in every output.

    `state`: the stack's previous state (`pulumi stack export`); the plan is then compared with it and
    says what it would replace, delete or unprotect of what the user owns (PT217, PT218).

    `config_objects`: project keys (`cluster`) whose value the program reads instead of the stack
    file's: the live cluster's facts for `preview --live`."""
    project = load_project(project_dir)
    stack_file = config_file if config_file is not None else existing_stack_file(project, stack or "dev")
    config = load_stack_config(project, stack_file, stack if config_file is None else None)
    if config.findings:
        return PlanResult(project.name, config.stack, preview, diagnostics=list(config.findings))
    prior = read_state(state, project.name, config.stack) if state is not None else None
    values, secret_keys = dict(config.values), list(config.secret_keys)
    for key, value in (config_objects or {}).items():
        values[f"{project.name}:{key}"] = json.dumps(value)
    for key, value in (secrets or {}).items():
        values[key] = value
        if key not in secret_keys:
            secret_keys.append(key)
    mocks = OfflineMocks(DeclaredFacts(config), preview=preview)
    result = run_program(project.main, project.name, config.stack, values, secret_keys, mocks, preview)
    cluster = config.object(f"{project.name}:cluster")
    result.declared_cluster = dict(cluster) if isinstance(cluster, Mapping) else {}
    if prior is not None:
        result.diagnostics = sorted([*result.diagnostics, *safety_findings(prior, result)], key=sort_key)
        mask_result(result)  # a finding quotes addresses from the state file: masked like everything else
    return result
