"""The namespaces a stack's services live in: which the stack creates, and which the cluster must have."""

from __future__ import annotations

from ...core.diagnostics import Diagnostic
from ...core.names import is_dns_1123_label
from ...core.paths import join as path
from ..catalogue import rule
from ..config import ParsedStack

# Every Kubernetes cluster has these; creating one again fails with "already exists".
BUILT_IN = frozenset({"default", "kube-system", "kube-public", "kube-node-lease"})


def namespaces_to_create(stack: ParsedStack) -> list[str]:
    """The namespaces the stack declares, in first-use order, when `createNamespaces` is true."""
    if not stack.create_namespaces:
        return []
    return _used(stack)


def _used(stack: ParsedStack) -> list[str]:
    """Namespaces the cluster may lack; one that is not a valid name has its PT401 already."""
    used = (s.namespace for s in stack.services if s.namespace not in BUILT_IN)
    return list(dict.fromkeys(n for n in used if is_dns_1123_label(n)))


def check_namespaces(stack: ParsedStack) -> list[Diagnostic]:
    """PT931 (info), once per namespace, when the stack does not say whether it creates them."""
    said = stack.create_namespaces is not None
    if said or any(d.field == "createNamespaces" for d in stack.diagnostics):  # one mistake, one finding
        return []
    findings: list[Diagnostic] = []
    for namespace in _used(stack):
        first = next(s for s in stack.services if s.namespace == namespace)
        findings.append(
            rule("PT931").finding(
                first.name,
                path(stack.paths.get(first.name, ""), "namespace"),
                f"namespace {namespace!r} must exist before `pulumi up`: this stack does not create it, and "
                "Kubernetes refuses a Deployment or Service in a namespace that does not exist.",
                f"Set cce-passthrough:createNamespaces: true to create {namespace!r} with the stack, or create "
                f"it first (kubectl create namespace {namespace}) and set createNamespaces: false.",
            )
        )
    return findings
