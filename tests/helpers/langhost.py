"""How the Pulumi engine and its Python language host start this repository, reproduced here over real gRPC
on 127.0.0.1 (there is no Pulumi CLI in the test environment). What each launch copies, read in
pulumi/pulumi at 1b59498 (2026-08-21):

- sdk/go/common/resource/plugin/plugin.go, `ExecPlugin`: a plugin that is a directory (PulumiPlugin.yaml or
  PulumiPolicy.yaml) is run through its language host with ProgramInfo(root = program directory = the plugin
  directory, entry point "."), arguments = the engine address (+ logging flags when set), the CLI's
  environment.
- sdk/python/cmd/pulumi-language-python/main.go, `RunPlugin`: with a `__main__.py` in the plugin directory,
  `<virtualenv>/bin/python <plugin directory> <engine address>`, working directory = the engine's (the
  directory `pulumi` was run in); a policy pack (kind analyzer): `<virtualenv>/bin/python -u -m pulumi.policy
  <engine address> <pack directory>`, working directory = the pack, plus PULUMI_PROJECT, PULUMI_STACK,
  PULUMI_DRY_RUN, PULUMI_ORGANIZATION and PULUMI_CONFIG. `parseOptions`: the `virtualenv` runtime option is
  resolved against the plugin directory; a resource plugin without one gets `venv`, a policy pack gets none
  and runs `python3` from PATH (sdk/python/toolchain/pip.go `Command`, `CommandPath`). `ActivateVirtualEnv`
  sets VIRTUAL_ENV and puts the virtualenv's bin first on PATH.
- main.go, `Run` and `constructArguments`: the program runs as `python pulumi-language-python-exec --monitor
  <addr> --engine <addr> --project <p> --root_directory <dir> --stack <s> --pwd <dir> --dry_run <bool>
  --parallel <n> [--organization <o>] .` with PULUMI_CONFIG and PULUMI_CONFIG_SECRET_KEYS set; see
  tests/langhost_exec.py for that script.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent import futures
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import grpc
import yaml
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import engine_pb2_grpc, provider_pb2, resource_pb2, resource_pb2_grpc

EXEC_SHIM = Path(__file__).resolve().parent / "langhost_exec.py"
PORT_WAIT_SECONDS = 60
"""An upper bound on a process's start-up, so that a launch that never prints a port fails, not hangs."""

STACK_TYPE = "pulumi:pulumi:Stack"

InvokeHandler = Callable[[str, Mapping[str, Any]], Mapping[str, Any]]


@dataclass
class Registration:
    type: str
    name: str
    urn: str
    parent: str
    custom: bool
    provider: str
    inputs: dict[str, Any]


@dataclass
class FakeEngine:
    """The engine's ResourceMonitor and Engine services. Registrations are recorded and answered as a
    preview answers them (no id, outputs = inputs); invokes go to `invoke`, whose LookupError fails them."""

    project: str
    stack: str
    invoke: InvokeHandler | None = None
    registrations: list[Registration] = field(default_factory=list)
    invokes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    logs: list[tuple[int, str]] = field(default_factory=list)
    address: str = ""
    _server: grpc.Server | None = None

    def __enter__(self) -> FakeEngine:
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
        resource_pb2_grpc.add_ResourceMonitorServicer_to_server(_Monitor(self), self._server)
        engine_pb2_grpc.add_EngineServicer_to_server(_Engine(self), self._server)
        port = self._server.add_insecure_port("127.0.0.1:0")
        self._server.start()
        self.address = f"127.0.0.1:{port}"
        return self

    def __exit__(self, *_: object) -> None:
        assert self._server is not None
        self._server.stop(grace=None)

    def urn(self, parent: str, type_: str, name: str) -> str:
        parent_type = parent.split("::")[2] if parent else STACK_TYPE
        if parent_type != STACK_TYPE:  # as the engine names them: the stack is nobody's type prefix
            type_ = parent_type + "$" + type_
        return f"urn:pulumi:{self.stack}::{self.project}::{type_}::{name}"

    def types(self) -> set[str]:
        return {r.type for r in self.registrations}

    def named(self, name: str) -> Registration:
        [found] = [r for r in self.registrations if r.name == name]
        return found


