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
from ..core.model import ServiceConfig
from ..rules.checks.stack import ElbMember, check_shared_elb
from ..rules.cloud import CloudLookupError, FoundElb
from ..rules.config import ParsedStack
from ..rules.evaluate import Evaluation, evaluate
from .drift import drift
from .events import explain_pending, is_pending
from .members import (
    annotations_of,
    deployed_services,
    ingress_ports,
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
    elb_id: str,
    stack: ParsedStack,
    reads: LiveReads,
) -> list[ElbMember]:
    """The cluster's Services and Ingresses on `elb_id` that are not the stack's, then the ELB's listeners
    that none of them, nor a deployed stack Service, accounts for (made in the console)."""
    ours = {(s.namespace, s.name) for s in stack.services}
    members: list[ElbMember] = []
    claimed: set[tuple[int, str]] = set()

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
        if annotations_of(obj).get(ann.ID) != elb_id:
            continue
        ports = ingress_ports(obj)
        claimed |= {(p, space(proto)) for p, proto in ports}
        namespace, name = object_key(obj)
        members.append(ElbMember(f"Ingress {namespace}/{name}", None, ports))
    found = reads.elbs.get(elb_id)
    for listener, protocol, port in found.listeners if found else ():
        if (port, space(protocol)) not in claimed:
            members.append(
                ElbMember(f"listener {listener} (no Kubernetes object)", None, ((port, protocol),))
            )
    return members


def diagnose(stack: ParsedStack, reads: LiveReads) -> tuple[Evaluation, list[Diagnostic]]:
    """The one evaluation with the live facts, and every finding doctor reports."""
    cluster = stack.cluster
    if cluster is not None and reads.cluster is not None:
        # the live cluster replaces the lookup; the name only labels messages
        looked_up = cluster.model_copy(update={"lookup": True, "name": cluster.name or "the cluster"})
        stack = dataclasses.replace(stack, cluster=looked_up)
    elif cluster is not None and cluster.lookup:
        # the read failed (its own finding): the declared facts are all there is
        stack = dataclasses.replace(stack, cluster=cluster.model_copy(update={"lookup": False}))
    evaluation = evaluate(stack, LiveCloud(reads))
    findings = [error.diagnostic(None, where) for where, error in reads.errors]
    live_cross: list[Diagnostic] = []
    deployed = deployed_services(stack.services, reads.services)
    by_name = {s.name: s for s in stack.services}
    groups: dict[str, list[ServiceConfig]] = {}
    for service in stack.services:
        elb_id = live_elb_of(service, by_name, deployed)
        if elb_id is not None:
            groups.setdefault(elb_id, []).append(service)
    for elb_id, services in groups.items():
        outside = outside_members(elb_id, stack, reads)
        if outside:
            members = [*outside, *(ElbMember.of(s) for s in services)]
            live_cross += check_shared_elb(f"elb {elb_id}", members, evaluation.facts, stack.paths)
    replaced = {(f.code, f.resource, f.field) for f in live_cross}
    findings += [f for f in evaluation.findings if (f.code, f.resource, f.field) not in replaced]
    findings += live_cross
    for service in stack.services:
        live = deployed.get(service.name)
        if live is None:
            continue
        prefix = stack.paths.get(service.name, "")
        findings += drift(service, live, prefix)
        if is_pending(live):
            events = reads.events.get(service.namespace, [])
            findings += explain_pending(service.name, prefix, service.namespace, service.name, events)
    return evaluation, findings
