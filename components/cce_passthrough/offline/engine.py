"""The offline engine: runs a Pulumi program through the SDK's own mock monitor and records the plan.

Resources are registered exactly as `pulumi preview` would see them (same URNs, inputs, options);
what no real engine is there to do is answered here: ids and computed outputs are left unknown in
preview, and invokes are answered from the stack's declared facts.
"""

from __future__ import annotations

import asyncio
import logging
import runpy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from pulumi.output import Unknown
from pulumi.runtime import mocks, rpc

from ..catalogue import rule
from ..diagnostics import Diagnostic, Severity, sort_key
from ..reporting import ConstraintViolation, listening

COMPUTED = "(computed)"
SECRET = "[secret]"
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


@dataclass
class PlanResult:
    project: str
    stack: str
    preview: bool
    resources: list[PlannedResource] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    invokes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)

    def by_type(self, type_: str) -> list[PlannedResource]:
        return [r for r in self.resources if r.type == type_]

    def resource(self, name: str) -> PlannedResource:
        matches = [r for r in self.resources if r.name == name]
        if len(matches) != 1:
            raise KeyError(f"{len(matches)} resources named {name!r}")
        return matches[0]


def plain(value: Any, secret: bool = False) -> Any:
    """Inputs as data: unknowns as COMPUTED, integral floats (protobuf numbers) as ints."""
    if isinstance(value, Unknown) or value is rpc.UNKNOWN:
        return COMPUTED
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        if value.get(rpc._special_sig_key) == rpc._special_secret_sig:
            return SECRET
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, pulumi.Resource):
        return f"<resource {type(value).__name__}>"
    return value


class OfflineMocks(pulumi.runtime.Mocks):
    """Ids and outputs as a preview knows them; invokes from a handler."""

    def __init__(self, invoke: InvokeHandler, preview: bool = True) -> None:
        self.invoke = invoke
        self.preview = preview
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
        return f"{args.name}-id", {**args.inputs, **computed_outputs(args.typ, args.name, args.inputs)}

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


def computed_outputs(type_: str, name: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """After `pulumi up`: what the provider computes, for update-mode runs (documentation-range IPs)."""
    if type_ == "huaweicloud:Elb/loadbalancer:Loadbalancer":
        return {"vipPortId": f"{name}-vip-port", "vipAddress": "192.168.0.10"}
    if type_ == "huaweicloud:DedicatedElb/loadbalancer:Loadbalancer":
        return {"ipv4PortId": f"{name}-ipv4-port", "ipv4Address": "192.168.0.11"}
    if type_ == "huaweicloud:Vpc/eip:Eip":
        return {"address": "203.0.113.10"}
    if type_ == "kubernetes:core/v1:Service":
        metadata = dict(inputs.get("metadata") or {})
        annotations = dict(metadata.get("annotations") or {})
        annotations.setdefault("kubernetes.io/elb.id", "6b3a4a49-8d4f-4f3a-a0a5-2f6d5c9e0b7d")
        metadata["annotations"] = annotations
        return {"metadata": metadata, "status": {"loadBalancer": {"ingress": [{"ip": "203.0.113.20"}]}}}
    return {}


class RecordingMonitor(mocks.MockMonitor):
    """The SDK's mock monitor, also keeping what it drops: parent, options and dependencies."""

    def __init__(self, mocks_: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks_)
        self.planned: list[PlannedResource] = []

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
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
                inputs=plain(rpc.deserialize_properties(request.object, keep_unknowns=True))
                if request.type != STACK_TYPE
                else {},
            )
        )
        return response


async def _resolve(value: Any) -> Any:
    output = pulumi.Output.from_input(value)
    if await output.is_secret():
        return SECRET
    return plain(await output.future(with_unknowns=True))


async def _stack_outputs() -> dict[str, Any]:
    root = pulumi.runtime.get_root_resource()
    exported: Mapping[str, Any] = getattr(root, "outputs", {}) or {}
    return {key: await _resolve(value) for key, value in exported.items()}


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
                outputs.update(await _stack_outputs())

            return collect()

        captured: list[Diagnostic] = []
        try:
            with listening(captured.append):
                program()
        except ConstraintViolation:
            pass  # every finding reached `captured` before the raise
        except pulumi.RunError as exc:  # e.g. a config value that is not valid JSON
            captured.append(rule("PT902").finding(None, "config", str(exc)))
        result.diagnostics = sorted(set(captured), key=sort_key)
        result.outputs = outputs
        result.resources = monitor.planned
        result.invokes = list(mocks_.calls)
        return result
    finally:
        pulumi.runtime.reset_options()
        pulumi.runtime.set_all_config({})
        asyncio.set_event_loop(None)
        loop.close()
