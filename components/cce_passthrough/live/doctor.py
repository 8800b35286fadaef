"""`doctor`: the stack's rules over the cluster and its ELBs as they are, read once each.

Reads (`reads.Reader`; all read-only, each bounded by the clients' timeouts, each failure a coded finding):
* CCE ShowCluster (or ListClusters by name, when no cluster id is given): version with patch level,
  Standard or Turbo, kube-proxy mode, VPC, container network type. `rules.facts.reconcile` checks the
  declared facts against them: a contradiction is PT904 naming both values.
* ELB v3 ShowLoadBalancer and ListListeners, once per ELB the stack lands on (an existing id, the id
  CCE wrote onto a deployed autocreate Service, the ELB a shareWith target is on). PT209/PT210 come
  from the same rule code the lookup path runs (`LiveCloud` is a `rules.cloud.Cloud`).
* Kubernetes: every Service and Ingress in all namespaces (one list each); the events of the
  namespaces of pending stack Services (one list per namespace).

The same-ELB rules (PT302, PT303) then run over the stack's services plus the cluster's other
Services and Ingresses on those ELBs and the listeners none of them owns (`check_shared_elb`).
Deployed stack Services are compared with what the component sets: drift is PT535, values CCE wrote
are PT536 facts, a `<pending>` address is explained from its events (PT500-PT510).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from ..core import annotations as ann
from ..core.diagnostics import Diagnostic
from ..core.model import ClusterFacts, ServiceConfig
from ..rules.catalogue import rule
from ..rules.checks.stack import ElbMember, check_shared_elb
from ..rules.cloud import CloudLookupError, FoundElb
from ..rules.config import ParsedStack
from ..rules.evaluate import Evaluation, evaluate
from .drift import drift
from .drift_deployment import deployment_drift
from .elbcheck import elb_findings
from .events import explain_pending, is_pending
from .members import (
    annotations_of,
    deployed_services,
    ingress_ports,
    is_cce_ingress,
    live_elb_of,
    object_key,
    service_pass_through,
    service_ports,
)
from .reads import LiveReads


class LiveCloud:
    """`rules.cloud.Cloud` over what doctor already read: the rules' lookup code runs unchanged."""

    def __init__(self, reads: LiveReads) -> None:
        self.reads = reads

    def cluster(self, name: str) -> Mapping[str, Any]:
        if self.reads.cluster is None:
            raise CloudLookupError("the cluster could not be read")
        return self.reads.cluster

    def elb(self, elb_id: str, dedicated: bool) -> FoundElb:
        found = self.reads.elbs.get(elb_id)
        if found is None:
            # the failed read has its own coded finding; nothing is known to contradict
            return FoundElb(None)
        if found.dedicated != dedicated:
            raise CloudLookupError(f"ELB {elb_id} is a {found.elb_class} ELB")
        return FoundElb(found.vpc_id)


def outside_members(
    elb_id: str, stack: ParsedStack, reads: LiveReads
) -> tuple[list[ElbMember], list[Diagnostic]]:
    """The cluster's Services and CCE Ingresses on `elb_id` that are not the stack's, then the ELB's
    listeners that none of them, nor a deployed stack Service, accounts for (made in the console); and
    PT537 for each Ingress whose ports cannot be read, PT538 when the listeners were read in part."""
    ours = {(s.namespace, s.name) for s in stack.services}
    members: list[ElbMember] = []
    findings: list[Diagnostic] = []
    claimed: set[tuple[int, str]] = set()
    where = f"elb {elb_id}"

    def space(protocol: str) -> str:
        return "UDP" if protocol.upper() == "UDP" else "TCP"

    for obj in reads.services:
        if annotations_of(obj).get(ann.ID) != elb_id:
            continue
        ports = service_ports(obj)
        claimed |= {(p, space(proto)) for p, proto in ports}
        if object_key(obj) not in ours:
            namespace, name = object_key(obj)
            members.append(ElbMember(f"Service {namespace}/{name}", service_pass_through(obj), ports))
    for obj in reads.ingresses:
        if annotations_of(obj).get(ann.ID) != elb_id or not is_cce_ingress(obj):
            continue
        namespace, name = object_key(obj)
        listed = ingress_ports(obj)
        if listed is None:
            findings.append(
                rule("PT537").finding(
                    None,
                    where,
                    f"Ingress {namespace}/{name} is on ELB {elb_id} but neither kubernetes.io/elb.listen-ports "
                    "nor kubernetes.io/elb.port says its listener ports in the documented form.",
                )
            )
            continue
        claimed |= {(p, space(proto)) for p, proto in listed}
        members.append(ElbMember(f"Ingress {namespace}/{name}", None, listed))
    found = reads.elbs.get(elb_id)
    for listener, protocol, port in found.listeners if found else ():
        if (port, space(protocol)) not in claimed:
            members.append(
                ElbMember(f"listener {listener} (no Kubernetes object)", None, ((port, protocol),))
            )
    if found is not None and not found.listeners_complete:
        findings.append(
            rule("PT538").finding(
                None,
                where,
                f"ELB {elb_id}: only the first {len(found.listeners)} listeners were read; the same-ELB "
                "rules did not see the others.",
            )
        )
    return members, findings


