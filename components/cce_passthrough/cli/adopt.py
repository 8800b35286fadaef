"""`cce-passthrough adopt`: an existing Service and its Deployment as a stack entry and a `pulumi import
--file` document, checked by running the real program offline with the entry and computing the plan the
first preview after the import would show (`live.adopt`, `live.adopt_round_trip`, `live.k8splan`)."""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..core.diagnostics import Diagnostic, Severity, sort_key
from ..core.model import ServiceConfig
from ..live.adopt import cannot_adopt, entry_from_live, find_deployment
from ..live.adopt_import_file import (
    COMPONENT_TYPE,
    DEPLOYMENT_TYPE,
    SERVICE_TYPE,
    PlannedObject,
    import_document,
)
from ..live.adopt_round_trip import declared, round_trip_findings
from ..live.stackfile import SERVICES_KEY, StackFileRefusedError, read_regular
from ..offline.plan import PlannedResource, PlanResult

PROJECT_SERVICES = SERVICES_KEY


@dataclass
class AdoptResult:
    entry: dict[str, Any] | None
    import_document: dict[str, Any] | None
    findings: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.entry is not None and not any(f.severity is Severity.ERROR for f in self.findings)


def _stack_document(stack_file: Path) -> dict[str, Any]:
    data = yaml.safe_load(read_regular(stack_file).decode("utf-8")) or {}
    if not isinstance(data, dict):
        raise StackFileRefusedError(f"{stack_file} has no config: mapping")
    return data


def _planned(result: PlanResult, type_: str, name: str, parent: str | None = None) -> PlannedResource | None:
    for resource in result.resources:
        if resource.type == type_ and resource.name == name and (parent is None or resource.parent == parent):
            return resource
    return None


def _object(resource: PlannedResource) -> PlannedObject:
    return PlannedObject(resource.type, resource.name, resource.urn, resource.parent, resource.provider)


def adopt(
    project_dir: Path,
    stack_file: Path,
    live_service: Mapping[str, Any],
    deployments: Sequence[Mapping[str, Any]],
) -> AdoptResult:
    """The entry, the import document and every finding, for one live Service."""
    from ..offline.preview import preview

    document = _stack_document(stack_file)
    config = document.get("config") if isinstance(document.get("config"), dict) else {}
    assert isinstance(config, dict)
    existing = config.get(PROJECT_SERVICES) if isinstance(config.get(PROJECT_SERVICES), list) else []
    assert isinstance(existing, list)
    prefix = f"services[{len(existing)}]"
    deployment, others = find_deployment(live_service, deployments)
    adoption = entry_from_live(live_service, deployment, prefix, others)
    if adoption.entry is None or deployment is None:
        return AdoptResult(None, None, adoption.findings)
    entry = adoption.entry
    name = str(entry["name"])
    trial = {**document, "config": {**config, PROJECT_SERVICES: [*existing, entry]}}
    with tempfile.TemporaryDirectory(prefix="cce-passthrough-adopt-") as directory:
        trial_file = Path(directory) / stack_file.name
        trial_file.write_text(yaml.safe_dump(trial, sort_keys=False, allow_unicode=True))
        result = preview(project_dir, config_file=trial_file)
    findings = list(adoption.findings)
    findings += [d for d in result.diagnostics if d.resource == name or d.field.startswith(prefix)]
    component = _planned(result, COMPONENT_TYPE, name)
    if component is None:
        findings.append(
            cannot_adopt(name, prefix, "the program declared nothing for the entry (see the findings above).")
        )
        return AdoptResult(entry, None, sorted(findings, key=sort_key))
    planned_service = _planned(result, SERVICE_TYPE, f"{name}-service", component.urn)
    planned_deployment = _planned(result, DEPLOYMENT_TYPE, f"{name}-deployment", component.urn)
    assert planned_service is not None and planned_deployment is not None
    service_model = ServiceConfig.model_validate(entry)
    findings += round_trip_findings(
        name,
        prefix,
        live_service,
        deployment,
        declared(
            "Service",
            planned_service.inputs,
            planned_service.ignore_changes,
            planned_service.replace_on_changes,
        ),
        declared(
            "Deployment",
            planned_deployment.inputs,
            planned_deployment.ignore_changes,
            planned_deployment.replace_on_changes,
        ),
        service_model,
    )
    namespace = str(entry.get("namespace") or "default")
    ids = {planned_service.name: f"{namespace}/{name}", planned_deployment.name: f"{namespace}/{name}"}
    document_out = import_document(
        _object(component), [_object(planned_deployment), _object(planned_service)], ids
    )
    return AdoptResult(entry, document_out, sorted(findings, key=sort_key))


def entry_yaml(entry: Mapping[str, Any]) -> str:
    """The entry as it goes under `cce-passthrough:services:` (a one-item list, two-space indent)."""
    import io

    from ..live.stackfile import _plain, _yaml

    out = io.StringIO()
    _yaml().dump([_plain(entry)], out)
    return out.getvalue()


def write_import_file(path: Path, document: Mapping[str, Any]) -> None:
    """A new file only: an existing file or link is never written over."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o644)
    with os.fdopen(fd, "w") as handle:
        handle.write(json.dumps(document, indent=2) + "\n")


def read_live(args: argparse.Namespace) -> tuple[Mapping[str, Any], list[Mapping[str, Any]]]:
    """The Service and the namespace's Deployments, as the API returns them (one call each)."""
    from ..live.kube import connect, resolve_kubeconfig

    source = resolve_kubeconfig(explicit=args.kubeconfig)
    kube = connect(source)
    try:
        sanitize = kube.api_client.sanitize_for_serialization
        service = kube.call(
            f"read Service {args.namespace}/{args.service}",
            kube.core.read_namespaced_service,
            args.service,
            args.namespace,
        )
        deployments = kube.call(
            f"list Deployments in {args.namespace}", kube.apps.list_namespaced_deployment, args.namespace
        )
        items = sanitize(deployments).get("items") or []
        for item in items:
            item.setdefault("apiVersion", "apps/v1")
            item.setdefault("kind", "Deployment")
        live_service = sanitize(service)
        live_service.setdefault("apiVersion", "v1")
        live_service.setdefault("kind", "Service")
        return live_service, items
    finally:
        kube.close()


def adoption_text(result: AdoptResult, wrote: Path | None) -> str:
    lines = []
    for finding in result.findings:
        lines.append(finding.render())
    if result.entry is not None:
        lines += ["", f"# stack entry (under {PROJECT_SERVICES}):", entry_yaml(result.entry).rstrip()]
    if result.import_document is not None:
        lines += ["", "# pulumi import --file <this JSON>", json.dumps(result.import_document, indent=2)]
    if wrote is not None:
        lines += ["", f"added {result.entry and result.entry['name']!r} to {wrote}"]
    verdict = "clean: the first preview after the import changes nothing" if result.ok else "not clean"
    lines += ["", f"adopt: {verdict}"]
    return "\n".join(lines) + "\n"
