"""`cce-passthrough doctor --stack NAME` end to end: the stack file, the kubeconfig and the HW_*
credentials as a user has them, the fake cluster and fake Huawei Cloud on 127.0.0.1."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cce_passthrough.cli.main import main
from helpers import ROOT
from live.fake_huawei import ACCESS_KEY, SECRET_KEY, FakeHuaweiCloud
from live.fake_kube import TOKEN, FakeKube
from live.test_doctor import CLUSTER_ID, ELB, k8s_service

STACK = f"""\
config:
  huaweicloud:region: cn-north-4
  cce-passthrough:clusterId: {CLUSTER_ID}
  cce-passthrough:cluster:
    name: dev-cce
    version: v1.28
    flavor: standard
    kubeProxyMode: ipvs
  cce-passthrough:services:
    - name: web
      image: nginx:1.27
      ports:
        - {{name: http, port: 80, targetPort: 80, protocol: TCP}}
      passThrough: true
      elb:
        class: shared
        existing: {{id: {ELB}}}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    directory = tmp_path / "project"
    (directory / "stacks").mkdir(parents=True)
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, directory / name)
    (directory / "stacks" / "Pulumi.dev.yaml").write_text(STACK)
    return directory


@pytest.fixture
def seeded(kube_server: FakeKube, huawei_env: FakeHuaweiCloud, kubeconfig: Path) -> FakeHuaweiCloud:
    """Our web on the ELB, another team's api on it with pass-through off, and a console listener."""
    huawei_env.add_cluster(CLUSTER_ID, "dev-cce", kube_proxy_mode="ipvs")
    huawei_env.add_elb(
        ELB,
        name="shared-elb",
        listeners=(("k8s_TCP_80", "TCP", 80), ("k8s_TCP_8080", "TCP", 8080), ("console-https", "HTTPS", 443)),
    )
    kube_server.put("services", k8s_service("default", "web", ELB))
    kube_server.put("services", k8s_service("team-b", "api", ELB, port=8080, pass_through=False))
    return huawei_env


def test_doctor_prints_the_live_facts_and_the_ipvs_conflict_with_another_teams_service(
    seeded: FakeHuaweiCloud, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["doctor", "--stack", "dev", "--project", str(project)])
    out, err = capsys.readouterr()
    assert code == 1, out + err
    assert "cluster dev-cce: v1.28.3-r0, CCE, kube-proxy ipvs, VPC vpc-1, network overlay_l2" in out
    assert f"elb {ELB} (shared-elb): shared, VPC vpc-1" in out
    assert "PT302 error: web: services[0].passThrough:" in out and "off: Service team-b/api" in out
    assert "doctor: 1 error(s)" in out
    for secret in (ACCESS_KEY, SECRET_KEY, TOKEN):
        assert secret not in out + err


def test_doctor_json_has_the_facts_and_every_finding(
    seeded: FakeHuaweiCloud, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["doctor", "--stack", "dev", "--project", str(project), "--json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["ok"] is False
    assert payload["cluster"]["kube_proxy_mode"] == "ipvs"
    assert payload["elbs"][ELB]["listeners"][2] == {"name": "console-https", "protocol": "HTTPS", "port": 443}
    assert [d["code"] for d in payload["diagnostics"]] == ["PT302"]


def test_doctor_without_credentials_is_a_clean_refusal(
    kube_server: FakeKube, kubeconfig: Path, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["doctor", "--stack", "dev", "--project", str(project)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("PT580 error: huawei cloud: find credentials failed")


def readme_session(command: str) -> str:
    """What the README shows `command` printing: the lines after `$ command` in its fenced block."""
    lines = (ROOT / "README.md").read_text().splitlines()
    start = lines.index(f"$ {command}") + 1
    end = lines.index("```", start)
    return "\n".join(lines[start:end]) + "\n"


def test_the_readme_doctor_session_is_what_doctor_prints_against_the_test_servers(
    seeded: FakeHuaweiCloud, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["doctor", "--stack", "dev", "--project", str(project)])
    assert capsys.readouterr().out == readme_session("cce-passthrough doctor --stack dev")