class _Monitor(resource_pb2_grpc.ResourceMonitorServicer):
    def __init__(self, engine: FakeEngine) -> None:
        self.engine = engine

    # Plain inputs, as from the SDK's mock monitor: no output values on the wire.
    FEATURES = (
        resource_pb2.RESOURCE_MONITOR_FEATURE_SECRETS,
        resource_pb2.RESOURCE_MONITOR_FEATURE_RESOURCE_REFERENCES,
    )

    def GetDeploymentInfo(self, request: Any, context: Any) -> Any:  # noqa: N802 (gRPC method name)
        return resource_pb2.DeploymentInfo(supportedFeatures=self.FEATURES)

    def SupportsFeature(self, request: Any, context: Any) -> Any:  # noqa: N802
        return resource_pb2.SupportsFeatureResponse(
            hasSupport=request.id in {"secrets", "resourceReferences"}
        )

    def RegisterResource(self, request: Any, context: Any) -> Any:  # noqa: N802
        urn = self.engine.urn(request.parent, request.type, request.name)
        self.engine.registrations.append(
            Registration(
                type=request.type,
                name=request.name,
                urn=urn,
                parent=request.parent,
                custom=request.custom,
                provider=request.provider,
                inputs=json_format.MessageToDict(request.object),
            )
        )
        # A provider reference needs an id; a custom resource in preview has none yet.
        provider_id = f"{request.name}-id" if request.type.startswith("pulumi:providers:") else ""
        return resource_pb2.RegisterResourceResponse(urn=urn, id=provider_id, object=request.object)

    def RegisterResourceOutputs(self, request: Any, context: Any) -> Any:  # noqa: N802
        return empty_pb2.Empty()

    def Invoke(self, request: Any, context: Any) -> Any:  # noqa: N802
        args = json_format.MessageToDict(request.args)
        self.engine.invokes.append((request.tok, args))
        answer = struct_pb2.Struct()
        try:
            if self.engine.invoke is None:
                raise LookupError(f"no invoke expected: {request.tok}")
            answer.update(dict(self.engine.invoke(request.tok, args)))
        except LookupError as exc:
            failure = provider_pb2.CheckFailure(property="", reason=str(exc))
            return resource_pb2.ResourceInvokeResponse(failures=[failure])
        return resource_pb2.ResourceInvokeResponse(**{"return": answer})

    def RegisterPackage(self, request: Any, context: Any) -> Any:  # noqa: N802
        return resource_pb2.RegisterPackageResponse(ref=f"{request.name}-{request.version}")

    def SignalAndWaitForShutdown(self, request: Any, context: Any) -> Any:  # noqa: N802
        return empty_pb2.Empty()


class _Engine(engine_pb2_grpc.EngineServicer):
    def __init__(self, engine: FakeEngine) -> None:
        self.engine = engine

    def Log(self, request: Any, context: Any) -> Any:  # noqa: N802 (gRPC method name)
        self.engine.logs.append((request.severity, request.message))
        return empty_pb2.Empty()


def activated(venv: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment a virtualenv's process gets from the host (toolchain `ActivateVirtualEnv`)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONHOME"}
    env["VIRTUAL_ENV"] = str(venv)
    env["PATH"] = os.pathsep.join([str(venv / "bin"), env.get("PATH", "")])
    env.update(extra or {})
    return env


def this_venv() -> Path:
    """The test run's virtualenv: where `make` installed the requirements, as `pulumi install` would into venv/."""
    return Path(sys.prefix)


@dataclass
class Plugin:
    process: subprocess.Popen[str]
    port: int
    channel: grpc.Channel


def _first_line(stream: IO[str]) -> str:
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True).start()
    try:
        return lines.get(timeout=PORT_WAIT_SECONDS)
    except queue.Empty:
        return ""


