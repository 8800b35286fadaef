"""CrossGuard policies over planned Kubernetes Services, reusing the pure rules unchanged.

Cluster facts come from the pack's config (`pulumi preview --policy-pack policy --policy-pack-config
config.json`), since a policy cannot call the cloud; without them only cluster-independent rules run.
"""

from collections.abc import Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

from ..checks import check_service
from ..checks.stack import check_cross_service
from ..diagnostics import Diagnostic, Severity
from ..facts import ClusterFacts, declared_facts
from ..model import ClusterConfig, ServiceConfig
from .manifest import elb_id_pending, is_cce_load_balancer, service_from_manifest

SERVICE_TYPE = "kubernetes:core/v1:Service"

CLUSTER_CONFIG = PolicyConfigSchema(
    properties={
        "version": {"type": "string", "description": "Cluster version, vX.Y or vX.Y.Z-rN."},
        "flavor": {"type": "string", "enum": ["standard", "turbo"]},
        "kubeProxyMode": {"type": "string", "enum": ["iptables", "ipvs"]},
        "vpcId": {"type": "string"},
    }
)


def cluster_from_config(config: Mapping[str, Any] | None) -> ClusterFacts | None:
    if not config or not {"version", "flavor", "kubeProxyMode"} <= set(config):
        return None
    facts, _ = declared_facts(
        ClusterConfig(
            version=config["version"],
            flavor=config["flavor"],
            kube_proxy_mode=config["kubeProxyMode"],
            vpc_id=config.get("vpcId"),
        )
    )
    return facts


def _report(findings: list[Diagnostic], severity: Severity, report: ReportViolation, urn: str | None) -> None:
    for finding in findings:
        if finding.severity is severity:
            report(finding.render(), urn)


def _service_findings(args: ResourceValidationArgs) -> list[Diagnostic]:
    if args.resource_type != SERVICE_TYPE or not is_cce_load_balancer(args.props):
        return []
    service, findings = service_from_manifest(args.props, (UnknownValueError,))
    if service is not None:
        findings += check_service(service, cluster_from_config(args.get_config()))
    return findings


def _validate_errors(args: ResourceValidationArgs, report: ReportViolation) -> None:
    _report(_service_findings(args), Severity.ERROR, report, None)


def _validate_warnings(args: ResourceValidationArgs, report: ReportViolation) -> None:
    _report(_service_findings(args), Severity.WARNING, report, None)


def _validate_stack(args: StackValidationArgs, report: ReportViolation) -> None:
    services: list[ServiceConfig] = []
    urns: dict[str, str] = {}
    for resource in args.resources:
        if resource.resource_type != SERVICE_TYPE or not is_cce_load_balancer(resource.props):
            continue
        service, _ = service_from_manifest(resource.props, (UnknownValueError,))
        if service is not None and not elb_id_pending(service):  # its ELB is not known before apply
            services.append(service)
            urns[service.name] = resource.urn
    for finding in check_cross_service(services, cluster_from_config(args.get_config()), {}):
        report(finding.render(), urns.get(finding.resource or ""))


ERRORS = ResourceValidationPolicy(
    name="cce-elb-service-errors",
    description="CCE LoadBalancer Service breaks a documented ELB constraint (cce-passthrough error rules).",
    validate=_validate_errors,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=CLUSTER_CONFIG,
)
WARNINGS = ResourceValidationPolicy(
    name="cce-elb-service-warnings",
    description="CCE LoadBalancer Service has a documented caveat (cce-passthrough warning rules).",
    validate=_validate_warnings,
    enforcement_level=EnforcementLevel.ADVISORY,
    config_schema=CLUSTER_CONFIG,
)
SHARED_ELBS = StackValidationPolicy(
    name="cce-elb-shared-elbs",
    description="Services on one ELB conflict (pass-through agreement on IPVS, listener ports).",
    validate=_validate_stack,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=CLUSTER_CONFIG,
)
POLICIES = [ERRORS, WARNINGS, SHARED_ELBS]
PACK_NAME = "cce-passthrough"
