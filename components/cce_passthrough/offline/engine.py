"""The offline engine: runs a Pulumi program through the SDK's own mock monitor and records the plan.

Resources are registered exactly as `pulumi preview` would see them (same URNs, inputs, options);
what no real engine is there to do is answered here: ids and computed outputs are left unknown in
preview, and invokes are answered from the stack's declared facts.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import runpy
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pulumi
from pulumi.output import Unknown
from pulumi.runtime import mocks, rpc

from ..core.annotations import AUTOCREATE
from ..core.annotations import ID as ELB_ID
from ..core.diagnostics import Diagnostic, Severity, sort_key
from ..core.model import integral_to_int
from ..core.secrets import SECRET
from ..rules.config import wrong_type
from ..wiring.publish import ConstraintViolation, listening

COMPUTED = "(computed)"
STACK_TYPE = "pulumi:pulumi:Stack"

InvokeHandler = Callable[[str, Mapping[str, Any]], Mapping[str, Any]]


@dataclass
class PlannedResource:
    urn: str
    type: str
    name: str
    custom: bool
    parent: str | None
    provider: str | None
    protect: bool
    delete_before_replace: bool
    replace_on_changes: list[str]
    dependencies: list[str]
    inputs: dict[str, Any]
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    """Input name -> the URNs that input waits for (what makes `dependencies`)."""
    action: str = "create"
    """`create` for a registration, `read` for `Resource.get`: a preview without state creates all."""
    ignore_changes: list[str] = field(default_factory=list)
    """Input paths whose changes the engine ignores (the recorded value is kept)."""


@dataclass
class PlanResult:
    project: str
    stack: str
    preview: bool
    resources: list[PlannedResource] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    invokes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    declared_cluster: dict[str, Any] = field(default_factory=dict)
    """The stack's `cluster` config as declared (its version picks the schema `--render` validates
    against; its facts configure `--policy-pack`)."""
    secrets: set[str] = field(default_factory=set, repr=False)
    """Plain text of every secret seen (secret config, secret inputs and outputs); masked everywhere."""

    @property
    def cluster_version(self) -> str | None:
        version = self.declared_cluster.get("version")
        return version if isinstance(version, str) else None

    @property
    def ok(self) -> bool:
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)

    def ordered(self) -> list[PlannedResource]:
        """Parent first, siblings by (type, name): registration order depends on when outputs resolve,
        this order does not, so two runs of a stack print the same bytes."""
        return [resource for _, resource in walk(self.resources)]

    def by_type(self, type_: str) -> list[PlannedResource]:
        return [r for r in self.resources if r.type == type_]

    def resource(self, name: str) -> PlannedResource:
        matches = [r for r in self.resources if r.name == name]
        if len(matches) != 1:
            raise KeyError(f"{len(matches)} resources named {name!r}")
        return matches[0]


def walk(resources: list[PlannedResource]) -> Iterator[tuple[int, PlannedResource]]:
    """(depth, resource), parent first, siblings sorted by (type, name, urn)."""
    children: dict[str | None, list[PlannedResource]] = defaultdict(list)
    urns = {r.urn for r in resources}
    for resource in resources:
        children[resource.parent if resource.parent in urns else None].append(resource)
    for siblings in children.values():
        siblings.sort(key=lambda r: (r.type, r.name, r.urn))

    def visit(resource: PlannedResource, depth: int) -> Iterator[tuple[int, PlannedResource]]:
        yield depth, resource
        for child in children.get(resource.urn, []):
            yield from visit(child, depth + 1)

    for root in children.get(None, []):
        yield from visit(root, 0)


def plain(value: Any, secrets: set[str] | None = None) -> Any:
    """Inputs as data: unknowns as COMPUTED, integral floats (protobuf numbers) as ints, secrets as
    SECRET (their plain text added to `secrets`, so that it can be masked wherever else it shows)."""
    if isinstance(value, Unknown) or value is rpc.UNKNOWN:
        return COMPUTED
    if isinstance(value, float):
        return integral_to_int(value)
    if isinstance(value, Mapping):
        if value.get(rpc._special_sig_key) == rpc._special_secret_sig:
            if secrets is not None:
                secrets.update(_strings(value.get("value")))
            return _secret_shape(value.get("value"))
        return {str(k): plain(v, secrets) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v, secrets) for v in value]
    if isinstance(value, pulumi.Resource):
        return f"<resource {type(value).__name__}>"
    return value


def _secret_shape(value: Any) -> Any:
    """A secret as SECRET; a secret mapping or list keeps its shape with SECRET at every leaf, so that a
    rendered object still has the type its schema wants (`data:` of a ConfigMap is an object)."""
    if isinstance(value, Mapping) and value.get(rpc._special_sig_key) == rpc._special_secret_sig:
        return _secret_shape(value.get("value"))
    if isinstance(value, Mapping):
        return {str(k): _secret_shape(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_secret_shape(v) for v in value]
    return SECRET


def canonical(value: Any) -> Any:
    """Mappings with their keys sorted, at every depth: inputs cross the monitor as protobuf Structs,
    whose key order is not stable from run to run."""
    if isinstance(value, Mapping):
        return {k: canonical(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    return value


def _strings(value: Any) -> Iterator[str]:
    """Every string leaf of a (deserialized) value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


