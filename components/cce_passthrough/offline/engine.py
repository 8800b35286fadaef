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
import threading
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import mocks, rpc

from ..core import annotations as ann
from ..core.annotations import AUTOCREATE
from ..core.annotations import ID as ELB_ID
from ..core.diagnostics import Diagnostic, sort_key
from ..core.secrets import Masker
from ..rules.access import AccessMatrix
from ..rules.config import wrong_type
from ..rules.evaluate import Evaluation
from ..wiring.publish import ConstraintViolation, listening
from .exports import stack_outputs
from .plan import STACK_TYPE, PlannedResource, PlanResult
from .values import mask_result, plain

InvokeHandler = Callable[[str, Mapping[str, Any]], Mapping[str, Any]]

# Any root at all keeps set_mocks from making a stack; run_program clears it before the program runs.
_HOST_MAKES_THE_STACK: Any = object()


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
        # Whatever the answering side raises (not found, a timeout, a broken answer) is a failed invoke,
        # as the provider would report it: the program turns it into a coded finding.
        except Exception as exc:
            return {}, [
                ("", f"{type(exc).__name__}: {exc}" if not isinstance(exc, LookupError) else str(exc))
            ]


# Documentation-range and VPC-range addresses for update-mode runs.
AUTOCREATED_ELB_ID = "6b3a4a49-8d4f-4f3a-a0a5-2f6d5c9e0b7d"
AUTOCREATED_EIP_ID = "8560972c-2cc5-4699-94d6-e46f146eb73d"
ELB_VIP = "192.168.0.20"
ELB_EIP = "203.0.113.20"


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
            annotations.setdefault(ann.EIP_ID, AUTOCREATED_EIP_ID)
            ingress.insert(0, {"ip": ELB_EIP})
    metadata["annotations"] = annotations
    return {"metadata": metadata, "status": {"loadBalancer": {"ingress": ingress}}}


class _SeenInputs(pulumi.runtime.Mocks):
    """The stack's mocks, keeping, per worker thread, the inputs the SDK's monitor has just deserialized
    for the resource it registers or reads: the recording reads them instead of a second parse."""

    def __init__(self, inner: pulumi.runtime.Mocks) -> None:
        self.inner = inner
        self.local = threading.local()

    def take(self) -> Any:
        inputs, self.local.inputs = getattr(self.local, "inputs", None), None
        return inputs

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        self.local.inputs = args.inputs
        return self.inner.new_resource(args)

    def call(  # type: ignore[override]
        self, args: pulumi.runtime.MockCallArgs
    ) -> dict[Any, Any] | tuple[dict[Any, Any], list[tuple[str, str]]]:
        return self.inner.call(args)  # type: ignore[return-value]

    def register_transform(self, transform: Any) -> None:
        self.inner.register_transform(transform)

    def register_invoke_transform(self, transform: Any) -> None:
        self.inner.register_invoke_transform(transform)


class RecordingMonitor(mocks.MockMonitor):
    """The SDK's mock monitor, also keeping what it drops: parent, options and dependencies."""

    def __init__(self, mocks_: pulumi.runtime.Mocks) -> None:
        self._seen = _SeenInputs(mocks_)
        super().__init__(self._seen)
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
        # In a preview the SDK's monitor keeps unknowns as this recording does: its parse is the same one.
        seen = self._seen.take()
        parsed = (
            seen
            if seen is not None and pulumi.runtime.is_dry_run()
            else rpc.deserialize_properties(properties, keep_unknowns=True)
        )
        inputs: dict[str, Any] = plain(parsed, self.secrets, sort_keys=True)
        return inputs

    def _record(self, request: Any, response: Any, **fields: Any) -> None:
        """The resource as the plan holds it; `fields` are what a registration and a read set differently."""
        self._keep_thread_loop()
        self.planned.append(
            PlannedResource(
                urn=response.urn,
                type=request.type,
                name=request.name,
                parent=request.parent or None,
                provider=request.provider or None,
                dependencies=sorted(set(request.dependencies)),
                **fields,
            )
        )

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        self._seen.take()  # nothing left from an earlier call on this thread (the stack registers no inputs)
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        self._record(
            request,
            response,
            custom=bool(request.custom),
            protect=bool(request.protect),
            delete_before_replace=bool(request.deleteBeforeReplace),
            replace_on_changes=list(request.replaceOnChanges),
            inputs=self._inputs(request.object) if request.type != STACK_TYPE else {},
            ignore_changes=list(request.ignoreChanges),
            property_dependencies={
                key: sorted(set(deps.urns))
                for key, deps in sorted(request.propertyDependencies.items())
                if deps.urns
            },
        )
        return response

    def ReadResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        """A read (`Resource.get`): recorded with the options a read can have, and action "read"."""
        self._seen.take()
        response = super().ReadResource(request)  # type: ignore[no-untyped-call]
        self._record(
            request,
            response,
            custom=True,
            protect=False,
            delete_before_replace=False,
            replace_on_changes=[],
            inputs=self._inputs(request.properties),
            action="read",
        )
        return response


