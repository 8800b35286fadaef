"""`verify`: the CCE page's manual check ("配置验证"), automated.

By hand: look at the ELB's connection count in Cloud Eye (0), `curl` the ELB address from inside a
pod, wait, and see one new connection on the ELB, which proves the request left the cluster through
the ELB instead of being answered by kube-proxy. Here, per service:

1. target: the ELB id and address from `pulumi stack output --json` or the live Service
   (`status.loadBalancer.ingress`, CCE's `kubernetes.io/elb.id`);
2. baseline: the ELB's `m4_ncps` (and `m1_cps`, `m2_act_conn`) raw data before the probe;
3. probe: a labelled Job (see `probe.py`) makes N requests to the address, on a chosen node; for a
   dedicated ELB on a CCE Standard cluster by default on a node with no backend pod, since "the ELB's
   private IP is unreachable from the node that hosts the backend pod" (cce-elb-annotations.md §3.2.2,
   https://support.huaweicloud.com/intl/en-us/usermanual-cce/cce_10_0355.html);
4. verdict: the metrics are polled until they rise by at least half the connections the probe made
   (confirmed), until Cloud Eye has published the probe's whole window without such a rise (not
   reached), or until the timeout (inconclusive).

The Job is deleted at the end of each target, also on errors, timeouts and interruption; leftovers of
an interrupted earlier run are found by their label and deleted first.
"""

from __future__ import annotations

import math
import signal
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ..core.diagnostics import Diagnostic
from ..core.versions import CceVersion, VersionError
from ..rules.catalogue import Rule, rule
from . import metrics, probe
from .errors import Failure, LiveError
from .huawei import HuaweiCloud
from .kube import Kube

ELB_ID = "kubernetes.io/elb.id"
ELB_CLASS = "kubernetes.io/elb.class"
PASS_THROUGH = "kubernetes.io/elb.pass-through"
_PASS_THROUGH_ON = ("true", "onlylocal")
_PT_PAGE = "https://support.huaweicloud.com/intl/en-us/usermanual-cce/cce_10_0355.html"
_IMAGE_FAILURES = {"ErrImagePull", "ImagePullBackOff", "InvalidImageName", "CreateContainerConfigError"}


class Verdict(str, Enum):
    CONFIRMED = "pass-through confirmed"
    NOT_REACHED = "traffic did not reach the ELB"
    INCONCLUSIVE = "inconclusive"


EXIT_CODES = {Verdict.CONFIRMED: 0, Verdict.NOT_REACHED: 1, Verdict.INCONCLUSIVE: 2}


@dataclass(frozen=True)
class Timing:
    """Seconds. Injectable so that tests run the whole flow against the fakes in a second or two."""

    poll_interval: float = 15.0
    baseline_window: float = 600.0
    sample_interval: float = 60.0  # Cloud Eye's raw period for ELB metrics, when the data cannot tell
    schedule_grace: float = 120.0
    pause: float = 1.0  # between two requests of the probe


@dataclass(frozen=True)
class Options:
    stack: str
    services: tuple[str, ...] = ()
    requests: int = 10
    timeout: float = 300.0
    node: str | None = None
    image: str = probe.DEFAULT_IMAGE
    timing: Timing = field(default_factory=Timing)


@dataclass(frozen=True)
class ClusterFacts:
    """What the stack declares about the cluster (the live API cannot tell Turbo or the proxy mode)."""

    version: str | None = None
    flavor: str | None = None  # standard | turbo
    kube_proxy_mode: str | None = None


@dataclass
class Target:
    service: str
    namespace: str
    elb_id: str | None = None
    address: str | None = None
    port: int | None = None
    annotations: dict[str, str] = field(default_factory=dict)
    selector: dict[str, str] = field(default_factory=dict)
    dedicated: bool = False
    source: str = "live Service"

    @property
    def field(self) -> str:
        return f"services[{self.service}]"


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


Progress = Callable[[str], None]


# -- targets -------------------------------------------------------------------------------------------


