"""The plan `pulumi preview` shows after `pulumi import` of the live objects, as findings: every change it
would make (PT530 replace, PT531 update in place), and every live value the component leaves to the
cluster but that differs from the default (PT532)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from ..core.diagnostics import Diagnostic
from ..core.model import ServiceConfig
from ..core.ownership import (
    DEPLOYMENT_DEFAULTS,
    ClusterField,
    image_pull_policy_default,
    service_cluster_fields,
)
from ..core.property_paths import ABSENT, value_at
from ..rules.catalogue import rule
from .adopt import as_dict
from .k8splan import Declared, Operation, imported_inputs, plan_after_import


def declared(kind: str, inputs: Mapping[str, Any], ignore: Sequence[str], replace: Sequence[str]) -> Declared:
    return Declared(kind, inputs, tuple(ignore), tuple(replace))


def round_trip_findings(
    resource: str,
    prefix: str,
    live_service: Mapping[str, Any],
    live_deployment: Mapping[str, Any],
    planned_service: Declared,
    planned_deployment: Declared,
    service: ServiceConfig,
) -> list[Diagnostic]:
    """What the first preview after `pulumi import` of both objects would do, as findings; none when the
    plan changes nothing and every value the cluster keeps is its default."""
    findings: list[Diagnostic] = []
    for label, live, planned in (
        ("Service", live_service, planned_service),
        ("Deployment", live_deployment, planned_deployment),
    ):
        step = plan_after_import(live, planned)
        if step.operation is Operation.SAME:
            continue
        for change in step.changes:
            found, verb = (
                (rule("PT530"), "replace") if change.replaces else (rule("PT531"), "change in place")
            )
            findings.append(
                found.finding(
                    resource,
                    prefix or resource,
                    f"after `pulumi import`, the plan would {verb} the {label}: {change.path} "
                    f"{_describe(change.before, change.after)}.",
                )
            )
    annotations = as_dict(planned_service.inputs.get("metadata", {})).get("annotations") or {}
    service_fields = service_cluster_fields(service, annotations)
    findings += _kept(resource, prefix, "Service", live_service, service_fields)
    findings += _kept(resource, prefix, "Deployment", live_deployment, _deployment_fields(service))
    return findings


def _deployment_fields(service: ServiceConfig) -> list[ClusterField]:
    fields = []
    for f in DEPLOYMENT_DEFAULTS:
        if f.path.endswith("imagePullPolicy"):
            f = ClusterField(f.path, image_pull_policy_default(service.image))
        fields.append(f)
    return fields


def _kept(
    resource: str, prefix: str, label: str, live: Mapping[str, Any], fields: Sequence[ClusterField]
) -> list[Diagnostic]:
    """Live values the component leaves to the cluster that are not the cluster's own default: kept as they
    are by the import, but not expressed in the stack."""
    recorded = imported_inputs(live)
    found = []
    for cluster_field in fields:
        if cluster_field.default is None:
            continue
        value = value_at(recorded, cluster_field.path)
        if value is ABSENT or value == cluster_field.default:
            continue
        found.append(
            rule("PT532").finding(
                resource,
                prefix or resource,
                f"the live {label} has {cluster_field.path} = {json.dumps(value)} (default "
                f"{json.dumps(cluster_field.default)}); the stack cannot express it, so Pulumi keeps it as it "
                "is and never manages it.",
            )
        )
    return found


def _describe(before: Any, after: Any) -> str:
    def short(value: Any) -> str:
        text = json.dumps(value, sort_keys=True)
        return text if len(text) <= 80 else text[:79] + "…"

    if after is None:
        return f"(live {short(before)}) would be removed"
    if before is None:
        return f"would be set to {short(after)}"
    return f"would go from {short(before)} to {short(after)}"
