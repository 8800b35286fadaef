"""The Service spec (PT401): names, namespace, replicas and ports as Kubernetes accepts them, one name per
service in a stack; the ports' protocols (PT410, PT411)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from ...core import workload
from ...core.diagnostics import Diagnostic, shown
from ...core.model import ClusterFacts, PortConfig, ServiceConfig
from ...core.names import is_dns_1035_label, is_dns_1123_label, port_name_problem
from ...core.paths import join as _path
from ..catalogue import rule

# Kubernetes turns on mixed TCP/UDP LoadBalancer Services (MixedProtocolLBService) by default from v1.24.
MIXED_PROTOCOL_MINOR = (1, 24)

INT32_MAX = 2**31 - 1  # replicas, ports, nodePort: Go int32 in the Kubernetes API


def service_name_findings(name: str, prefix: str) -> Iterator[Diagnostic]:
    """The service's name is the Deployment's and the Service's: a DNS-1035 label."""
    if not is_dns_1035_label(name):
        yield rule("PT401").finding(
            name,
            _path(prefix, "name"),
            f"service name {name!r} is not a DNS-1035 label (lowercase letters, digits, '-', starting with a "
            "letter, at most 63 characters).",
            "Rename the service, e.g. 'web-api'.",
        )


def check_spec(service: ServiceConfig, _cluster: ClusterFacts | None, prefix: str) -> Iterator[Diagnostic]:
    pt401 = rule("PT401")
    name = service.name
    yield from service_name_findings(name, prefix)
    if not is_dns_1123_label(service.namespace):
        yield pt401.finding(
            name,
            _path(prefix, "namespace"),
            f"namespace {shown(service.namespace)} is not a DNS-1123 label (1-63 lowercase letters, digits "
            "and '-', starting and ending with a letter or digit).",
            f"Name an existing or new namespace that is one, e.g. namespace: {_dns_label_like(service.namespace)}.",
        )
    if not 0 <= service.replicas <= INT32_MAX:
        yield pt401.finding(
            name,
            _path(prefix, "replicas"),
            f"replicas must be 0 to {INT32_MAX} (got {service.replicas}): the API server stores it as int32.",
            "Set replicas to the number of pods wanted, e.g. replicas: 2.",
        )
    if not service.ports:
        yield pt401.finding(
            name,
            _path(prefix, "ports"),
            "a LoadBalancer Service needs at least one port.",
            "Add a port, e.g. {port: 80, targetPort: 80, protocol: TCP}.",
        )
    # A port or name given twice is one mistake: the finding is on the second (and any later) one.
    seen_ports: Counter[tuple[int, str]] = Counter()
    seen_names: Counter[str] = Counter()
    for index, port in enumerate(service.ports):
        seen_ports[(port.port, port.protocol)] += 1
        if port.name:
            seen_names[port.name] += 1
        where = _path(prefix, f"ports[{index}]")
        if not 1 <= port.port <= 65535:
            yield pt401.finding(
                name,
                f"{where}.port",
                f"port {port.port} is outside 1-65535.",
                "Use the listener port clients call, 1-65535, e.g. port: 80.",
            )
        # nodePort 0, as CCE's own examples write it, asks Kubernetes to pick one.
        if port.node_port not in (None, 0) and not 30000 <= port.node_port <= 32767:
            yield pt401.finding(
                name,
                f"{where}.nodePort",
                f"nodePort {port.node_port} is outside 30000-32767.",
                "Use a nodePort in 30000-32767, or leave it out and let Kubernetes pick one.",
            )
        target = port.target_port
        if isinstance(target, int) and not 1 <= target <= 65535:
            yield pt401.finding(
                name,
                f"{where}.targetPort",
                f"targetPort {target} is outside 1-65535.",
                "Use the port the container listens on, 1-65535, e.g. targetPort: 8080, or leave it out "
                "(it defaults to port).",
            )
        if isinstance(target, str) and (problem := port_name_problem(target)):
            yield pt401.finding(
                name,
                f"{where}.targetPort",
                f"targetPort {target!r} is neither a number nor a container port name ({problem}).",
                "Use the container's port number (e.g. targetPort: 8080) or the name of a port the "
                "container declares (e.g. targetPort: http).",
            )
        if seen_ports[(port.port, port.protocol)] > 1:
            yield pt401.finding(
                name,
                f"{where}.port",
                f"{port.protocol} port {port.port} is listed twice.",
                "Remove the duplicate port.",
            )
        if port.name is None and len(service.ports) > 1:
            yield pt401.finding(
                name,
                f"{where}.name",
                "every port needs a name when a Service has several.",
                "Name the port, e.g. 'http'.",
            )
        if port.name is not None:
            yield from _port_name_findings(service, port, f"{where}.name")
            if seen_names[port.name] > 1:
                yield pt401.finding(
                    name,
                    f"{where}.name",
                    f"port name {port.name!r} is used twice.",
                    f"Give each port its own name, e.g. name: {port.name}-{port.port}.",
                )
    yield from _workload_findings(service, prefix)


