"""`verify`: the CCE page's manual check ("配置验证"), automated.

By hand: look at the ELB's connection count in Cloud Eye (0), `curl` the ELB address from inside a
pod, wait, and see one new connection on the ELB, which proves the request left the cluster through
the ELB instead of being answered by kube-proxy. Here, per service:

1. target (`verify_targets`): the ELB id and address from `pulumi stack output --json` or the live
   Service (`status.loadBalancer.ingress`, CCE's `kubernetes.io/elb.id`);
2. baseline: the ELB's `m4_ncps` (and `m1_cps`, `m2_act_conn`) raw data before the probe;
3. probe: a labelled Job (`probe`) makes N requests to the address, on a chosen node (`probe_node`); for a
   dedicated ELB on a CCE Standard cluster by default on a node with no backend pod, since "the ELB's
   private IP is unreachable from the node that hosts the backend pod" (cce-elb-annotations.md §3.2.2,
   https://support.huaweicloud.com/intl/en-us/usermanual-cce/cce_10_0355.html);
4. verdict: the metrics are polled until they rise by at least half the connections the probe made
   (confirmed), until Cloud Eye has published the probe's whole window without such a rise (not
   reached), or until the timeout (inconclusive).

The Job is deleted at the end of each target, also on errors, timeouts and interruption; leftovers of
an interrupted earlier run are found by their label and deleted first (`probe_jobs`). Why traffic did
not arrive is told by `verify_explain`.
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ..core.diagnostics import Diagnostic
from ..rules.catalogue import Rule, rule
from . import metrics, probe
from .errors import LiveError
from .huawei import HuaweiCloud
from .kube import Kube
from .probe_jobs import delete_job, jobs_of_run, remove_leftovers, uninterruptible
from .probe_node import NoNodeError, backend_nodes, choose_node
from .probe_pod import wait_for_probe
from .verify_explain import (
    PASS_THROUGH_PAGE,
    explain_not_reached,
    explain_unreachable,
    is_public,
    same_elb_without_pass_through,
)
from .verify_settings import ClusterFacts, Options, Progress
from .verify_targets import Target


class Verdict(str, Enum):
    CONFIRMED = "pass-through confirmed"
    NOT_REACHED = "traffic did not reach the ELB"
    INCONCLUSIVE = "inconclusive"


EXIT_CODES = {Verdict.CONFIRMED: 0, Verdict.NOT_REACHED: 1, Verdict.INCONCLUSIVE: 2}


@dataclass
class Outcome:
    target: Target
    verdict: Verdict
    reason: str
    finding: Diagnostic | None = None
    node: str | None = None
    job: str | None = None
    result: probe.ProbeResult | None = None
    evidence: metrics.Evidence | None = None


@dataclass
class Report:
    stack: str
    outcomes: list[Outcome] = field(default_factory=list)
    notes: list[Diagnostic] = field(default_factory=list)  # leftovers removed, failed cleanups

    def exit_code(self) -> int:
        """A definite failure (1) outranks not knowing (2); 0 only when every service is confirmed."""
        verdicts = {o.verdict for o in self.outcomes}
        if Verdict.NOT_REACHED in verdicts:
            return 1
        if Verdict.INCONCLUSIVE in verdicts or not self.outcomes:
            return 2
        return 0


def _inconclusive(
    target: Target, verdict_rule: Rule, reason: str, fix: str | None = None, **kw: Any
) -> Outcome:
    finding = verdict_rule.finding(target.service, target.field, reason + ".", fix)
    return Outcome(target, Verdict.INCONCLUSIVE, reason, finding, **kw)


def verify_target(
    kube: Kube,
    cloud: HuaweiCloud,
    target: Target,
    options: Options,
    cluster: ClusterFacts,
    run_id: str,
    progress: Progress,
    notes: list[Diagnostic],
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
) -> Outcome:
    timing = options.timing
    started = clock()
    deadline = started + options.timeout
    if not target.elb_id or not target.address or target.port is None:
        missing = [
            n
            for n, v in (("ELB id", target.elb_id), ("address", target.address), ("TCP port", target.port))
            if not v
        ]
        reason = f"{target.namespace}/{target.service} has no {' or '.join(missing)} yet"
        finding = rule("PT594").finding(target.service, target.field, reason + ".")
        return Outcome(target, Verdict.INCONCLUSIVE, reason, finding)
    try:
        node, why = choose_node(kube, target, options, cluster)
    except NoNodeError as exc:
        reason = (
            f"every schedulable node runs a backend pod ({', '.join(exc.busy)}); with a dedicated ELB on a CCE "
            f"Standard cluster the ELB's private IP is unreachable from those nodes ({PASS_THROUGH_PAGE})"
        )
        return _inconclusive(target, rule("PT595"), reason)
    progress(
        f"{target.service}: ELB {target.elb_id} at {target.address}:{target.port}; probe node: {node or 'any'} ({why})"
    )

    progress(f"{target.service}: reading the baseline from Cloud Eye")
    metrics.query(cloud, target.elb_id, started - timing.baseline_window, started)

    spec = probe.ProbeSpec(
        namespace=target.namespace,
        service=target.service,
        run_id=run_id,
        host=target.address,
        port=target.port,
        requests=options.requests,
        pause=timing.pause,
        deadline=max(30, math.ceil(options.timeout)),
        node=node,
        image=options.image,
    )
    job_name: str | None = None
    try:
        created = kube.call(
            f"create the probe Job in {target.namespace}",
            kube.batch.create_namespaced_job,
            target.namespace,
            probe.job_manifest(spec),
        )
        job_name = created.metadata.name
        progress(
            f"{target.service}: probe Job {target.namespace}/{job_name} created ({options.requests} requests)"
        )
        state = wait_for_probe(kube, target.namespace, run_id, deadline, timing, clock, progress)
        common: dict[str, Any] = {"node": state.node or node, "job": job_name}
        if state.image_problem:
            return _inconclusive(
                target,
                rule("PT592"),
                f"the probe pod could not start: {state.image_problem}",
                "Pass --image with a copy of the probe image the cluster can pull (e.g. from SWR).",
                **common,
            )
        if state.finished_at is None:
            if state.unschedulable_since is not None:
                return _inconclusive(
                    target,
                    rule("PT592"),
                    f"the probe pod was never scheduled: {state.scheduler_message}",
                    "Choose a node with free capacity and no taint with --node, or free one.",
                    **common,
                )
            return _inconclusive(
                target, rule("PT592"), "the probe did not finish before the timeout", **common
            )
        log = kube.pod_log(target.namespace, state.name or "", container=probe.CONTAINER)
        result = probe.parse_log(log)
        common["result"] = result
        progress(f"{target.service}: probe {result.describe()}")
        if result.connected == 0:
            busy = backend_nodes(kube, target) if target.dedicated else set()
            reason = "the probe could not connect: " + explain_unreachable(
                target, state.node, busy, is_public(target.address)
            )
            return _inconclusive(target, rule("PT593"), reason, **common)
        probe_start = (state.running_at or started) - 1.0
        probe_end = state.finished_at
        threshold = max(1, math.ceil(result.connected / 2))
        while True:
            series = metrics.query(cloud, target.elb_id, probe_start - timing.baseline_window, clock())
            seen = metrics.evidence(series, probe_start, probe_end, timing.sample_interval)
            progress(f"{target.service}: Cloud Eye {seen.describe()} (need {threshold})")
            if seen.observed >= threshold:
                reason = f"the ELB counted {seen.observed:.0f} new connections for {result.connected} the probe made"
                return Outcome(target, Verdict.CONFIRMED, reason, None, evidence=seen, **common)
            if seen.covered:
                why = explain_not_reached(target, cluster, same_elb_without_pass_through(kube, target))
                reason = (
                    f"the probe connected {result.connected} times but the ELB counted {seen.observed:.0f} new "
                    f"connections: {why}"
                )
                finding = rule("PT590").finding(target.service, target.field, reason + ".")
                return Outcome(target, Verdict.NOT_REACHED, reason, finding, evidence=seen, **common)
            if clock() + timing.poll_interval > deadline:
                what = (
                    "has no data for this ELB"
                    if not seen.has_data
                    else "had not published the probe's window"
                )
                return _inconclusive(
                    target,
                    rule("PT591"),
                    f"Cloud Eye {what} before the timeout",
                    "Run again with a longer --timeout; Cloud Eye publishes raw ELB data about a minute late.",
                    evidence=seen,
                    **common,
                )
            sleep(timing.poll_interval)
    finally:
        with uninterruptible():
            try:
                # interrupted while the create call was in flight: the Job may exist without our knowing
                # its generated name, so look for it by this run's label
                names = [job_name] if job_name is not None else jobs_of_run(kube, target.namespace, run_id)
            except LiveError:
                names = []  # the next run removes it as a leftover
            for name in names:
                progress(f"{target.service}: deleting probe Job {target.namespace}/{name}")
                try:
                    delete_job(kube, target.namespace, name)
                except LiveError as exc:
                    notes.append(
                        rule("PT597").finding(
                            target.service,
                            f"Job {target.namespace}/{name}",
                            f"the probe Job could not be deleted: {exc.message}.",
                            f"Delete it with `kubectl delete job -n {target.namespace} {name}`, or run "
                            "verify again, which removes leftovers first.",
                        )
                    )


def verify(
    kube: Kube,
    cloud: HuaweiCloud,
    targets: Sequence[Target],
    options: Options,
    cluster: ClusterFacts,
    progress: Progress,
    *,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
    run_id: str | None = None,
) -> Report:
    run_id = run_id or uuid.uuid4().hex[:12]
    report = Report(options.stack)
    report.notes += remove_leftovers(kube, [t.namespace for t in targets], run_id, progress)
    for target in targets:
        try:
            outcome = verify_target(
                kube, cloud, target, options, cluster, run_id, progress, report.notes, clock, sleep
            )
        except LiveError as exc:
            finding = exc.diagnostic(target.service, target.field)
            outcome = Outcome(target, Verdict.INCONCLUSIVE, exc.message, finding)
        report.outcomes.append(outcome)
        progress(f"{target.service}: {outcome.verdict.value}")
    return report
