"""The Pulumi program behind the project's `__main__.py`: stack config -> providers -> one component per
service -> stack outputs. Every finding of the whole stack is collected before anything is declared."""

from __future__ import annotations

from typing import Any, cast

import pulumi
import pulumi_kubernetes as k8s

from ..core.diagnostics import Diagnostic, errors
from ..core.model import ServiceConfig
from ..rules.checks import check_service
from ..rules.checks.stack import check_cross_service
from ..rules.config import ParsedStack, parse_stack
from ..rules.facts import ClusterFacts, declared_facts
from .args import PassThroughServiceArgs
from .component import PassThroughService, config_path
from .lookup import lookup_cluster, lookup_existing_elb
from .publish import publish

NAMESPACE = "cce-passthrough"


def _kubernetes_provider() -> k8s.Provider:
    # Unset: the provider reads KUBECONFIG / ~/.kube/config itself.
    return k8s.Provider("kubernetes", kubeconfig=pulumi.Config(NAMESPACE).get_secret("kubeconfig"))


def _huaweicloud_provider() -> pulumi.ProviderResource:
    from pulumi_huaweicloud import Provider as HuaweiCloudProvider

    huawei = pulumi.Config("huaweicloud")
    # Unset keys fall back to the provider's HW_* environment variables; secrets stay secret outputs.
    return HuaweiCloudProvider(
        "huaweicloud",
        region=huawei.get("region"),
        access_key=huawei.get_secret("accessKey"),
        secret_key=huawei.get_secret("secretKey"),
        project_id=huawei.get("projectId"),
    )


def _needs_huaweicloud(stack: ParsedStack) -> bool:
    """Only a lookup or a Pulumi-managed ELB talks to Huawei Cloud; with autocreate CCE does it all,
    and a stack that never calls the cloud needs no cloud credentials."""
    looks_up = stack.cluster is not None and stack.cluster.lookup
    return looks_up or any(s.elb.managed is not None for s in stack.services)


def _cluster_facts(
    stack: ParsedStack, huaweicloud: pulumi.ProviderResource | None
) -> tuple[ClusterFacts | None, list[Diagnostic]]:
    if stack.cluster is None:
        return None, []
    if stack.cluster.lookup:
        # One lookup for the whole stack, however many services; components get the resolved facts.
        return lookup_cluster(stack.cluster, pulumi.InvokeOptions(provider=huaweicloud))
    return declared_facts(stack.cluster)


def _existing_elb_findings(
    stack: ParsedStack,
    cluster: ClusterFacts | None,
    huaweicloud: pulumi.ProviderResource | None,
    findings: list[Diagnostic],
) -> list[Diagnostic]:
    """With lookup on, every existing ELB id is read once here: components get facts, not lookups."""
    if stack.cluster is None or not stack.cluster.lookup or cluster is None:
        return []
    malformed = {f.resource for f in findings if f.code == "PT209"}
    opts = pulumi.InvokeOptions(provider=huaweicloud)
    found: list[Diagnostic] = []
    for service in stack.services:
        existing = service.elb.existing
        if existing is None or not isinstance(existing.id, str) or service.name in malformed:
            continue
        where = f"{stack.paths[service.name]}.elb.existing.id"
        found += lookup_existing_elb(service.name, existing.id, service.elb.dedicated, cluster, opts, where)
    return found


def _component_args(
    service: ServiceConfig, cluster: ClusterFacts, built: dict[str, PassThroughService]
) -> PassThroughServiceArgs:
    raw: dict[str, Any] = service.model_dump(exclude_unset=True, exclude_none=True, by_alias=False)
    raw.pop("name")
    elb = dict(raw["elb"])
    if "elb_class" in elb:
        elb["class"] = elb.pop("elb_class")
    target = service.elb.share_with_service
    if target is not None:
        elb["share_with"] = {"service": target, "elb_id": built[target].elb_id}
    raw["elb"] = elb
    raw["cluster"] = {
        "lookup": False,
        "version": str(cluster.version),
        "flavor": cluster.flavor,
        "kube_proxy_mode": cluster.kube_proxy_mode,
        **({"name": cluster.name} if cluster.name else {}),
        **({"vpc_id": cluster.vpc_id} if cluster.vpc_id else {}),
    }
    return cast(PassThroughServiceArgs, raw)


def _creation_order(services: list[ServiceConfig]) -> list[ServiceConfig]:
    """Owners of an ELB before the services that share it."""
    return sorted(services, key=lambda s: s.elb.share_with_service is not None)


def main() -> None:
    project = pulumi.Config(NAMESPACE)
    stack = parse_stack(project.get_object("cluster"), project.get_object("services"))
    kubernetes = _kubernetes_provider()
    huaweicloud = _huaweicloud_provider() if _needs_huaweicloud(stack) else None
    cluster, findings = _cluster_facts(stack, huaweicloud)
    per_service = [f for s in stack.services for f in check_service(s, cluster, stack.paths[s.name])]
    cross = check_cross_service(stack.services, cluster, stack.paths)
    findings = stack.diagnostics + findings + per_service + cross
    findings += _existing_elb_findings(stack, cluster, huaweicloud, findings)
    if errors(findings):
        publish(findings)  # raises: nothing is declared when any part of the stack is wrong
    # Facts are only missing together with an error finding about them, published just above.
    assert cluster is not None

    built: dict[str, PassThroughService] = {}
    providers = {"kubernetes": kubernetes, **({"huaweicloud": huaweicloud} if huaweicloud else {})}
    opts = pulumi.ResourceOptions(providers=providers)
    for service in _creation_order(stack.services):
        with config_path(stack.paths[service.name]):
            built[service.name] = PassThroughService(
                service.name, _component_args(service, cluster, built), opts=opts
            )
    for finding in cross:
        publish([finding], built.get(finding.resource or ""))

    for service in stack.services:
        component = built[service.name]
        pulumi.export(
            service.name,
            {
                "service_name": component.service_name,
                "namespace": component.namespace,
                "elb_id": component.elb_id,
                "load_balancer_ip": component.load_balancer_ip,
                "public_ip": component.public_ip,
                "annotations": component.annotations,
            },
        )