def _record_evaluation(result: PlanResult, evaluation: Evaluation) -> None:
    # Services alike have equal matrices (a fleet has a handful of distinct ones): one object each, kept
    # from evaluation to the end of the preview, instead of one per service (bench/).
    distinct: dict[AccessMatrix, AccessMatrix] = {}
    for name, matrix in evaluation.access().items():
        result.access[name] = distinct.setdefault(matrix, matrix)
    result.service_paths.update(evaluation.stack.paths)


class ProgramFailedError(Exception):
    """The program raised: its exception's type, and its message and traceback with every secret the
    run had in hand masked."""

    def __init__(self, exc: BaseException, masker: Masker) -> None:
        self.kind = type(exc).__name__
        self.message = masker.text(str(exc))
        self.traceback = masker.text("".join(traceback.format_exception(exc)))
        super().__init__(self.message)


class _MaskingFilter(logging.Filter):
    """Every record the program logs (its warnings, the SDK's messages) with the secrets masked, the
    ones known when it is logged: a handler anyone attaches sees no secret."""

    def __init__(self, secrets: Callable[[], set[str]]) -> None:
        super().__init__()
        self._secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        masker = Masker(self._secrets())
        if masker:
            record.msg, record.args = masker.text(record.getMessage()), None
        return True


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

    def secrets() -> set[str]:
        return monitor.secrets | {config[key] for key in secret_keys if key in config}

    log = logger or _quiet_logger()
    masking = _MaskingFilter(secrets)
    log.addFilter(masking)
    pulumi.runtime.reset_options()
    try:
        # set_mocks registers and finishes a root stack of its own unless one is set, and a finished stack
        # refuses `pulumi.run`: the program runs in the stack `run_in_stack` makes, as under the host.
        pulumi.runtime.settings.set_root_resource(_HOST_MAKES_THE_STACK)
        pulumi.runtime.set_mocks(
            mocks_,
            project=project,
            stack=stack,
            preview=preview,
            logger=log,
            monitor=monitor,
        )
        pulumi.runtime.settings.set_root_resource(None)  # type: ignore[arg-type]
        pulumi.runtime.set_all_config(dict(config), secret_keys)
        roots: list[pulumi.Resource] = []

        def module() -> None:
            roots.append(pulumi.runtime.get_root_resource())  # type: ignore[arg-type]
            runpy.run_path(str(main), run_name="__main__")

        outputs: dict[str, Any] = {}
        captured: list[Diagnostic] = []
        try:
            with listening(captured.append, lambda evaluation: _record_evaluation(result, evaluation)):
                # What `pulumi-language-python-exec` runs: the program directory as `__main__` inside the
                # root stack, then the entrypoint it gave `pulumi.run`, if any; every registration awaited.
                loop.run_until_complete(pulumi.runtime.run_in_stack(module))
        except ConstraintViolation:
            pass  # every finding reached `captured` before the raise
        except pulumi.RunError as exc:  # e.g. a config value that is not valid JSON
            captured.append(wrong_type(None, "config", str(exc)))
        except Exception as exc:
            # The program itself failed: its message and traceback may quote a secret it had in hand.
            raise ProgramFailedError(exc, Masker(secrets())) from None
        else:
            outputs = loop.run_until_complete(stack_outputs(roots[0], monitor.secrets))
        result.diagnostics = sorted(set(captured), key=sort_key)
        result.outputs = outputs
        result.resources = monitor.planned
        result.invokes = list(mocks_.calls)
        result.secrets = secrets()
        mask_result(result)
        return result
    finally:
        log.removeFilter(masking)
        pulumi.runtime.reset_options()
        pulumi.runtime.set_all_config({})
        asyncio.set_event_loop(None)
        loop.close()
        for thread_loop in monitor.thread_loops:
            if not thread_loop.is_running():
                thread_loop.close()
