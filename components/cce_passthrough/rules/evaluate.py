"""The one evaluation: the typed model of a stack in, every finding out, each rule run once.

The program, the component used as a library, the policy pack and the tests all come here: parse once
(`rules.config` or `rules.manifest_reader`), then `evaluate`. Cluster facts are derived once per stack;
with `cluster.lookup` on they are read through `cloud`, as is every existing ELB id.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.diagnostics import Diagnostic, errors
from ..core.model import ClusterFacts, ServiceConfig
from .access import AccessMatrix, stack_access
from .checks.elb_location import looked_up_elb_findings
from .checks.namespaces import check_namespaces
from .checks.protection import check_production_protection
from .checks.service import check_service
from .checks.stack import check_cross_service
from .cloud import Cloud
from .config import ParsedStack
from .facts import cluster_facts


@dataclass(frozen=True)
class Evaluation:
    stack: ParsedStack
    facts: ClusterFacts | None
    """None only together with an error finding that says why."""
    cross_service: list[Diagnostic]
    """The findings of rules across services (shared ELBs, listener ports), also in `findings`."""
    findings: list[Diagnostic]
    """Every finding: shape, cluster facts, each service, across services, cloud reads."""

    @property
    def ok(self) -> bool:
        return not errors(self.findings)

    @property
    def services(self) -> list[ServiceConfig]:
        return self.stack.services

    def access(self) -> dict[str, AccessMatrix]:
        """Each service's access matrix (none without cluster facts, which come with an error)."""
        return stack_access(self.services, self.facts) if self.facts is not None else {}

    def findings_of(self, service: str | None) -> list[Diagnostic]:
        """The findings about one service; None: those about the stack as a whole."""
        return [f for f in self.findings if f.resource == service]


def evaluate(stack: ParsedStack, cloud: Cloud | None = None) -> Evaluation:
    findings = list(stack.diagnostics)
    facts: ClusterFacts | None = None
    if stack.cluster is not None:
        facts, found = cluster_facts(stack.cluster, cloud)
        findings += found
    for service in stack.services:
        findings += check_service(service, facts, stack.paths.get(service.name, ""))
    cross = check_cross_service(stack.services, facts, stack.paths)
    findings += cross
    findings += check_namespaces(stack)
    findings += check_production_protection(stack.services, stack.paths, stack.production)
    if cloud is not None and stack.cluster is not None and stack.cluster.lookup and facts is not None:
        for service in stack.services:
            findings += looked_up_elb_findings(service, facts, cloud, stack.paths.get(service.name, ""))
    return Evaluation(stack, facts, cross, findings)
