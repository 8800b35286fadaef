"""Every block of the README a user would paste is a file under examples/ that this suite runs (the
component program under the SDK's mocks, the policy-pack config through pulumi-policy's analyzer) or
checks line by line (each command against this project: its make targets, its argument parsers, the
config keys the program reads, the paths it names); the README shows those files byte for byte."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest

from cce_passthrough.cli import rulesdoc
from cce_passthrough.cli.main import _parser
from cce_passthrough.offline.engine import OfflineMocks, run_program
from cce_passthrough.rules.checks.credentials import CREDENTIAL_KEYS
from helpers import ROOT, FixtureInvokes, planned, run_stack

README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLES = ROOT / "examples"
SHELL = sorted(EXAMPLES.rglob("*.sh"))
MODES = pytest.mark.parametrize("preview", [True, False], ids=["preview", "update"])


def test_every_block_a_user_would_paste_is_an_example_file_and_every_example_is_shown() -> None:
    # A block with a language is for pasting; one without is a transcript or a synopsis.
    pasted = re.findall(r"^(.*)\n```\w+\n", README, flags=re.M)
    assert pasted and all(line.startswith("<!-- example: examples/") for line in pasted), pasted
    shown = {m["path"] for m in rulesdoc.EXAMPLE_BLOCK.finditer(README)}
    on_disk = {
        str(p.relative_to(ROOT)) for p in EXAMPLES.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    }
    assert shown == on_disk


def test_the_readme_shows_each_example_as_it_is() -> None:
    assert rulesdoc.replace_readme_examples(README, ROOT) == README, (
        f"a README example differs from its file: run `{rulesdoc.REGENERATE}`"
    )


@MODES
def test_the_component_example_runs_as_another_stacks_program(preview: bool) -> None:
    mocks = OfflineMocks(FixtureInvokes(), preview=preview)
    result = run_program(EXAMPLES / "component" / "__main__.py", "consumer", "dev", {}, [], mocks, preview)
    assert result.ok and not result.diagnostics, [d.render() for d in result.diagnostics]
    provider = result.resource("kubernetes")
    for child in ("nginx-deployment", "nginx-service"):
        assert (result.resource(child).provider or "").startswith(provider.urn + "::")
    assert set(result.outputs) == {"elb_ip"}
    if not preview:
        assert result.outputs["elb_ip"].startswith("192.168.")


def _analyzer(config: dict[str, Any]) -> Any:
    from pulumi.runtime import proto
    from pulumi_policy import EnforcementLevel
    from pulumi_policy.policy import _PolicyAnalyzerServicer

    from cce_passthrough import __version__
    from cce_passthrough.wiring.policy_pack import PACK_NAME, POLICIES

    assert set(config) == {policy.name for policy in POLICIES}
    servicer = _PolicyAnalyzerServicer(PACK_NAME, __version__, POLICIES, EnforcementLevel.MANDATORY)
    request = proto.ConfigureAnalyzerRequest()
    for name, properties in config.items():  # as `pulumi preview --policy-pack-config` hands the file over
        request.policyConfig[name].properties.update(properties)
        request.policyConfig[name].enforcementLevel = proto.MANDATORY
    servicer.Configure(request, None)
    return servicer


def test_the_policy_pack_config_example_configures_every_policy_of_the_pack() -> None:
    from google.protobuf import struct_pb2
    from pulumi.runtime import proto

    servicer = _analyzer(json.loads((EXAMPLES / "policy-pack" / "cluster.json").read_text()))
    result, _ = run_stack("dev")
    for resource in (r for r in result.resources if r.custom):
        properties = struct_pb2.Struct()
        properties.update(json.loads(json.dumps(resource.inputs).replace('"(computed)"', '"x"')))
        request = proto.AnalyzeRequest(
            type=resource.type, properties=properties, urn=resource.urn, name=resource.name
        )
        assert not servicer.Analyze(request, None).diagnostics, resource.name
    # and the facts reach the cluster rules: pass-through needs v1.16 at least (PT101)
    old = json.loads((EXAMPLES / "policy-pack" / "cluster.json").read_text())
    servicer = _analyzer({name: {**facts, "version": "v1.15"} for name, facts in old.items()})
    service = planned(
        "kubernetes:core/v1:Service",
        "web",
        {
            "metadata": {
                "name": "web",
                "annotations": {
                    "kubernetes.io/elb.class": "union",
                    "kubernetes.io/elb.id": "6b3a4a49-8d4f-4f3a-a0a5-2f6d5c9e0b7d",
                    "kubernetes.io/elb.pass-through": "true",
                },
            },
            "spec": {"type": "LoadBalancer", "ports": [{"name": "http", "port": 80, "protocol": "TCP"}]},
        },
    )
    properties = struct_pb2.Struct()
    properties.update(service.inputs)
    request = proto.AnalyzeRequest(
        type=service.type, properties=properties, urn=service.urn, name=service.name
    )
    assert "PT101" in "".join(d.message for d in servicer.Analyze(request, None).diagnostics)


def _commands(path: Path) -> list[list[str]]:
    """Each command of a shell example, continuation lines joined, comments dropped."""
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    return [
        shlex.split(line, comments=True) for line in text.splitlines() if shlex.split(line, comments=True)
    ]


def _make_targets() -> set[str]:
    return set(re.findall(r"^([A-Za-z][\w-]*):", (ROOT / "Makefile").read_text(), flags=re.M))


# The Pulumi CLI commands the examples use (https://www.pulumi.com/docs/iac/cli/commands/).
PULUMI_COMMANDS = {"login", "stack", "config", "preview", "up", "plugin", "package", "install"}


def _check_pulumi(argv: list[str]) -> None:
    command = argv[1]
    assert command in PULUMI_COMMANDS, argv
    if command == "stack" and argv[2] == "select":
        # a fresh backend has no stack yet: select alone fails there
        assert "--create" in argv or "-c" in argv, argv
    if command == "config" and argv[2] == "set":
        key = next(a for a in argv[3:] if not a.startswith("-"))
        assert key in CREDENTIAL_KEYS, f"{key} is not a key the program reads"
        assert "--secret" in argv, f"{key} must be set with --secret"
    if command == "preview" and "--policy-pack" in argv:
        assert (ROOT / argv[argv.index("--policy-pack") + 1]).is_dir()
        assert (ROOT / argv[argv.index("--policy-pack-config") + 1]).is_file()
    if command == "plugin":
        from importlib.metadata import version

        installed = version("pulumi_huaweicloud")
        assert argv[2:5] == ["install", "resource", "huaweicloud"] and argv[5] == installed, argv
        assert argv[argv.index("--server") + 1].endswith(f"/v{installed}"), argv


@pytest.mark.parametrize("path", SHELL, ids=[p.name for p in SHELL])
def test_every_command_of_a_shell_example_is_one_this_project_takes(path: Path) -> None:
    for argv in _commands(path):
        if argv[0] == "(cd":  # `(cd policy && pulumi install)`
            assert (ROOT / argv[1]).is_dir() and argv[2:] == ["&&", "pulumi", "install)"], argv
        elif argv[0] == "make":
            assert set(argv[1:]) <= _make_targets(), argv
        elif argv[0] == "cce-passthrough":
            _parser().parse_args(argv[1:])  # exits 2 on anything the command line refuses
        elif argv[0] == "pulumi":
            _check_pulumi(argv)
        elif argv[0] == "pip":
            assert argv[1] == "install" and "cce-passthrough" in argv[2], argv
        else:
            raise AssertionError(f"{path.name}: a command no test checks: {argv}")


# --- the configuration table and the config model, both ways ---------------------------------------


def _shape_keys(shape: str) -> list[str]:
    """`{a, b: {c, d}, e}` -> ["a", "b.c", "b.d", "e"]."""
    keys: list[str] = []
    stack: list[str] = []
    token = ""
    for char in shape.strip()[1:-1] + ",":
        if char == "{":
            stack.append(token.strip().rstrip(":").strip())
            token = ""
        elif char in ",}":
            if token.strip():
                keys.append(".".join([*stack, token.strip()]))
            token = ""
            if char == "}":
                stack.pop()
        else:
            token += char
    return keys


def _table_keys() -> set[str]:
    section = README.split("## Configuration reference", 1)[1].split("\n## ", 1)[0]
    keys: set[str] = set()
    for row in re.findall(r"^\| `([^`]+)` \| ([^|]*(?:\\\|[^|]*)*) \|", section, flags=re.M):
        key, kind = row
        shape = re.fullmatch(r"`(\{.*\})`", kind.strip())
        if shape:
            keys |= {f"{key}.{inner}" for inner in _shape_keys(shape.group(1))}
        else:
            keys.add(key)
    return keys


def _model_keys() -> set[str]:
    from pydantic import BaseModel

    from cce_passthrough.core import model
    from cce_passthrough.rules.shape_errors import nested_model

    def walk(root: type[BaseModel], prefix: str) -> set[str]:
        found: set[str] = set()
        for name, info in root.model_fields.items():
            key = f"{prefix}{info.alias or (name if root is model.Autocreate else model.to_camel(name))}"
            nested = nested_model(info.annotation)
            if nested is model.SharedElbRef:  # component args only: in a stack file shareWith is a name
                nested = None
            if nested is None:
                found.add(key)
            else:
                is_list = "list[" in str(info.annotation)
                found |= walk(nested, f"{key}[]." if is_list else f"{key}.")
        return found

    return (
        {"kubeconfig", "createNamespaces", "production"}
        | walk(model.ClusterConfig, "cluster.")
        | walk(model.ServiceConfig, "services[].")
    )


def test_the_configuration_table_lists_every_key_the_model_accepts_and_no_other() -> None:
    table, accepted = _table_keys(), _model_keys()
    assert accepted - table == set(), "keys the model accepts that the README's table does not list"
    assert table - accepted == set(), "keys the README's table lists that the model refuses"
