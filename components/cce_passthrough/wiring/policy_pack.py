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
from ..core.model import ClusterConfig
from ..rules.evaluate import evaluate
from ..rules.manifest_reader import is_cce_load_balancer, manifest_name, stack_from_manifests

SERVICE_TYPE = "kubernetes:core/v1:Service"

CLUSTER_CONFIG = PolicyConfigSchema(
    properties={
        "version": {"type": "string", "description": "Cluster version, vX.Y or vX.Y.Z-rN."},
        "flavor": {"type": "string", "enum": ["standard", "turbo"]},
        "kubeProxyMode": {"type": "string", "enum": ["iptables", "ipvs"]},
        "vpcId": {"type": "string"},
    }
)


def cluster_from_config(config: Mapping[str, Any] | None) -> ClusterConfig | None:
    if not config or not {"version", "flavor", "kubeProxyMode"} <= set(config):
        return None
    return ClusterConfig(
        version=config["version"],
        flavor=config["flavor"],
        kube_proxy_mode=config["kubeProxyMode"],
        vpc_id=config.get("vpcId"),
    )


def _service_findings(args: ResourceValidationArgs) -> list[Diagnostic]:
    if args.resource_type != SERVICE_TYPE:
        return []
    cluster = cluster_from_config(args.get_config())
    return evaluate(stack_from_manifests([args.props], cluster, (UnknownValueError,))).findings


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
    services = [
        r for r in args.resources if r.resource_type == SERVICE_TYPE and is_cce_load_balancer(r.props)
    ]
    urns = {manifest_name(r.props): r.urn for r in services}
    cluster = cluster_from_config(args.get_config())
    # Services whose ELB id is known only after apply cannot be placed on an ELB yet.
    stack = stack_from_manifests(
        [r.props for r in services], cluster, (UnknownValueError,), pending_ids=False
    )
    # The per-service findings are the resource policies'; this policy reports what spans services.
    for finding in evaluate(stack).cross_service:
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