@contextlib.contextmanager
def serving(command: list[str], cwd: Path, env: Mapping[str, str]) -> Iterator[Plugin]:
    """Start a plugin process, read the port it prints first (as the engine does), and connect to it."""
    process = subprocess.Popen(
        command, cwd=cwd, env=dict(env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        line = _first_line(process.stdout)
        if not line.strip().isdigit():
            process.kill()
            _, stderr = process.communicate()
            raise AssertionError(f"no port on stdout (got {line!r}); stderr:\n{stderr}")
        port = int(line)
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            grpc.channel_ready_future(channel).result(timeout=PORT_WAIT_SECONDS)
            yield Plugin(process, port, channel)
    finally:
        process.terminate()
        process.communicate()


def launch_resource_plugin(
    plugin_dir: Path, engine_address: str, pwd: Path
) -> contextlib.AbstractContextManager[Plugin]:
    """`pulumi package add <plugin_dir>`: the plugin's virtualenv python runs the directory itself."""
    python = this_venv() / "bin" / "python"
    return serving([str(python), str(plugin_dir), engine_address], pwd, activated(this_venv()))


def policy_pack_interpreter(pack_dir: Path) -> Path:
    """The python `pulumi preview --policy-pack <pack_dir>` runs the pack with, from PulumiPolicy.yaml."""
    runtime = yaml.safe_load((pack_dir / "PulumiPolicy.yaml").read_text())["runtime"]
    options = runtime.get("options", {}) if isinstance(runtime, dict) else {}
    virtualenv = options.get("virtualenv")
    if not virtualenv:  # toolchain `CommandPath`: PULUMI_PYTHON_CMD, else python3, else python, from PATH
        found = shutil.which(os.environ.get("PULUMI_PYTHON_CMD") or "python3") or shutil.which("python")
        return Path(found or "python3")
    venv = Path(virtualenv) if Path(virtualenv).is_absolute() else pack_dir / virtualenv
    return venv / "bin" / "python"


def launch_policy_pack(
    pack_dir: Path, engine_address: str, project: str, stack: str, config: Mapping[str, str]
) -> contextlib.AbstractContextManager[Plugin]:
    python = policy_pack_interpreter(pack_dir)
    stack_env = {
        "PULUMI_PROJECT": project,
        "PULUMI_STACK": stack,
        "PULUMI_DRY_RUN": "true",
        "PULUMI_CONFIG": json.dumps(dict(config)),
    }
    env = (
        activated(python.parent.parent, stack_env)
        if python.is_relative_to(pack_dir)
        else {**os.environ, **stack_env}
    )
    command = [str(python), "-u", "-m", "pulumi.policy", engine_address, str(pack_dir)]
    return serving(command, pack_dir, env)


def run_program(
    program_dir: Path,
    engine: FakeEngine,
    config: Mapping[str, str],
    secret_keys: list[str],
    dry_run: bool = True,
    extra_env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """`pulumi preview` / `pulumi up` in `program_dir`: the exec script with the host's arguments."""
    arguments = {
        "monitor": engine.address,
        "engine": engine.address,
        "project": engine.project,
        "root_directory": str(program_dir),
        "stack": engine.stack,
        "pwd": str(program_dir),
        "dry_run": "true" if dry_run else "false",
        "parallel": "16",
        "organization": "organization",
    }
    command = [str(this_venv() / "bin" / "python"), str(EXEC_SHIM)]
    for name, value in arguments.items():
        command += [f"--{name}", value]
    command.append(".")
    env = activated(
        this_venv(),
        {
            "PULUMI_CONFIG": json.dumps(dict(config)),
            "PULUMI_CONFIG_SECRET_KEYS": json.dumps(secret_keys),
            **(extra_env or {}),
        },
    )
    return subprocess.run(command, cwd=program_dir, env=env, capture_output=True, text=True, timeout=600)