def targets_from_outputs(outputs: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """`pulumi stack output --json`: one object per service with `namespace`, `elb_id`,
    `load_balancer_ip` (the program's exports); anything else in the file is ignored."""
    found: dict[str, dict[str, Any]] = {}
    for name, value in outputs.items():
        if isinstance(value, Mapping) and ("elb_id" in value or "load_balancer_ip" in value):
            found[str(name)] = dict(value)
    return found


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value and value != "[secret]" else None


def read_target(kube: Kube, service: str, namespace: str, output: Mapping[str, Any] | None) -> Target:
    live = kube.call(
        f"read Service {namespace}/{service}", kube.core.read_namespaced_service, service, namespace
    )
    annotations = dict(live.metadata.annotations or {})
    ingress = (live.status.load_balancer.ingress or []) if live.status and live.status.load_balancer else []
    address = next((i.ip for i in ingress if i.ip), None)
    ports = [p for p in (live.spec.ports or []) if (p.protocol or "TCP") == "TCP"]
    target = Target(
        service=service,
        namespace=namespace,
        elb_id=annotations.get(ELB_ID),
        address=address,
        port=ports[0].port if ports else None,
        annotations=annotations,
        selector=dict(live.spec.selector or {}),
        dedicated=annotations.get(ELB_CLASS) == "performance",
    )
    if output is not None:
        target.elb_id = _text(output.get("elb_id")) or target.elb_id
        target.address = _text(output.get("load_balancer_ip")) or target.address
        target.source = "stack outputs"
    return target


# -- node choice -----------------------------------------------------------------------------------------


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
    """(node or None for the scheduler's choice, why). Raises `_NoNodeError` when the documented limitation
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
        raise _NoNodeError(sorted(busy))
    return free[0], "runs no backend pod (dedicated ELB on a CCE Standard cluster)"


class _NoNodeError(Exception):
    def __init__(self, busy: list[str]) -> None:
        super().__init__(busy)
        self.busy = busy


# -- cleanup -----------------------------------------------------------------------------------------------


@contextmanager
def _uninterruptible() -> Iterator[None]:
    """A second Ctrl-C must not cut the cleanup short (each call is bounded by its timeout)."""
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: nothing to shield
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def delete_job(kube: Kube, namespace: str, name: str) -> None:
    from kubernetes import client

    try:
        kube.call(
            f"delete Job {namespace}/{name}",
            kube.batch.delete_namespaced_job,
            name,
            namespace,
            body=client.V1DeleteOptions(propagation_policy="Background"),
        )
    except LiveError as exc:
        if exc.failure is not Failure.NOT_FOUND:
            raise


def _jobs_of_run(kube: Kube, namespace: str, run_id: str) -> list[str]:
    jobs = kube.call(
        f"list the probe Jobs in {namespace}",
        kube.batch.list_namespaced_job,
        namespace,
        label_selector=f"{probe.LABEL_RUN}={run_id}",
    )
    return [job.metadata.name for job in jobs.items]


def remove_leftovers(
    kube: Kube, namespaces: Sequence[str], run_id: str, progress: Progress
) -> list[Diagnostic]:
    """Jobs of earlier runs (found by label), deleted; one info finding each."""
    try:
        jobs = kube.call(
            "list verify Jobs", kube.batch.list_job_for_all_namespaces, label_selector=probe.SELECTOR
        ).items
    except LiveError as exc:
        if exc.failure is not Failure.FORBIDDEN:
            raise
        # a namespaced role: look where this run will create its Jobs
        jobs = [
            job
            for namespace in sorted(set(namespaces))
            for job in kube.call(
                f"list verify Jobs in {namespace}",
                kube.batch.list_namespaced_job,
                namespace,
                label_selector=probe.SELECTOR,
            ).items
        ]
    notes = []
    for job in jobs:
        labels = job.metadata.labels or {}
        if labels.get(probe.LABEL_RUN) == run_id:
            continue
        namespace, name = job.metadata.namespace, job.metadata.name
        progress(f"removing leftover probe Job {namespace}/{name} of an interrupted run")
        delete_job(kube, namespace, name)
        notes.append(
            rule("PT596").finding(
                labels.get(probe.LABEL_SERVICE),
                f"Job {namespace}/{name}",
                f"the probe Job {namespace}/{name} of an earlier, interrupted verify run was still there and "
                "has been deleted.",
            )
        )
    return notes


# -- waiting for the probe ------------------------------------------------------------------------------


@dataclass
class _PodState:
    name: str | None = None
    running_at: float | None = None
    finished_at: float | None = None
    phase: str | None = None
    unschedulable_since: float | None = None
    scheduler_message: str = ""
    image_problem: str = ""
    node: str | None = None


def _observe(state: _PodState, pod: Any, now: float) -> None:
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
) -> _PodState:
    state = _PodState()
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
            if (
                state.unschedulable_since is not None
                and clock() - state.unschedulable_since >= timing.schedule_grace
            ):
                return state
            if clock() >= deadline:
                return state
        if (
            state.unschedulable_since is not None
            and clock() - state.unschedulable_since >= timing.schedule_grace
        ):
            return state
    return state


# -- explanations ------------------------------------------------------------------------------------------


def explain_not_reached(target: Target, cluster: ClusterFacts, same_elb: Sequence[Any]) -> str:
    """The annotation or cluster fact that lets kube-proxy answer in-cluster requests to the address."""
    value = target.annotations.get(PASS_THROUGH)
    if value is None or value.lower() not in _PASS_THROUGH_ON:
        shown = "is not set" if value is None else f'is "{value}"'
        return (
            f"{PASS_THROUGH} {shown} on the live Service, so kube-proxy answers in-cluster requests to "
            f"{target.address} on the node itself ({_PT_PAGE})"
        )
    if cluster.version:
        try:
            version = CceVersion.parse(cluster.version)
        except VersionError:
            version = None
        if version is not None and not version.at_least_minor(1, 19):
            return f"the cluster runs {cluster.version}; pass-through needs v1.19 or later ({_PT_PAGE})"
    if cluster.kube_proxy_mode == "ipvs" and same_elb:
        names = ", ".join(f"{s.metadata.namespace}/{s.metadata.name}" for s in same_elb)
        return (
            f"kube-proxy runs in IPVS mode and {names} on the same ELB has no pass-through: IPVS binds the "
            f"ELB address on every node for all Services of that ELB ({_PT_PAGE})"
        )
    return (
        f"{PASS_THROUGH} is {value!r} and no cluster fact explains it: check that CCE applied the "
        "annotation (the Service's events) and that nothing else on the nodes routes the address"
    )


def _same_elb_without_pass_through(kube: Kube, target: Target) -> list[Any]:
    if not target.elb_id:
        return []
    try:
        services = kube.call("list Services", kube.core.list_service_for_all_namespaces).items
    except LiveError:
        return []  # an explanation is a bonus: a denied list must not cost the verdict
    found = []
    for service in services:
        annotations = service.metadata.annotations or {}
        if annotations.get(ELB_ID) != target.elb_id:
            continue
        if (service.metadata.namespace, service.metadata.name) == (target.namespace, target.service):
            continue
        if (annotations.get(PASS_THROUGH) or "").lower() not in _PASS_THROUGH_ON:
            found.append(service)
    return found


def explain_unreachable(target: Target, node: str | None, busy: set[str], public: bool) -> str:
    if target.dedicated and node is not None and node in busy:
        return (
            f"the probe ran on node {node}, which hosts a backend pod: with a dedicated ELB on a CCE Standard "
            f"cluster the ELB's private IP is unreachable from such a node ({_PT_PAGE}); run without --node"
        )
    if public:
        return (
            f"{target.address} is a public address: with pass-through the request leaves the VPC, so the node "
            "needs an egress route (NAT gateway or EIP); also check the listener and security group"
        )
    return (
        f"nothing answered on {target.address}:{target.port}: check the ELB's listener and the security group"
    )


def _is_public(address: str | None) -> bool:
    import ipaddress

    try:
        return address is not None and ipaddress.ip_address(address).is_global
    except ValueError:
        return False


# -- one target ---------------------------------------------------------------------------------------------


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
    except _NoNodeError as exc:
        reason = (
            f"every schedulable node runs a backend pod ({', '.join(exc.busy)}); with a dedicated ELB on a CCE "
            f"Standard cluster the ELB's private IP is unreachable from those nodes ({_PT_PAGE})"
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
                target, state.node, busy, _is_public(target.address)
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
                why = explain_not_reached(target, cluster, _same_elb_without_pass_through(kube, target))
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
        with _uninterruptible():
            try:
                # interrupted while the create call was in flight: the Job may exist without our knowing
                # its generated name, so look for it by this run's label
                names = [job_name] if job_name is not None else _jobs_of_run(kube, target.namespace, run_id)
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