# A secret this long is also masked inside longer strings (a token in a URL, a key in a JSON text);
# a shorter one only where a value equals it, so that a secret "prod" does not mangle "production".
SUBSTRING_MASK_MIN = 8


def mask(value: Any, secrets: set[str]) -> Any:
    """`value` with every string equal to, or (for long ones) containing, a secret replaced by SECRET."""
    if not secrets:
        return value
    # Longest first, so that a secret containing another is masked whole, whatever the set's order.
    long = sorted((s for s in secrets if len(s) >= SUBSTRING_MASK_MIN), key=lambda s: (-len(s), s))

    def masked(item: Any) -> Any:
        if isinstance(item, str):
            if item in secrets:
                return SECRET
            for secret in long:
                item = item.replace(secret, SECRET)
            return item
        if isinstance(item, Mapping):
            return {masked(k): masked(v) for k, v in item.items()}
        if isinstance(item, list):
            return [masked(v) for v in item]
        return item

    return masked(value)


def _mask_result(result: PlanResult) -> None:
    secrets = {s for s in result.secrets if s and s != SECRET}
    if not secrets:
        return
    for resource in result.resources:
        resource.inputs = mask(resource.inputs, secrets)
    result.outputs = mask(result.outputs, secrets)
    result.diagnostics = [
        replace(d, field=mask(d.field, secrets), message=mask(d.message, secrets), fix=mask(d.fix, secrets))
        for d in result.diagnostics
    ]


class OfflineMocks(pulumi.runtime.Mocks):
    """Ids and outputs as a preview knows them; invokes from a handler."""

    def __init__(self, invoke: InvokeHandler, preview: bool = True, cce_writes_elb_id: bool = True) -> None:
        self.invoke = invoke
        self.preview = preview
        # What CCE is documented to do after it autocreates an ELB; off, a test sees what happens if not.
        self.cce_writes_elb_id = cce_writes_elb_id
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        if args.typ.startswith("pulumi:providers:"):
            return f"{args.name}-provider-id", dict(args.inputs)
        if not args.custom:
            return "", {}
        if args.resource_id:  # a read (`Resource.get`): the id is known
            return args.resource_id, dict(args.inputs)
        if self.preview:
            # No id yet, outputs = the planned inputs; anything computed stays unknown, as in `pulumi preview`.
            return None, dict(args.inputs)
        computed = computed_outputs(
            args.typ, args.name, args.inputs, cce_writes_elb_id=self.cce_writes_elb_id
        )
        return f"{args.name}-id", {**args.inputs, **computed}

    def call(  # type: ignore[override]
        self, args: pulumi.runtime.MockCallArgs
    ) -> dict[Any, Any] | tuple[dict[Any, Any], list[tuple[str, str]]]:
        """A dict answers the invoke; a (dict, failures) pair fails it, as a provider error would."""
        arguments = dict(args.args)
        self.calls.append((args.token, arguments))
        try:
            return dict(self.invoke(args.token, arguments))
        except LookupError as exc:
            return {}, [("", str(exc))]


