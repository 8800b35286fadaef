"""Who owns which field of the Deployment and Service the component declares.

The component sends its own fields. The API server fills in defaults and allocations (cluster IP, node
ports, the pod template's restart policy...) and CCE writes values back onto the Service (the id of the
ELB it created, its EIP id, `spec.loadBalancerIP`) [OTC-EIP]. Those are the cluster's: the component
declares them `ignore_changes`, so that an object the cluster already has (adopted with `pulumi
import`, which records every live field as an input) plans no change for them, and `doctor` shows them
as facts instead of drift. Pure: no Pulumi here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import annotations as ann
from .model import ServiceConfig

# Annotations CCE writes onto a Service itself [OTC-EIP]; elb.id only for an ELB it created.
CCE_WRITTEN_ANNOTATIONS = (ann.ID, ann.EIP_ID, ann.CUSTOM_EIP_STATUS)


@dataclass(frozen=True)
class ClusterField:
    """A field the component never sends: its path, and the value the API server gives it when nobody
    sets it (None: allocated per object, no default to compare with)."""

    path: str
    default: Any = None
    written_by: str = "the API server"


def _annotation(key: str) -> str:
    return f'metadata.annotations["{key}"]'


SERVICE_DEFAULTS = (
    ClusterField("metadata.finalizers"),
    ClusterField("spec.clusterIP"),
    ClusterField("spec.clusterIPs"),
    ClusterField("spec.ipFamilies", ["IPv4"]),
    ClusterField("spec.ipFamilyPolicy", "SingleStack"),
    ClusterField("spec.internalTrafficPolicy", "Cluster"),
    ClusterField("spec.sessionAffinity", "None"),
    ClusterField("spec.allocateLoadBalancerNodePorts", True),
    ClusterField("spec.healthCheckNodePort"),
    ClusterField("spec.loadBalancerIP", written_by="CCE"),
)

DEPLOYMENT_DEFAULTS = (
    ClusterField("metadata.annotations"),
    ClusterField("spec.progressDeadlineSeconds", 600),
    ClusterField("spec.revisionHistoryLimit", 10),
    ClusterField(
        "spec.strategy",
        {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
    ),
    ClusterField("spec.template.metadata.creationTimestamp"),
    ClusterField("spec.template.metadata.annotations"),
    ClusterField("spec.template.spec.restartPolicy", "Always"),
    ClusterField("spec.template.spec.terminationGracePeriodSeconds", 30),
    ClusterField("spec.template.spec.dnsPolicy", "ClusterFirst"),
    ClusterField("spec.template.spec.securityContext", {}),
    ClusterField("spec.template.spec.schedulerName", "default-scheduler"),
    ClusterField("spec.template.spec.containers[0].terminationMessagePath", "/dev/termination-log"),
    ClusterField("spec.template.spec.containers[0].terminationMessagePolicy", "File"),
    ClusterField("spec.template.spec.containers[0].imagePullPolicy"),
)


def service_cluster_fields(service: ServiceConfig, annotations: Mapping[str, object]) -> list[ClusterField]:
    """The Service's fields the cluster owns, given the annotations the component sends."""
    fields = list(SERVICE_DEFAULTS)
    fields += [
        ClusterField(_annotation(key), written_by="CCE")
        for key in CCE_WRITTEN_ANNOTATIONS
        if key not in annotations
    ]
    fields += [
        ClusterField(f"spec.ports[{index}].nodePort")
        for index, port in enumerate(service.ports)
        if port.node_port is None
    ]
    return fields


def deployment_cluster_fields(service: ServiceConfig) -> list[ClusterField]:
    return list(DEPLOYMENT_DEFAULTS)


def image_pull_policy_default(image: str) -> str:
    """`Always` for `:latest` or an untagged image, else `IfNotPresent` (Kubernetes' defaulting)."""
    name = image.rsplit("/", 1)[-1]
    if "@" in name:
        return "IfNotPresent"
    tag = name.split(":", 1)[1] if ":" in name else ""
    return "Always" if tag in ("", "latest") else "IfNotPresent"
