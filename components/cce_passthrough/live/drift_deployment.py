"""Drift of a deployed stack Deployment (PT541): what `pulumi preview --refresh` would show for it, from
`k8splan.plan_after_refresh` over the inputs the component sends (`deployment_inputs`, the same fields as
`wiring.component`) with the fields the API server fills in left to the cluster, as the component's
ignoreChanges leaves them. One finding per stack field, naming every path that differs."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..core import workload
from ..core.diagnostics import Diagnostic
from ..core.model import ServiceConfig
from ..core.ownership import deployment_cluster_fields
from ..core.paths import join
from ..rules.catalogue import rule
from .k8sdiff import Change
from .k8splan import Declared, Operation, plan_after_refresh

# Where a Deployment path comes from in the stack entry (first match).
_FIELDS = (
    ("spec.replicas", "replicas"),
    ("metadata.labels", "deploymentLabels"),
    ("spec.selector", "selector"),
    ("spec.template.metadata.labels", "labels"),
    ("spec.template.spec.containers[0].name", "containerName"),
    ("spec.template.spec.containers[0].image", "image"),
    ("spec.template.spec.containers[0].ports", "ports"),
    ("spec.template.spec.containers[0].resources", "resources"),
    ("spec.template.spec.imagePullSecrets", "imagePullSecrets"),
    ("spec.template.spec.hostNetwork", "hostNetwork"),
    ("spec.template.spec.containers", "image"),
)


def deployment_inputs(service: ServiceConfig) -> dict[str, Any]:
    """The Deployment the component declares for `service`, as its JSON inputs."""
    ports = []
    for port in workload.container_ports(service):
        entry: dict[str, Any] = {"containerPort": port.container_port, "protocol": port.protocol}
        if port.name is not None:
            entry["name"] = port.name
        ports.append(entry)
    container: dict[str, Any] = {"name": workload.container_name(service), "image": service.image}
    if ports:
        container["ports"] = ports
    if service.resources is not None:
        resources = {"requests": service.resources.requests, "limits": service.resources.limits}
        container["resources"] = {k: v for k, v in resources.items() if v is not None}
    pod: dict[str, Any] = {"containers": [container]}
    if service.image_pull_secrets:
        pod["imagePullSecrets"] = [{"name": secret} for secret in service.image_pull_secrets]
    if service.host_network:
        pod["hostNetwork"] = True
    metadata: dict[str, Any] = {"name": service.name, "namespace": service.namespace}
    if workload.deployment_labels(service):
        metadata["labels"] = workload.deployment_labels(service)
    template: dict[str, Any] = {"spec": pod}
    if workload.pod_labels(service):
        template["metadata"] = {"labels": workload.pod_labels(service)}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": metadata,
        "spec": {
            "replicas": service.replicas,
            "selector": {"matchLabels": workload.selector(service)},
            "template": template,
        },
    }


def _field(path: str) -> str:
    for start, field in _FIELDS:
        if path == start or path.startswith((f"{start}.", f"{start}[")):
            return field
    return "deployment"


def _shown(value: Any) -> str:
    return "absent" if value is None else json.dumps(value, sort_keys=True)


def deployment_drift(service: ServiceConfig, live: Mapping[str, Any], prefix: str) -> list[Diagnostic]:
    """PT541 for each stack field whose Deployment paths the cluster holds otherwise."""
    declared = Declared(
        "Deployment",
        deployment_inputs(service),
        ignore_changes=tuple(f.path for f in deployment_cluster_fields(service)),
    )
    # a list's items carry no apiVersion and kind: they are the list's
    live_object = {"apiVersion": "apps/v1", "kind": "Deployment", **live}
    step = plan_after_refresh(live_object, declared)
    if step.operation is Operation.SAME:
        return []
    by_field: dict[str, list[Change]] = {}
    for change in step.changes:
        by_field.setdefault(_field(change.path), []).append(change)
    ident = f"Deployment {service.namespace}/{service.name}"
    findings = []
    for field, changes in sorted(by_field.items()):
        described = "; ".join(
            f"{c.path} is {_shown(c.before)} in the cluster, the stack sets {_shown(c.after)}"
            for c in changes
        )
        replaces = " (pulumi up would replace the Deployment)" if any(c.replaces for c in changes) else ""
        findings.append(
            rule("PT541").finding(service.name, join(prefix, field), f"{ident}: {described}{replaces}.")
        )
    return findings
