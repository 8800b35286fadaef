"""The Pulumi program behind the project's `__main__.py`: stack config -> every finding -> providers ->
namespaces -> one component per service -> stack outputs. Every finding of the whole stack is collected
before anything is declared; a provider only once the configuration has no error (or, for the Huawei
Cloud one, when `cluster.lookup` must read the cloud to know)."""

from __future__ import annotations

import asyncio
import collections
import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from ..core.diagnostics import errors
from ..core.model import ServiceConfig, SharedElbRef
from ..rules.checks.credentials import CREDENTIAL_KEYS, plain_text_credentials
from ..rules.checks.namespaces import namespaces_to_create
from ..rules.cloud import FoundElb
from ..rules.config import ParsedStack, parse_stack
from ..rules.evaluate import Evaluation, evaluate
from .component import PassThroughService
from .lookup import PulumiCloud
from .publish import announce, publish

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


def _credentials() -> dict[str, tuple[str | None, bool]]:
    """Each credential key of the stack's config: its value, and whether the stack file holds it encrypted."""
    from pulumi.runtime.config import get_config, is_config_secret

    return {key: (get_config(key), is_config_secret(key)) for key in CREDENTIAL_KEYS}


def _needs_huaweicloud(stack: ParsedStack) -> bool:
    """Only a lookup or a Pulumi-managed ELB talks to Huawei Cloud; with autocreate CCE does it all,
    and a stack that never calls the cloud needs no cloud credentials."""
    looks_up = stack.cluster is not None and stack.cluster.lookup
    return looks_up or any(s.elb.managed is not None for s in stack.services)


def _sharing(service: ServiceConfig, built: dict[str, PassThroughService]) -> ServiceConfig:
    """`shareWith: <name>` becomes the owner's ELB outputs: its id, which the component annotates, and
    its addresses, which the sharing service's outputs follow (one ELB, one set of addresses)."""
    target = service.elb.share_with_service
    if target is None or target not in built:
        return service
    owner = built[target]
    shared = SharedElbRef(
        service=target,
        elb_id=owner.elb_id,
        load_balancer_ip=owner.load_balancer_ip,
        public_ip=owner.public_ip,
    )
    return service.model_copy(update={"elb": service.elb.model_copy(update={"share_with": shared})})


def _creation_order(services: list[ServiceConfig]) -> list[ServiceConfig]:
    """Owners of an ELB before the services that share it."""
    return sorted(services, key=lambda s: s.elb.share_with_service is not None)


class _HuaweiCloud:
    """The Huawei Cloud provider, declared the first time the stack needs it: for a read at preview
    (`cluster.lookup`), or once the configuration has no error, for an ELB Pulumi manages."""

    def __init__(self) -> None:
        self._provider: pulumi.ProviderResource | None = None

    @property
    def provider(self) -> pulumi.ProviderResource:
        if self._provider is None:
            self._provider = _huaweicloud_provider()
        return self._provider

    @property
    def declared(self) -> pulumi.ProviderResource | None:
        return self._provider

    def cluster(self, name: str) -> Mapping[str, Any]:
        return PulumiCloud(pulumi.InvokeOptions(provider=self.provider)).cluster(name)

    def elb(self, elb_id: str, dedicated: bool) -> FoundElb:
        return PulumiCloud(pulumi.InvokeOptions(provider=self.provider)).elb(elb_id, dedicated)


def _evaluate(stack: ParsedStack, huaweicloud: _HuaweiCloud) -> Evaluation:
    """Every finding. A configuration that cannot even be read whole is not looked up: no provider is
    declared for it, and the rules that need the cluster's facts wait for a readable one."""
    if stack.cluster is not None and stack.cluster.lookup and errors(stack.diagnostics):
        return evaluate(replace(stack, cluster=None))
    return evaluate(stack, huaweicloud)


def _namespaces(stack: ParsedStack, kubernetes: k8s.Provider) -> dict[str, k8s.core.v1.Namespace]:
    """With `createNamespaces: true`, each namespace the services use (but the built-in ones)."""
    return {
        name: k8s.core.v1.Namespace(
            name,
            metadata=k8s.meta.v1.ObjectMetaArgs(name=name),
            opts=pulumi.ResourceOptions(provider=kubernetes),
        )
        for name in namespaces_to_create(stack)
    }


def _namespace_keys() -> list[str]:
    """Every key set in this project's namespace, as the SDK holds config: set in-process (tests, the
    offline engine) or handed over by the Pulumi CLI in PULUMI_CONFIG."""
    keys = set(pulumi.runtime.config.CONFIG.get())
    # Not JSON: the SDK itself fails on the first read of config then.
    with contextlib.suppress(ValueError):
        keys |= set(pulumi.runtime.config.get_config_env())
    prefix = f"{NAMESPACE}:"
    return sorted(key.removeprefix(prefix) for key in keys if key.startswith(prefix))


def _elb_of(service: ServiceConfig, by_name: Mapping[str, ServiceConfig]) -> str:
    """What identifies the ELB a service is on: the one of the service it shares with, an existing
    ELB's id, or its own name."""
    seen = {service.name}
    owner = service.elb.share_with_service
    while owner is not None and owner in by_name and owner not in seen:
        service = by_name[owner]
        seen.add(owner)
        owner = service.elb.share_with_service
    if service.elb.share_with_service is not None:
        return service.elb.share_with_service
    if service.elb.existing is not None:
        return f"existing:{service.elb.existing.id}"
    return service.name


