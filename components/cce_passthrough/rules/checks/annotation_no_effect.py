"""Annotations that have no effect where they are (PT406): they act only on some listeners, ELB classes
or cluster types, or only together with the annotation that enables them; and custom-eip-id, which CCE
applies only to a Service that already has its EIP (PT408)."""

from __future__ import annotations

from collections.abc import Iterator

from ...core import annotations as ann
from ...core.diagnostics import Diagnostic
from ...core.model import ClusterFacts, ServiceConfig
from ...core.versions import GateResult, VersionGate
from .annotation_context import Context, ContextRule, each_rule, health_checks

SUBNET_ID_LAST_NEEDED = VersionGate.of("v1.11.8-r0")


def sticky_session_option(context: Context) -> Iterator[Diagnostic]:
    values = context.annotations
    if ann.SESSION_AFFINITY_OPTION in values and ann.SESSION_AFFINITY_MODE not in values:
        yield context.finding(
            "PT406",
            ann.SESSION_AFFINITY_OPTION,
            f"{ann.SESSION_AFFINITY_OPTION} has no effect without {ann.SESSION_AFFINITY_MODE}: SOURCE_IP.",
            f"Add {ann.SESSION_AFFINITY_MODE}: SOURCE_IP, or remove {ann.SESSION_AFFINITY_OPTION}.",
        )


def health_check_options(context: Context) -> Iterator[Diagnostic]:
    if context.annotations.get(ann.HEALTH_CHECK_FLAG) == "off":
        for key in (ann.HEALTH_CHECK_OPTION, ann.HEALTH_CHECK_OPTIONS):
            if key in context.annotations:
                yield context.finding(
                    "PT406",
                    key,
                    f"{key} has no effect with {ann.HEALTH_CHECK_FLAG}: off.",
                    f"Remove {key}, or set {ann.HEALTH_CHECK_FLAG}: on.",
                )
    for check in health_checks(context):
        protocol = check.data.get("protocol")
        if check.matched and "path" in check.data and protocol != "HTTP":
            yield context.finding(
                "PT406",
                check.key,
                f"path is used by HTTP health checks only (protocol is {protocol or 'the port protocol'}).",
                'Set "protocol": "HTTP", or remove path.',
                f"{check.suffix}.path",
            )


def listener_options(context: Context) -> Iterator[Diagnostic]:
    values = context.annotations
    protocols = context.protocols()
    if ann.CERT_ID in values and not protocols & {"HTTPS", "TLS"}:
        yield context.finding(
            "PT406",
            ann.CERT_ID,
            f"{ann.CERT_ID} is used by HTTPS/TLS listeners only, and this service has none.",
            f"Add https:<port> to {ann.PROTOCOL_PORT}, or remove {ann.CERT_ID}.",
        )
    for key in (ann.HTTP2_ENABLE, ann.TLS_CERTIFICATE_IDS, ann.CLIENT_CA_CERT_ID):
        if key in values and "HTTPS" not in protocols:
            yield context.finding(
                "PT406",
                key,
                f"{key} acts on HTTPS listeners only, and this service has none.",
                f"Add https:<port> to {ann.PROTOCOL_PORT}, or remove {key}.",
            )
    for key in (ann.CLIENT_TIMEOUT, ann.MEMBER_TIMEOUT):
        if key in values and not protocols & {"HTTP", "HTTPS"}:
            yield context.finding(
                "PT406",
                key,
                f"{key} acts on HTTP/HTTPS listeners only, and this service has none.",
                f"Add http:<port> or https:<port> to {ann.PROTOCOL_PORT}, or remove {key}.",
            )


def access_control_options(context: Context) -> Iterator[Diagnostic]:
    if ann.ACL_ID in context.annotations:
        return
    for key in (ann.ACL_STATUS, ann.ACL_TYPE):
        if key in context.annotations:
            yield context.finding(
                "PT406",
                key,
                f"{key} has no effect without {ann.ACL_ID}.",
                f"Add {ann.ACL_ID}, or remove {key}.",
            )


