"""Shape findings speak the stack file's language: one finding per mistake, the key path, and an example
of a valid value; credentials are refused in plain text, with the command that stores them encrypted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from cce_passthrough.cli.main import main
from cce_passthrough.core import model
from cce_passthrough.rules.config_words import EXAMPLES
from cce_passthrough.rules.shape_errors import nested_model
from helpers import ROOT, STANDARD_CLUSTER, run_stack, service, write_stack

PUBLIC = {
    "type": "public",
    "name": "web-elb",
    "bandwidth_name": "cce-bandwidth",
    "bandwidth_chargemode": "bandwidth",
    "bandwidth_size": 5,
    "bandwidth_sharetype": "PER",
    "eip_type": "5_bgp",
}
DEDICATED = {"type": "inner", "available_zone": ["cn-north-4a"], "l4_flavor_name": "L4_flavor.elb.s1.small"}


def _findings(tmp_path: Path, *services: dict[str, Any]) -> list[tuple[str, str]]:
    result, _ = run_stack(config_file=write_stack(tmp_path, STANDARD_CLUSTER, list(services)))
    return [(d.code, d.field) for d in result.diagnostics if d.severity.value == "error"]


@pytest.mark.parametrize(
    ("elb", "expected"),
    [
        (
            {"class": "shared", "autocreate": {**PUBLIC, "bandwidth_size": "5"}},
            [("PT203", "services[0].elb.autocreate.bandwidth_size")],
        ),
        (
            {"class": "shared", "autocreate": {**PUBLIC, "bandwidth_chargemode": "monthly"}},
            [("PT203", "services[0].elb.autocreate.bandwidth_chargemode")],
        ),
        (
            {"class": "dedicated", "autocreate": {**DEDICATED, "available_zone": "cn-north-4a"}},
            [("PT203", "services[0].elb.autocreate.available_zone")],
        ),
        (
            {"class": "dedicated", "autocreate": {**DEDICATED, "l4_flavor_name": 4}},
            [("PT203", "services[0].elb.autocreate.l4_flavor_name")],
        ),
        ({"klass": "shared", "autocreate": {"type": "inner"}}, [("PT901", "services[0].elb.klass")]),
        ({"class": 5, "autocreate": {"type": "inner"}}, [("PT202", "services[0].elb.class")]),
        ({"class": "shared", "autocreate": "inner"}, [("PT902", "services[0].elb.autocreate")]),
        (
            {
                "class": "shared",
                "managed": {"subnetId": "s", "eip": {"bandwidth": {"name": "b", "size": "5"}}},
            },
            [("PT902", "services[0].elb.managed.eip.bandwidth.size")],
        ),
    ],
    ids=[
        "bandwidth-size-as-text",
        "chargemode-outside-its-enum",
        "available-zone-not-a-list",
        "l4-flavor-not-text",
        "misspelt-class",
        "class-not-text",
        "autocreate-not-a-mapping",
        "managed-bandwidth-size-as-text",
    ],
)
def test_one_mistake_is_one_finding(
    tmp_path: Path, elb: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    assert _findings(tmp_path, service(elb=elb)) == expected


def test_a_bad_namespace_is_fixed_with_a_namespace(tmp_path: Path) -> None:
    result, _ = run_stack(config_file=write_stack(tmp_path, STANDARD_CLUSTER, [service(namespace="Shop_1")]))
    [finding] = result.diagnostics
    assert (finding.code, finding.field) == ("PT401", "services[0].namespace")
    assert "port" not in finding.fix and "namespace: shop-1" in finding.fix


def _model_keys(root: type[BaseModel], seen: set[type[BaseModel]] | None = None) -> set[str]:
    seen = seen if seen is not None else set()
    if root in seen:
        return set()
    seen.add(root)
    keys: set[str] = set()
    for name, info in root.model_fields.items():
        keys.add(info.alias or (model.to_camel(name) if root is not model.Autocreate else name))
        nested = nested_model(info.annotation)
        if nested is not None:
            keys |= _model_keys(nested, seen)
    return keys


def test_every_key_a_stack_file_can_hold_has_an_example() -> None:
    keys = {"cluster", "services", "createNamespaces", "production"}
    keys |= _model_keys(model.ClusterConfig) | _model_keys(model.ServiceConfig)
    keys -= {"service"}  # SharedElbRef: component args, never config
    keys -= {"elbId", "loadBalancerIp", "publicIp"}
    assert keys - set(EXAMPLES) == set()


BAD_SHAPES: list[dict[str, Any]] = [
    {"elb": "shared"},
    {"elb": {"class": "shared", "existing": "x"}},
    {"elb": {"class": "shared", "managed": {"subnetId": "s", "eip": "x"}}},
    {"elb": {"class": "shared", "managed": {"subnetId": "s", "eip": {"bandwidth": []}}}},
    {"ports": ["x"]},
    {"ports": [{"name": "http"}]},
    {"resources": "x"},
    {"replicas": "2"},
    {"labels": []},
    {"elb": {"class": "shared", "managed": {}}},
]
MODEL_CLASSES = [
    name for name, value in vars(model).items() if isinstance(value, type) and issubclass(value, BaseModel)
]


@pytest.mark.parametrize("overrides", BAD_SHAPES, ids=[json.dumps(o)[:40] for o in BAD_SHAPES])
def test_shape_findings_name_keys_and_show_an_example_never_a_class(
    tmp_path: Path, overrides: dict[str, Any]
) -> None:
    result, _ = run_stack(config_file=write_stack(tmp_path, STANDARD_CLUSTER, [service(**overrides)]))
    assert result.diagnostics
    for finding in result.diagnostics:
        text = finding.message + finding.fix
        assert not [name for name in MODEL_CLASSES if name in text], finding.render()
        assert "e.g." in finding.fix or "example" in finding.fix, finding.render()


def test_a_missing_required_key_shows_its_shape(tmp_path: Path) -> None:
    broken = service()
    del broken["ports"]
    result, _ = run_stack(config_file=write_stack(tmp_path, STANDARD_CLUSTER, [broken]))
    [finding] = result.diagnostics
    assert (finding.code, finding.field) == ("PT903", "services[0].ports")
    assert "ports: [{name: http, port: 80, targetPort: 80, protocol: TCP}]" in finding.fix


PLAIN = "AKPLAINTEXT0123456789"


def _stack_with(tmp_path: Path, extra: str) -> Path:
    path = write_stack(tmp_path, STANDARD_CLUSTER, [service()])
    path.write_text(path.read_text().replace("config:\n", "config:\n" + extra, 1))
    return path


@pytest.mark.parametrize(
    ("line", "field"),
    [
        (f"  huaweicloud:accessKey: {PLAIN}\n", "huaweicloud:accessKey"),
        (f"  huaweicloud:secretKey: {PLAIN}\n", "huaweicloud:secretKey"),
        (f"  cce-passthrough:kubeconfig: |\n    apiVersion: v1\n    token: {PLAIN}\n", "kubeconfig"),
    ],
    ids=["access-key", "secret-key", "kubeconfig"],
)
def test_a_plain_text_credential_is_an_error_whose_fix_stores_it_encrypted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str, field: str
) -> None:
    stack = _stack_with(tmp_path, line)
    result, _ = run_stack(config_file=stack)
    [finding] = result.diagnostics
    assert (finding.code, finding.severity.value, finding.field) == ("PT932", "error", field)
    assert "pulumi config set --secret" in finding.fix
    assert not [r for r in result.resources if r.type.startswith("pulumi:providers:")]
    assert main(["preview", "--project", str(ROOT), "--config", str(stack), "--json"]) == 1
    assert PLAIN not in capsys.readouterr().out


@pytest.mark.parametrize(
    "line",
    [
        "  huaweicloud:secretKey:\n    secure: AAABAHjbX2c=\n",
        "  cce-passthrough:kubeconfig: /home/me/.kube/cce-dev.yaml\n",  # a path: pulumi-kubernetes reads it
    ],
    ids=["secure-value", "kubeconfig-path"],
)
def test_an_encrypted_credential_or_a_kubeconfig_path_is_fine(tmp_path: Path, line: str) -> None:
    result, _ = run_stack(config_file=_stack_with(tmp_path, line))
    assert result.ok and not result.diagnostics, [d.render() for d in result.diagnostics]