def _unaffected(stack: ParsedStack, evaluation: Evaluation) -> list[ServiceConfig]:
    """The services no error is about, nor about a service on the same ELB; none when an error is about
    the stack as a whole (its cluster, its keys), nor when the cluster's facts are unknown: a stack to
    look up that cannot be read whole is not looked up, and the rules that need the facts have not run
    (found by fuzzing: a lookup stack with one service's error crashed the preview)."""
    failed = {f.resource for f in errors(evaluation.findings)}
    if None in failed or evaluation.facts is None:
        return []
    by_name = {s.name: s for s in stack.services}
    broken = {_elb_of(s, by_name) for s in stack.services if s.name in failed}
    return [s for s in stack.services if s.name not in failed and _elb_of(s, by_name) not in broken]


def _declare(
    stack: ParsedStack, evaluation: Evaluation, huaweicloud: _HuaweiCloud, services: list[ServiceConfig]
) -> Iterator[list[PassThroughService]]:
    """The providers, the namespaces and one component per service, each with its own findings, and the
    stack outputs of those services. Yields the components in waves of `WAVE`, each as soon as it is
    declared."""
    assert evaluation.facts is not None  # only missing together with an error about the stack itself
    kubernetes = _kubernetes_provider()
    hw_provider = huaweicloud.provider if _needs_huaweicloud(stack) else huaweicloud.declared
    namespaces = _namespaces(replace(stack, services=services), kubernetes)
    built: dict[str, PassThroughService] = {}
    providers = {"kubernetes": kubernetes, **({"huaweicloud": hw_provider} if hw_provider else {})}
    opts = pulumi.ResourceOptions(providers=providers)
    wave: list[PassThroughService] = []
    for service in _creation_order(services):
        namespace = namespaces.get(service.namespace)
        built[service.name] = PassThroughService.from_checked(
            _sharing(service, built),
            evaluation.facts,
            evaluation.findings_of(service.name),
            stack.paths[service.name],
            opts=opts,
            after=[namespace] if namespace is not None else [],
        )
        wave.append(built[service.name])
        if len(wave) == WAVE:
            yield wave
            wave = []
    for service in services:
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
    if wave:
        yield wave


def main() -> None:
    project = pulumi.Config(NAMESPACE)
    stack = parse_stack(
        project.get_object("cluster"),
        project.get_object("services"),
        project.get("createNamespaces"),
        namespace_keys=_namespace_keys(),
        production=project.get("production"),
    )
    stack = replace(stack, diagnostics=stack.diagnostics + plain_text_credentials(_credentials()))
    huaweicloud = _HuaweiCloud()
    evaluation = _evaluate(stack, huaweicloud)
    announce(evaluation)
    waves = _declaring(stack, evaluation, huaweicloud)
    if _in_waves(stack):
        pulumi.run(lambda: _registered_wave_by_wave(waves))
    else:
        collections.deque(waves, maxlen=0)  # every service at once


def _declaring(
    stack: ParsedStack, evaluation: Evaluation, huaweicloud: _HuaweiCloud
) -> Iterator[list[PassThroughService]]:
    """What the program declares, wave by wave; raises ConstraintViolation after declaring what a stack
    with an error still shows."""
    if not evaluation.ok:
        declared: set[str] = set()
        if pulumi.runtime.is_dry_run():
            # A preview still shows the plan of the services no error is about (a failed lookup of one
            # service's ELB leaves the others' plans intact). An update declares nothing: no part of a
            # stack with an error is applied, and nothing is deleted for being left out.
            unaffected = _unaffected(stack, evaluation)
            if unaffected:
                yield from _declare(stack, evaluation, huaweicloud, unaffected)
                declared = {service.name for service in unaffected}
        # raises: every finding not published by a declared component, the errors among them
        publish([f for f in evaluation.findings if f.resource not in declared])
    publish(evaluation.findings_of(None))
    yield from _declare(stack, evaluation, huaweicloud, stack.services)


# Services a preview declares before it lets their registrations finish (see _in_waves).
WAVE = 50


def _in_waves(stack: ParsedStack) -> bool:
    """A preview of more than one wave of services declares them wave by wave.

    Declared at once, every service's registration is pending together: the SDK turns each resource's
    inputs into dozens of outputs and tasks that live until the engine answers, and a program that
    declares everything before its event loop runs holds all of them at its peak. A preview answers a
    component's registration at once (no cloud call), so awaiting each wave's components before declaring
    the next frees what the wave held; the plan is the same. `pulumi up` declares every service at once,
    as it always has: how an update runs does not change. `pulumi.run` (Pulumi 3.254 on) runs the waves on
    the program's own event loop once its module has run; with an older SDK, or a stack of one wave, the
    services are declared at once."""
    return pulumi.runtime.is_dry_run() and len(stack.services) > WAVE and hasattr(pulumi, "run")


async def _registered_wave_by_wave(waves: Iterator[list[PassThroughService]]) -> None:
    for wave in waves:
        await asyncio.gather(*(component.urn.future() for component in wave))