def _dns_label_like(text: str) -> str:
    """An example DNS-1123 label close to `text`, for a fix."""
    label = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")[:63].strip("-")
    return label or "shop"


def _workload_findings(service: ServiceConfig, prefix: str) -> Iterator[Diagnostic]:
    """Container name and selector: the API server rejects a Deployment whose selector its own pods do not
    match, and a container name that is not a DNS-1123 label."""
    pt401 = rule("PT401")
    name = service.name
    container = workload.container_name(service)
    # Unset, the container is named after the service, whose own name finding says it all.
    named_after_service = service.container_name is None and not is_dns_1035_label(name)
    if not is_dns_1123_label(container) and not named_after_service:
        yield pt401.finding(
            name,
            _path(prefix, "containerName"),
            f"container name {shown(container)} is not a DNS-1123 label.",
            "Name the container with a DNS-1123 label, e.g. containerName: container-0 (CCE's own default).",
        )
    if service.image != service.image.strip():
        # The API server checks this on pods, not on the Deployment's template: the Deployment is
        # accepted and its ReplicaSet never creates a pod.
        yield pt401.finding(
            name,
            _path(prefix, "image"),
            f"image {shown(service.image)} has leading or trailing whitespace: the Deployment is accepted, "
            "but the API server refuses every pod it creates.",
            f"Remove the whitespace: image: {service.image.strip() or 'nginx:1.27'}.",
        )
    selector, labels = workload.selector(service), workload.pod_labels(service)
    if not selector:
        yield pt401.finding(
            name,
            _path(prefix, "selector"),
            "the selector is empty: the Service would select no pod and the Deployment is invalid.",
            "Set selector to one or more of the pod labels, e.g. {app: " + name + "}.",
        )
    missing = {k: v for k, v in selector.items() if labels.get(k) != v}
    if missing:
        yield pt401.finding(
            name,
            _path(prefix, "selector"),
            f"the selector {missing} is not among the pod labels {labels}: the Deployment would not own "
            "its pods and the Service would send traffic to none.",
            "Make every selector label one of the pod labels (labels).",
        )


def reuses_port_name(service: ServiceConfig, port: PortConfig) -> bool:
    """The component declares a container port, named like the Service port, for each numeric target
    (unless containerPorts is false); a Service read from a manifest has no Deployment of ours."""
    return service.manifest is None and service.container_ports and not isinstance(port.target_port, str)


def _port_name_findings(service: ServiceConfig, port: PortConfig, where: str) -> Iterator[Diagnostic]:
    name = port.name or ""
    if not is_dns_1123_label(name):
        yield rule("PT401").finding(
            service.name,
            where,
            f"port name {name!r} is not a DNS-1123 label (lowercase letters, digits and '-', starting and "
            "ending with a letter or digit, at most 63 characters).",
            "Rename the port, e.g. 'http' or '80-tcp'.",
        )
    elif reuses_port_name(service, port) and (problem := port_name_problem(name)):
        yield rule("PT401").finding(
            service.name,
            where,
            f"port name {name!r} is also the name of the container port the component declares, which "
            f"Kubernetes requires to be an IANA service name: {problem}; the API server would reject the "
            "Deployment at `pulumi up`.",
            "Rename the port to at most 15 lowercase letters, digits and single '-', with a letter, e.g. "
            "'http' or 'metrics-8080'.",
        )


def check_protocols(
    service: ServiceConfig, cluster: ClusterFacts | None, prefix: str
) -> Iterator[Diagnostic]:
    for index, port in enumerate(service.ports):
        if port.protocol == "SCTP":
            yield rule("PT410").finding(
                service.name,
                _path(prefix, f"ports[{index}].protocol"),
                f"port {port.port} is SCTP; ELB listeners are TCP or UDP.",
            )
    protocols = {p.protocol for p in service.ports}
    mixed = {"TCP", "UDP"} <= protocols
    if mixed and cluster is not None and not cluster.version.at_least_minor(*MIXED_PROTOCOL_MINOR):
        yield rule("PT411").finding(
            service.name,
            _path(prefix, "ports"),
            f"TCP and UDP ports in one LoadBalancer Service need Kubernetes v1.24 or later (cluster is "
            f"{cluster.version}); older API servers reject the Service.",
        )


def invalid_spec(resource: str, where: str, message: str, fix: str | None = None) -> Diagnostic:
    """PT401: what the Kubernetes API server would refuse in the Service or Deployment spec."""
    return rule("PT401").finding(resource, where, message, fix)


def duplicate_name(resource: str, where: str, message: str) -> Diagnostic:
    """PT401 for a second service of one name in a stack."""
    return invalid_spec(resource, where, message, "Give every service its own name.")