# Documentation-range and VPC-range addresses for update-mode runs.
AUTOCREATED_ELB_ID = "6b3a4a49-8d4f-4f3a-a0a5-2f6d5c9e0b7d"
AUTOCREATED_EIP_ID = "8560972c-2cc5-4699-94d6-e46f146eb73d"
ELB_VIP = "192.168.0.20"
ELB_EIP = "203.0.113.20"
EIP_ID = "kubernetes.io/elb.eip-id"


def computed_outputs(
    type_: str, name: str, inputs: Mapping[str, Any], cce_writes_elb_id: bool = True
) -> dict[str, Any]:
    """After `pulumi up`: what the provider (and, for a Service, CCE) computes, for update-mode runs."""
    if type_ == "huaweicloud:Elb/loadbalancer:Loadbalancer":
        return {"vipPortId": f"{name}-vip-port", "vipAddress": "192.168.0.10"}
    if type_ == "huaweicloud:DedicatedElb/loadbalancer:Loadbalancer":
        return {"ipv4PortId": f"{name}-ipv4-port", "ipv4Address": "192.168.0.11"}
    if type_ == "huaweicloud:Vpc/eip:Eip":
        return {"address": "203.0.113.10"}
    if type_ == "kubernetes:core/v1:Service":
        return _cce_service_state(inputs, cce_writes_elb_id)
    return {}


def _cce_service_state(inputs: Mapping[str, Any], writes_elb_id: bool) -> dict[str, Any]:
    """The Service as CCE leaves it, after the one documented read-back (cce_10_0924, "Changing a Custom
    EIP for a LoadBalancer Service"): on a Service whose ELB it autocreated CCE writes
    `kubernetes.io/elb.id` and, for a public ELB, `kubernetes.io/elb.eip-id`, and the ingress lists the
    EIP before the ELB's private VIP. A Service on an existing ELB gets its VIP."""
    metadata = dict(inputs.get("metadata") or {})
    annotations = dict(metadata.get("annotations") or {})
    ingress = [{"ip": ELB_VIP}]
    autocreate = annotations.get(AUTOCREATE)
    if isinstance(autocreate, str):
        if writes_elb_id:
            annotations.setdefault(ELB_ID, AUTOCREATED_ELB_ID)
        try:
            public = json.loads(autocreate).get("type") == "public"
        except (ValueError, AttributeError):
            public = False
        if public:
            annotations.setdefault(EIP_ID, AUTOCREATED_EIP_ID)
            ingress.insert(0, {"ip": ELB_EIP})
    metadata["annotations"] = annotations
    return {"metadata": metadata, "status": {"loadBalancer": {"ingress": ingress}}}


