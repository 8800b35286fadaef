"""`adopt`: a Service and its Deployment that already run on CCE (made by hand, from the CCE page) become a
stack-file entry and a `pulumi import --file` document, such that the first preview after the import
changes nothing: same names, labels, selector, container name, annotation bytes.

Three steps, all pure:

1. `entry_from_live` reads the live objects (JSON as the API returns them) into the entry the
   component can express, and reports at once what it cannot (PT533: no ELB annotation, no Deployment
   of the Service's name...).
2. The caller runs the real program offline with that entry (`cce-passthrough preview`'s code path) and
   hands back the Deployment and Service as planned.
3. `round_trip_findings` (`adopt_round_trip`) computes the plan `pulumi preview` shows after `pulumi
   import` of the live objects (`k8splan`): every change it would make is a finding (PT530 replace,
   PT531 update in place), and so is every live value the component leaves to the cluster but that
   differs from the default (PT532), so nothing the component cannot express is dropped silently.
   `import_document` (`adopt_import_file`) builds the import file from the same planned resources, so
   names, parents and the provider match the program.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core import annotations as ann
from ..core.diagnostics import Diagnostic
from ..core.model import ELB_CLASS_NAMES, ELB_CLASS_VALUES, ServiceConfig
from ..core.ownership import CCE_WRITTEN_ANNOTATIONS
from ..rules.catalogue import rule
from .k8splan import LAST_APPLIED


@dataclass
class Adoption:
    """The stack entry (camelCase, as in the stack file) and what stands in the way of a clean import."""

    entry: dict[str, Any] | None
    findings: list[Diagnostic] = field(default_factory=list)


def cannot_adopt(resource: str, where: str, message: str, fix: str | None = None) -> Diagnostic:
    """PT533: what the live objects hold that no stack entry can express."""
    return rule("PT533").finding(resource, where, message, fix)


def not_written(resource: str, stack_file: Path, reason: Exception) -> Diagnostic:
    """PT534: `adopt --write` left the stack file as it was; `reason` says why."""
    return rule("PT534").finding(resource, str(stack_file), f"{reason}.")


def _get(value: Any, *path: str | int) -> Any:
    for key in path:
        if isinstance(key, int):
            if not isinstance(value, list) or key >= len(value):
                return None
        elif not isinstance(value, Mapping):
            return None
        value = value[key] if isinstance(key, int) else value.get(key)
    return value


def as_dict(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


def find_deployment(
    service: Mapping[str, Any], deployments: Sequence[Mapping[str, Any]]
) -> tuple[Mapping[str, Any] | None, list[str]]:
    """The Deployment named like the Service (the component names both alike), or None and the names of
    Deployments whose pods the Service selects."""
    name = _get(service, "metadata", "name")
    selector = as_dict(_get(service, "spec", "selector"))
    others = []
    for deployment in deployments:
        if _get(deployment, "metadata", "name") == name:
            return deployment, []
        labels = as_dict(_get(deployment, "spec", "template", "metadata", "labels"))
        if selector and all(labels.get(k) == v for k, v in selector.items()):
            others.append(str(_get(deployment, "metadata", "name")))
    return None, sorted(others)


def entry_from_live(
    service: Mapping[str, Any], deployment: Mapping[str, Any] | None, prefix: str, others: Sequence[str] = ()
) -> Adoption:
    """The stack entry for a live Service and its Deployment."""
    name = str(_get(service, "metadata", "name") or "")
    namespace = str(_get(service, "metadata", "namespace") or "default")
    where = f"{namespace}/{name}"
    findings: list[Diagnostic] = []

    def cannot(field_: str, message: str, fix: str) -> None:
        findings.append(cannot_adopt(name, f"{prefix}.{field_}" if prefix else field_, message, fix))

    if _get(service, "spec", "type") != "LoadBalancer":
        cannot(
            "name",
            f"Service {where} is of type {_get(service, 'spec', 'type')!r}; the component makes LoadBalancer "
            "Services only.",
            "Adopt a LoadBalancer Service.",
        )
        return Adoption(None, findings)
    if deployment is None:
        found = f" (the Service selects pods of {', '.join(others)})" if others else ""
        cannot(
            "name",
            f"no Deployment {where}: the component names the Deployment after the Service{found}.",
            "Adopt a Service whose Deployment has its name, or rename one of them first.",
        )
        return Adoption(None, findings)

    annotations = {str(k): str(v) for k, v in as_dict(_get(service, "metadata", "annotations")).items()}
    template = as_dict(_get(deployment, "spec", "template"))
    pod = as_dict(template.get("spec"))
    containers = pod.get("containers") if isinstance(pod.get("containers"), list) else []
    container = as_dict(containers[0]) if containers else {}
    entry: dict[str, Any] = {"name": name, "namespace": namespace, "image": container.get("image", "")}
    replicas = _get(deployment, "spec", "replicas")
    entry["replicas"] = replicas if isinstance(replicas, int) else 1
    if container.get("name") and container.get("name") != name:
        entry["containerName"] = container["name"]
    if not container.get("ports"):
        entry["containerPorts"] = False

    ports = []
    for port in _get(service, "spec", "ports") or []:
        item: dict[str, Any] = {}
        if isinstance(port, Mapping):
            if port.get("name"):
                item["name"] = port["name"]
            item["port"] = port.get("port")
            if port.get("targetPort") is not None:
                item["targetPort"] = port["targetPort"]
            item["protocol"] = port.get("protocol", "TCP")
        ports.append(item)
    entry["ports"] = ports

    resources = {
        k: v for k, v in as_dict(container.get("resources")).items() if k in ("requests", "limits") and v
    }
    if resources:
        entry["resources"] = resources
    entry["imagePullSecrets"] = [
        s.get("name") for s in pod.get("imagePullSecrets") or [] if isinstance(s, Mapping) and s.get("name")
    ]
    policy = _get(service, "spec", "externalTrafficPolicy") or "Cluster"
    entry["externalTrafficPolicy"] = policy
    entry["passThrough"] = annotations.get(ann.PASS_THROUGH) in ann.PASS_THROUGH_ON
    host_network = pod.get("hostNetwork") is True
    if host_network:
        entry["hostNetwork"] = True

    labels = as_dict(_get(template, "metadata", "labels"))
    entry["labels"] = labels
    service_labels = as_dict(_get(service, "metadata", "labels"))
    if service_labels != labels:
        entry["serviceLabels"] = service_labels
    deployment_labels = as_dict(_get(deployment, "metadata", "labels"))
    if deployment_labels != labels:
        entry["deploymentLabels"] = deployment_labels
    match_labels = _get(deployment, "spec", "selector", "matchLabels")
    if isinstance(match_labels, Mapping):
        entry["selector"] = dict(match_labels)

    entry["elb"] = _elb(annotations, cannot)
    kept = {
        key: value
        for key, value in annotations.items()
        if key not in ann.OWNED
        and key not in CCE_WRITTEN_ANNOTATIONS
        and key != LAST_APPLIED
        and not (host_network and key == ann.HOST_NETWORK and value == "true")
    }
    if kept:
        entry["annotations"] = kept
    return Adoption(entry if not findings else None, findings)


def _elb(annotations: Mapping[str, str], cannot: Any) -> dict[str, Any]:
    elb: dict[str, Any] = {}
    elb_class = annotations.get(ann.CLASS)
    if elb_class is None:
        cannot(
            "elb.class",
            "the Service has no kubernetes.io/elb.class; the component always sends one, and CCE cannot add "
            "it to an existing Service (the Service would be replaced, with a new ELB).",
            "Keep this Service out of the stack, or recreate it with an explicit class.",
        )
    elif elb_class not in ELB_CLASS_VALUES:
        cannot(
            "elb.class",
            f"kubernetes.io/elb.class is {elb_class!r}, neither union nor performance.",
            "Keep this Service out of the stack.",
        )
    else:
        elb["class"] = ELB_CLASS_NAMES.get(elb_class, elb_class)
    text = annotations.get(ann.AUTOCREATE)
    if text is not None:
        elb.update(_autocreate(text, elb.get("class"), cannot))
    elif ann.ID in annotations:
        elb["existing"] = {"id": annotations[ann.ID]}
    else:
        cannot(
            "elb",
            "the Service has neither kubernetes.io/elb.id nor kubernetes.io/elb.autocreate (an ELB chosen "
            "through spec.loadBalancerIP, which CCE honours only up to v1.23).",
            "Add kubernetes.io/elb.id of its ELB to the Service first (kubectl annotate), then adopt it.",
        )
    return elb


def _autocreate(text: str, elb_class: str | None, cannot: Any) -> dict[str, Any]:
    """Structured when the component would write these very bytes back, the text verbatim otherwise."""
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        cannot(
            "elb.autocreate",
            "kubernetes.io/elb.autocreate is not a JSON object; CCE could not have created an ELB from it.",
            "Check the Service's ELB in the console, then annotate the Service with its kubernetes.io/elb.id.",
        )
        return {}
    probe = {
        "name": "probe",
        "image": "probe",
        "ports": [{"port": 80}],
        "elb": {"class": elb_class or "shared", "autocreate": parsed},
    }
    try:
        rendered = ann.autocreate_value(ServiceConfig.model_validate(probe))
    except ValueError as exc:
        cannot(
            "elb.autocreate",
            f"kubernetes.io/elb.autocreate has fields the component does not know: {_first_error(exc)}.",
            "Keep this Service out of the stack, or report the field so the component learns it.",
        )
        return {}
    return {"autocreate": parsed} if rendered == text else {"autocreateJson": text}


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        return f"{'.'.join(str(p) for p in first.get('loc', ()))}: {first.get('msg')}"
    return str(exc)
