"""Every integer the Kubernetes API stores as int32 is range-checked (issue 11, item 4).

`replicas: 3000000000` passed both the rules and the rendered-object validation: kubernetes-validate
checks `{type: integer, format: int32}` without a format checker, and JSON Schema 2020-12 treats
`format` as an annotation unless one is given. The rule now bounds replicas, and the render asserts
every int32/int64 format of the schema itself.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cce_passthrough.cli.main import main
from cce_passthrough.core.versions import CceVersion
from cce_passthrough.offline.manifests import ManifestError, integer_format_problems, schema_version, validate
from helpers import ROOT, STANDARD_CLUSTER, service, write_stack

INT32_MAX = 2**31 - 1
V128 = CceVersion.parse("v1.28")


def deployment(replicas: int, container_port: int = 80) -> dict[str, Any]:
    labels = {"app": "web"}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "containers": [
                        {"name": "web", "image": "nginx", "ports": [{"containerPort": container_port}]}
                    ]
                },
            },
        },
    }


@pytest.mark.parametrize(
    ("replicas", "ok"), [(0, True), (INT32_MAX, True), (INT32_MAX + 1, False), (-1, False)]
)
def test_replicas_are_0_to_the_int32_maximum(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], replicas: int, ok: bool
) -> None:
    stack = write_stack(tmp_path, STANDARD_CLUSTER, [service(replicas=replicas)])
    assert main(["preview", "--project", str(ROOT), "--config", str(stack), "--json"]) == (0 if ok else 1)
    codes = [(d["code"], d["field"]) for d in json.loads(capsys.readouterr().out)["diagnostics"]]
    assert (("PT401", "services[0].replicas") in codes) is not ok


@pytest.mark.parametrize(
    ("port", "field"),
    [
        ({"port": 2**31}, "port"),
        ({"port": 80, "targetPort": 2**40}, "targetPort"),
        ({"port": 80, "nodePort": 2**31}, "nodePort"),
    ],
)
def test_service_ports_beyond_int32_are_outside_their_ranges(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], port: dict[str, int], field: str
) -> None:
    stack = write_stack(tmp_path, STANDARD_CLUSTER, [service(ports=[{"name": "p", **port}])])
    assert main(["preview", "--project", str(ROOT), "--config", str(stack), "--json"]) == 1
    codes = [(d["code"], d["field"]) for d in json.loads(capsys.readouterr().out)["diagnostics"]]
    assert ("PT401", f"services[0].ports[0].{field}") in codes


def test_the_rendered_object_check_rejects_replicas_beyond_int32() -> None:
    validate(deployment(INT32_MAX), V128)
    with pytest.raises(ManifestError, match=r"Deployment spec\.replicas: 2147483648 is outside int32"):
        validate(deployment(INT32_MAX + 1), V128)


def test_every_int32_format_of_the_schema_is_asserted_not_only_replicas() -> None:
    problems = integer_format_problems(deployment(1, container_port=2**31), schema_version(V128))
    assert [where for where, _ in problems] == ["spec.template.spec.containers.0.ports.0.containerPort"]
