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

from ..core.diagnostics import Diagnostic, Severity
from ..core.model import ClusterConfig, ServiceConfig
from ..rules.checks import check_service
from ..rules.checks.stack import check_cross_service
from ..rules.facts import ClusterFacts, declared_facts
from ..rules.manifest_reader import elb_id_pending, is_cce_load_balancer, service_from_manifest

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


def _service_findings(args: ResourceValidationArgs) -> list[Diagnostic]:
    if args.resource_type != SERVICE_TYPE or not is_cce_load_balancer(args.props):
        return []
    service, findings = service_from_manifest(args.props, (UnknownValueError,))
    if service is not None:
        findings += check_service(service, cluster_from_config(args.get_config()))
    return findings


def _service_policy(
    name: str, description: str, severity: Severity, level: EnforcementLevel
) -> ResourceValidationPolicy:
    """One policy per severity: a policy has one enforcement level, errors block and warnings advise."""

    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        for finding in _service_findings(args):
            if finding.severity is severity:
                report(finding.render(), None)

    return ResourceValidationPolicy(
        name=name,
        description=description,
        validate=validate,
        enforcement_level=level,
        config_schema=CLUSTER_CONFIG,
    )


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
        if finding.severity is Severity.ERROR:
            report(finding.render(), urns.get(finding.resource or ""))


ERRORS = _service_policy(
    "cce-elb-service-errors",
    "CCE LoadBalancer Service breaks a documented ELB constraint (cce-passthrough error rules).",
    Severity.ERROR,
    EnforcementLevel.MANDATORY,
)
WARNINGS = _service_policy(
    "cce-elb-service-warnings",
    "CCE LoadBalancer Service has a documented caveat (cce-passthrough warning rules).",
    Severity.WARNING,
    EnforcementLevel.ADVISORY,
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
