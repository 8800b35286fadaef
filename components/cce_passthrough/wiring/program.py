"""The Pulumi program behind the project's `__main__.py`: stack config -> providers -> one component per
service -> stack outputs. Every finding of the whole stack is collected before anything is declared."""

from __future__ import annotations

import pulumi
import pulumi_kubernetes as k8s

from ..core.model import ServiceConfig, SharedElbRef
from ..rules.config import ParsedStack, parse_stack
from ..rules.evaluate import evaluate
from .component import PassThroughService
from .lookup import PulumiCloud
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


def _sharing(service: ServiceConfig, built: dict[str, PassThroughService]) -> ServiceConfig:
    """`shareWith: <name>` becomes the owner's ELB id output, which the component annotates."""
    target = service.elb.share_with_service
    if target is None or target not in built:
        return service
    shared = SharedElbRef(service=target, elb_id=built[target].elb_id)
    return service.model_copy(update={"elb": service.elb.model_copy(update={"share_with": shared})})


def _creation_order(services: list[ServiceConfig]) -> list[ServiceConfig]:
    """Owners of an ELB before the services that share it."""
    return sorted(services, key=lambda s: s.elb.share_with_service is not None)


def main() -> None:
    project = pulumi.Config(NAMESPACE)
    stack = parse_stack(project.get_object("cluster"), project.get_object("services"))
    kubernetes = _kubernetes_provider()
    huaweicloud = _huaweicloud_provider() if _needs_huaweicloud(stack) else None
    evaluation = evaluate(stack, PulumiCloud(pulumi.InvokeOptions(provider=huaweicloud)))
    if not evaluation.ok:
        publish(evaluation.findings)  # raises: nothing is declared when any part of the stack is wrong
    publish(evaluation.findings_of(None))
    # Facts are only missing together with an error finding about them, published just above.
    assert evaluation.facts is not None

    built: dict[str, PassThroughService] = {}
    providers = {"kubernetes": kubernetes, **({"huaweicloud": huaweicloud} if huaweicloud else {})}
    opts = pulumi.ResourceOptions(providers=providers)
    for service in _creation_order(stack.services):
        built[service.name] = PassThroughService.from_checked(
            _sharing(service, built),
            evaluation.facts,
            evaluation.findings_of(service.name),
            stack.paths[service.name],
            opts=opts,
        )

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