class RecordingMonitor(mocks.MockMonitor):
    """The SDK's mock monitor, also keeping what it drops: parent, options and dependencies."""

    def __init__(self, mocks_: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks_)
        self.planned: list[PlannedResource] = []
        self.secrets: set[str] = set()
        self.thread_loops: set[asyncio.AbstractEventLoop] = set()

    def _keep_thread_loop(self) -> None:
        # The SDK gives each worker thread that calls the monitor an event loop and never closes it;
        # left to interpreter exit, such a loop may be finalised after its file descriptors are gone
        # and print a traceback. Kept here, they are closed when the run ends.
        with contextlib.suppress(RuntimeError):  # the stack resource returns before making a loop
            self.thread_loops.add(asyncio.get_event_loop())

    def Invoke(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        response = super().Invoke(request)  # type: ignore[no-untyped-call]
        self._keep_thread_loop()
        return response

    def _inputs(self, properties: Any) -> dict[str, Any]:
        inputs: dict[str, Any] = canonical(
            plain(rpc.deserialize_properties(properties, keep_unknowns=True), self.secrets)
        )
        return inputs

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        self._keep_thread_loop()
        self.planned.append(
            PlannedResource(
                urn=response.urn,
                type=request.type,
                name=request.name,
                custom=bool(request.custom),
                parent=request.parent or None,
                provider=request.provider or None,
                protect=bool(request.protect),
                delete_before_replace=bool(request.deleteBeforeReplace),
                replace_on_changes=list(request.replaceOnChanges),
                dependencies=sorted(set(request.dependencies)),
                inputs=self._inputs(request.object) if request.type != STACK_TYPE else {},
                ignore_changes=list(request.ignoreChanges),
                property_dependencies={
                    key: sorted(set(deps.urns))
                    for key, deps in sorted(request.propertyDependencies.items())
                    if deps.urns
                },
            )
        )
        return response

    def ReadResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        """A read (`Resource.get`): recorded with the options a read can have, and action "read"."""
        response = super().ReadResource(request)  # type: ignore[no-untyped-call]
        self._keep_thread_loop()
        self.planned.append(
            PlannedResource(
                urn=response.urn,
                type=request.type,
                name=request.name,
                custom=True,
                parent=request.parent or None,
                provider=request.provider or None,
                protect=False,
                delete_before_replace=False,
                replace_on_changes=[],
                dependencies=sorted(set(request.dependencies)),
                inputs=self._inputs(request.properties),
                action="read",
            )
        )
        return response


async def _resolve(value: Any, secrets: set[str]) -> Any:
    output = pulumi.Output.from_input(value)
    if await output.is_secret():
        secrets.update(_strings(await output.future()))
        return SECRET
    return plain(await output.future(with_unknowns=True), secrets)


async def _stack_outputs(secrets: set[str]) -> dict[str, Any]:
    root = pulumi.runtime.get_root_resource()
    exported: Mapping[str, Any] = getattr(root, "outputs", {}) or {}
    return {key: await _resolve(value, secrets) for key, value in exported.items()}


def _quiet_logger() -> logging.Logger:
    logger = logging.getLogger("cce_passthrough.offline.engine")
    logger.propagate = False
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())
    return logger


def run_program(
    main: Path,
    project: str,
    stack: str,
    config: Mapping[str, str],
    secret_keys: list[str],
    mocks_: OfflineMocks,
    preview: bool = True,
    logger: logging.Logger | None = None,
) -> PlanResult:
    """Run `main` once, in a fresh Pulumi runtime and event loop, and return what it planned."""
    result = PlanResult(project, stack, preview)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    monitor = RecordingMonitor(mocks_)
    pulumi.runtime.reset_options()
    try:
        pulumi.runtime.set_mocks(
            mocks_,
            project=project,
            stack=stack,
            preview=preview,
            logger=logger or _quiet_logger(),
            monitor=monitor,
        )
        pulumi.runtime.set_all_config(dict(config), secret_keys)

        outputs: dict[str, Any] = {}

        @pulumi.runtime.test  # type: ignore[untyped-decorator]
        def program() -> Any:
            runpy.run_path(str(main), run_name="__main__")

            async def collect() -> None:
                outputs.update(await _stack_outputs(monitor.secrets))

            return collect()

        captured: list[Diagnostic] = []
        try:
            with listening(captured.append):
                program()
        except ConstraintViolation:
            pass  # every finding reached `captured` before the raise
        except pulumi.RunError as exc:  # e.g. a config value that is not valid JSON
            captured.append(wrong_type(None, "config", str(exc)))
        result.diagnostics = sorted(set(captured), key=sort_key)
        result.outputs = outputs
        result.resources = monitor.planned
        result.invokes = list(mocks_.calls)
        result.secrets = monitor.secrets | {config[key] for key in secret_keys if key in config}
        _mask_result(result)
        return result
    finally:
        pulumi.runtime.reset_options()
        pulumi.runtime.set_all_config({})
        asyncio.set_event_loop(None)
        loop.close()
        for thread_loop in monitor.thread_loops:
            if not thread_loop.is_running():
                thread_loop.close()