def client_ip(context: Context) -> Iterator[Diagnostic]:
    if context.annotations.get(ann.TRANSPARENT_CLIENT_IP) != "true":
        return
    if context.service.elb.dedicated:
        return  # an annotation of the shared ELB's: PT430 says so, and that is the one fix
    cluster = context.cluster
    if cluster is not None and cluster.turbo:
        yield context.finding(
            "PT406",
            ann.TRANSPARENT_CLIENT_IP,
            f"{ann.TRANSPARENT_CLIENT_IP} has no effect on CCE Turbo.",
            f"Remove {ann.TRANSPARENT_CLIENT_IP}.",
        )
    elif context.service.external_traffic_policy != "Local":
        yield context.finding(
            "PT406",
            ann.TRANSPARENT_CLIENT_IP,
            f"on CCE Standard {ann.TRANSPARENT_CLIENT_IP} acts only with externalTrafficPolicy: Local.",
            f"Set externalTrafficPolicy: Local, or remove {ann.TRANSPARENT_CLIENT_IP}.",
        )
    if context.listeners and not context.protocols() & {"TCP", "UDP"}:
        yield context.finding(
            "PT406",
            ann.TRANSPARENT_CLIENT_IP,
            f"{ann.TRANSPARENT_CLIENT_IP} acts on TCP/UDP listeners only, and this service has none.",
            f"Remove {ann.TRANSPARENT_CLIENT_IP}.",
        )


def adaptive_weight(context: Context) -> Iterator[Diagnostic]:
    cluster = context.cluster
    if (
        ann.ADAPTIVE_WEIGHT in context.annotations
        and cluster is not None
        and cluster.turbo
        and context.service.elb.dedicated
    ):
        yield context.finding(
            "PT406",
            ann.ADAPTIVE_WEIGHT,
            f"{ann.ADAPTIVE_WEIGHT} has no effect on CCE Turbo with a dedicated ELB: the ELB's members are the "
            "pods themselves.",
            f"Remove {ann.ADAPTIVE_WEIGHT}.",
        )


def legacy_subnet(context: Context) -> Iterator[Diagnostic]:
    if ann.SUBNET_ID not in context.annotations:
        return
    cluster = context.cluster
    if cluster is None or SUBNET_ID_LAST_NEEDED.evaluate(cluster.version) is GateResult.MET:
        yield context.finding(
            "PT406",
            ann.SUBNET_ID,
            f"{ann.SUBNET_ID} is needed only by clusters v1.11.7-r0 and older; newer ones discard it.",
            f"Remove {ann.SUBNET_ID}; use elb.autocreate.vip_subnet_cidr_id to choose the ELB subnet.",
        )


def custom_eip_at_creation(context: Context) -> Iterator[Diagnostic]:
    auto = context.service.elb.autocreate
    # Next to elb.eip-id this is CCE's documented update procedure, on a Service that has its EIP.
    present = ann.CUSTOM_EIP_ID in context.annotations and ann.EIP_ID not in context.annotations
    if present and auto is not None and auto.type == "public":
        yield context.finding(
            "PT408",
            ann.CUSTOM_EIP_ID,
            f"{ann.CUSTOM_EIP_ID} is applied only when updating a Service that already carries {ann.EIP_ID}.",
        )


NO_EFFECT: tuple[ContextRule, ...] = (
    sticky_session_option,
    health_check_options,
    listener_options,
    access_control_options,
    client_ip,
    adaptive_weight,
    legacy_subnet,
    custom_eip_at_creation,
)


def check_annotations_without_effect(
    service: ServiceConfig, cluster: ClusterFacts | None, prefix: str
) -> Iterator[Diagnostic]:
    yield from each_rule(NO_EFFECT, service, cluster, prefix)
