"""How Pulumi really starts this repository: as the program (`pulumi preview` / `pulumi up` here) and as a
plugin (`pulumi package add <this repository>`), both from the same top-level `__main__.py`, each launched
exactly as Pulumi's Python language host launches it (tests/langhost.py), over real gRPC."""

import json
import re
import subprocess
import sys
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

import cce_passthrough
from cce_passthrough.rules.stackconfig import load_project, load_stack_config
from cce_passthrough.wiring import program
from cce_passthrough.wiring.component import TOKEN
from helpers import ROOT, STANDARD_CLUSTER, service, write_stack
from helpers.langhost import FakeEngine, launch_resource_plugin, run_program

SCHEMA = json.loads((ROOT / "provider" / "schema.json").read_text())

# The dev stack's service as another language passes it: the schema's camelCase input names.
NGINX_INPUTS: dict[str, Any] = {
    "cluster": {"version": "v1.28", "flavor": "standard", "kubeProxyMode": "iptables"},
    "image": "nginx:latest",
    "replicas": 2,
    "ports": [{"name": "service0", "port": 80, "targetPort": 80, "protocol": "TCP"}],
    "externalTrafficPolicy": "Local",
    "elb": {
        "class": "shared",
        "autocreate": {
            "type": "public",
            "bandwidthName": "cce-bandwidth",
            "bandwidthChargemode": "bandwidth",
            "bandwidthSize": 5,
            "bandwidthSharetype": "PER",
            "eipType": "5_bgp",
            "name": "james",
        },
    },
}


def _struct(values: dict[str, Any]) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    message.update(values)
    return message


def test_pulumi_package_add_of_this_repository_runs_the_component_provider(tmp_path: Path) -> None:
    with (
        FakeEngine(project="consumer", stack="dev") as engine,
        launch_resource_plugin(ROOT, engine.address, pwd=tmp_path) as plugin,
    ):
        provider = provider_pb2_grpc.ResourceProviderStub(plugin.channel)
        assert provider.GetPluginInfo(empty_pb2.Empty()).version == cce_passthrough.__version__
        served = json.loads(provider.GetSchema(provider_pb2.GetSchemaRequest(version=0)).schema)
        assert served == SCHEMA, "the provider serves another schema than provider/schema.json"

        provider.Configure(provider_pb2.ConfigureRequest(acceptSecrets=True, acceptResources=True))
        constructed = provider.Construct(
            provider_pb2.ConstructRequest(
                project="consumer",
                stack="dev",
                organization="organization",
                dryRun=True,
                monitorEndpoint=engine.address,
                type=TOKEN,
                name="nginx",
                inputs=_struct(NGINX_INPUTS),
            )
        )
    component = f"urn:pulumi:dev::consumer::{TOKEN}::nginx"
    assert constructed.urn == component
    assert engine.named("nginx").type == TOKEN
    service = engine.named("nginx-service")
    assert service.type == "kubernetes:core/v1:Service" and service.parent == component
    annotations = service.inputs["metadata"]["annotations"]
    assert annotations["kubernetes.io/elb.pass-through"] == "onlyLocal"
    assert engine.named("nginx-deployment").parent == component


def test_the_provider_serves_the_version_pyproject_declares() -> None:
    declared = re.search(r'^version = "(.+)"$', (ROOT / "pyproject.toml").read_text(), re.MULTILINE)
    assert declared is not None
    assert version("cce-passthrough") == declared[1] == cce_passthrough.__version__ == SCHEMA["version"]


def test_cce_passthrough_version_prints_the_package_version() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "cce_passthrough", "--version"], capture_output=True, text=True, check=True
    )
    assert run.stdout == f"cce-passthrough {cce_passthrough.__version__}\n"


@pytest.mark.parametrize("stack", ["dev", "staging"])
def test_pulumi_preview_in_this_directory_runs_the_program_and_autocreate_needs_no_huaweicloud(
    stack: str,
) -> None:
    project = load_project(ROOT)
    config = load_stack_config(project, project.stack_file(stack))
    with FakeEngine(project=project.name, stack=stack) as engine:
        run = run_program(
            ROOT,
            engine,
            config.values,
            config.secret_keys,
            extra_env={"PYTHONPROFILEIMPORTTIME": "1"},  # every import, on stderr
        )
    assert run.returncode == 0, run.stderr[-3000:]
    assert {"pulumi:pulumi:Stack", "pulumi:providers:kubernetes", TOKEN} <= engine.types()
    services = [r for r in engine.registrations if r.type == "kubernetes:core/v1:Service"]
    assert services
    assert all(
        s.provider.startswith(f"urn:pulumi:{stack}::cce-passthrough::pulumi:providers:kubernetes::")
        for s in services
    )
    # CCE creates an autocreated ELB itself: with no lookup either, the stack needs nothing of Huawei Cloud,
    # no provider, resource or invoke, and not even the SDK's import.
    assert not [t for t in engine.types() if "huaweicloud" in t]
    assert engine.invokes == []
    imported = {
        line.split("|")[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")
    }
    assert "pulumi_kubernetes" in imported
    assert not {m for m in imported if m.startswith("pulumi_huaweicloud")}


def test_pulumi_preview_of_more_than_one_wave_runs_the_waves_the_program_gave_pulumi_run(
    tmp_path: Path,
) -> None:
    """A preview of a large stack declares its services from the entrypoint it gives `pulumi.run`, which
    only the host runs: had it not run, no service would be registered."""
    services = [service(f"svc{index}") for index in range(program.WAVE + 1)]
    project = load_project(ROOT)
    config = load_stack_config(project, write_stack(tmp_path, STANDARD_CLUSTER, services))
    with FakeEngine(project=project.name, stack="test") as engine:
        run = run_program(ROOT, engine, config.values, config.secret_keys)
    assert run.returncode == 0, run.stderr[-3000:]
    kinds = {
        TOKEN: "",
        "kubernetes:apps/v1:Deployment": "-deployment",
        "kubernetes:core/v1:Service": "-service",
    }
    for type_, suffix in kinds.items():
        registered = sorted(r.name for r in engine.registrations if r.type == type_)
        assert registered == sorted(s["name"] + suffix for s in services)


def test_the_readme_installs_the_huaweicloud_plugin_from_its_v_tagged_release() -> None:
    plugin = json.loads(files("pulumi_huaweicloud").joinpath("pulumi-plugin.json").read_text())
    # Pulumi fills `${VERSION}` in as 0.0.12; the release (and its download directory) is tagged v0.0.12.
    assert plugin["server"].endswith("/releases/download/${VERSION}")
    pinned = version("pulumi-huaweicloud")
    server = plugin["server"].replace("${VERSION}", f"v{pinned}")
    command = f"pulumi plugin install resource huaweicloud {pinned} --server {server}"
    readme = " ".join((ROOT / "README.md").read_text().replace("\\\n", " ").split())
    assert command in readme
