"""Names and labels of the Deployment and Service a service becomes: the recommended
`app.kubernetes.io/*` set by default, or the labels an existing workload already has (adopt). Pure."""

from __future__ import annotations

from typing import NamedTuple

from .model import ServiceConfig


class ContainerPort(NamedTuple):
    container_port: int
    protocol: str
    name: str | None


def recommended_labels(name: str) -> dict[str, str]:
    return {
        "app": name,
        "app.kubernetes.io/name": name,
        "app.kubernetes.io/instance": name,
        "app.kubernetes.io/managed-by": "pulumi",
        "app.kubernetes.io/part-of": "cce-passthrough",
    }


def selector_labels(name: str) -> dict[str, str]:
    return {"app.kubernetes.io/name": name, "app.kubernetes.io/instance": name}


def pod_labels(service: ServiceConfig) -> dict[str, str]:
    return dict(service.labels) if service.labels is not None else recommended_labels(service.name)


def service_labels(service: ServiceConfig) -> dict[str, str]:
    return dict(service.service_labels) if service.service_labels is not None else pod_labels(service)


def deployment_labels(service: ServiceConfig) -> dict[str, str]:
    return dict(service.deployment_labels) if service.deployment_labels is not None else pod_labels(service)


def selector(service: ServiceConfig) -> dict[str, str]:
    if service.selector is not None:
        return dict(service.selector)
    return dict(service.labels) if service.labels is not None else selector_labels(service.name)


def container_name(service: ServiceConfig) -> str:
    return service.container_name or service.name


def container_ports(service: ServiceConfig) -> list[ContainerPort]:
    """The container ports the Deployment declares: one per Service port with a numeric target (its port
    when it names none), unless containerPorts is false. A named targetPort refers to a port the image
    declares itself."""
    declared = []
    for port in service.ports if service.container_ports else []:
        target = port.target_port if port.target_port is not None else port.port
        if isinstance(target, int):
            declared.append(ContainerPort(target, port.protocol, port.name))
    return declared
