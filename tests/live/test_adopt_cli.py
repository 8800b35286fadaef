"""`cce-passthrough adopt` against the fake cluster on 127.0.0.1: the official client reads the Service
and the namespace's Deployments (one call each), the entry is checked through the real program, printed,
and with --write added to the stack file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from cce_passthrough.cli.main import main
from helpers import ROOT
from live.fake_kube import FakeKube

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def live(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    for key in ("uid", "resourceVersion", "creationTimestamp", "managedFields"):
        data["metadata"].pop(key, None)
    return data


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of this project whose dev stack has no service yet."""
    directory = tmp_path / "project"
    directory.mkdir()
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, directory / name)
    (directory / "stacks").mkdir()
    (directory / "stacks" / "Pulumi.dev.yaml").write_text(
        "# the cluster the CCE page's nginx already runs on\n"
        "config:\n"
        "  huaweicloud:region: cn-north-4\n"
        "  cce-passthrough:cluster:\n"
        "    name: dev-cce\n"
        "    version: v1.28\n"
        "    flavor: standard\n"
        "    kubeProxyMode: iptables   # declared: the data source cannot tell\n"
        "  cce-passthrough:services: []\n"
    )
    return directory


def test_adopt_reads_the_cluster_prints_a_clean_entry_and_writes_it(
    kube_server: FakeKube, kubeconfig: Path, project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kube_server.put("services", live("cce-page-service.json"))
    kube_server.put("deployments", live("cce-page-deployment.json"))
    import_file = tmp_path / "import.json"
    code = main(
        [
            "adopt",
            "--namespace",
            "default",
            "--service",
            "nginx",
            "--project",
            str(project),
            "--stack",
            "dev",
            "--import-file",
            str(import_file),
            "--write",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "adopt: clean" in out
    assert "containerName: container-0" in out
    document = json.loads(import_file.read_text())
    assert [r["name"] for r in document["resources"]] == ["nginx", "nginx-deployment", "nginx-service"]
    stack = (project / "stacks" / "Pulumi.dev.yaml").read_text()
    assert stack.startswith("# the cluster the CCE page's nginx already runs on\n")
    assert "# declared: the data source cannot tell" in stack
    assert "- name: nginx" in stack
    # one read of the Service, one list of the namespace's Deployments
    assert len(kube_server.calls("GET", r"/api/v1/namespaces/default/services/nginx")) == 1
    assert len(kube_server.calls("GET", r"/apis/apps/v1/namespaces/default/deployments")) == 1


def test_adopt_of_a_missing_service_is_a_coded_failure(
    kube_server: FakeKube, kubeconfig: Path, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["adopt", "--service", "nowhere", "--project", str(project)])
    assert code == 2
    assert "PT584" in capsys.readouterr().err