def live_findings(
    stack: ParsedStack, reads: LiveReads, facts: ClusterFacts | None
) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """(the same-ELB findings over the stack's services and the cluster's other claimants, which replace
    the stack-only ones of the same code, resource and field; every other live finding): the live part
    of doctor and of `preview --live`."""
    findings = [error.diagnostic(None, where) for where, error in reads.errors]
    live_cross: list[Diagnostic] = []
    deployed = deployed_services(stack.services, reads.services)
    by_name = {s.name: s for s in stack.services}
    groups: dict[str, list[ServiceConfig]] = {}
    for service in stack.services:
        elb_id = live_elb_of(service, by_name, deployed)
        if elb_id is not None:
            groups.setdefault(elb_id, []).append(service)
    cluster_vpc = facts.vpc_id if facts is not None else None
    for elb_id, services in groups.items():
        found = reads.elbs.get(elb_id)
        if found is not None:
            for service in services:
                findings += elb_findings(service, found, cluster_vpc, stack.paths.get(service.name, ""))
        outside, about = outside_members(elb_id, stack, reads)
        findings += about
        if outside:
            members = [*outside, *(ElbMember.of(s) for s in services)]
            live_cross += check_shared_elb(f"elb {elb_id}", members, facts, stack.paths)
    deployments = {object_key(item): item for item in reads.deployments}
    for service in stack.services:
        live = deployed.get(service.name)
        if live is None:
            continue
        prefix = stack.paths.get(service.name, "")
        findings += drift(service, live, prefix)
        deployment = deployments.get((service.namespace, service.name))
        if deployment is not None:
            findings += deployment_drift(service, deployment, prefix)
        if is_pending(live):
            events = reads.events.get(service.namespace, [])
            findings += explain_pending(service.name, prefix, service.namespace, service.name, events)
    return live_cross, findings


def merged(
    stack_findings: list[Diagnostic], live_cross: list[Diagnostic], live: list[Diagnostic]
) -> list[Diagnostic]:
    """One finding per mistake: a live same-ELB finding replaces the stack-only one it extends."""
    replaced = {(f.code, f.resource, f.field) for f in live_cross}
    kept = [f for f in stack_findings if (f.code, f.resource, f.field) not in replaced]
    return [*live, *kept, *live_cross]


def with_live_cluster(stack: ParsedStack, reads: LiveReads) -> ParsedStack:
    """The stack whose cluster facts come from the live read (a lookup answered by `LiveCloud`), or the
    declared facts alone when the read failed (that failure has its own finding)."""
    cluster = stack.cluster
    if cluster is not None and reads.cluster is not None:
        # the live cluster replaces the lookup; the name only labels messages
        looked_up = cluster.model_copy(update={"lookup": True, "name": cluster.name or "the cluster"})
        return dataclasses.replace(stack, cluster=looked_up)
    if cluster is not None and cluster.lookup:
        return dataclasses.replace(stack, cluster=cluster.model_copy(update={"lookup": False}))
    return stack


def diagnose(stack: ParsedStack, reads: LiveReads) -> tuple[Evaluation, list[Diagnostic]]:
    """The one evaluation with the live facts, and every finding doctor reports."""
    stack = with_live_cluster(stack, reads)
    evaluation = evaluate(stack, LiveCloud(reads))
    live_cross, live = live_findings(stack, reads, evaluation.facts)
    return evaluation, merged(list(evaluation.findings), live_cross, live)
