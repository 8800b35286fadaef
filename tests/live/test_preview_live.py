"""`cce-passthrough preview --live`: the offline plan of the project's real program over the cluster as the
test servers on 127.0.0.1 report it (CCE ShowCluster, ELB v3, every Service and Ingress), read with the
same live layer as doctor; plain `preview` loads none of it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cce_passthrough.cli.main import main
from helpers import ROOT
from live.fake_huawei import ACCESS_KEY, SECRET_KEY, FakeHuaweiCloud
from live.fake_kube import TOKEN, FakeKube
from live.test_doctor import CLUSTER_ID, ELB, k8s_service
from live.test_doctor_cli import readme_session

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
      annotations:
        kubernetes.io/elb.acl-status: "off"
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


def preview(project: Path, capsys: pytest.CaptureFixture[str], *flags: str) -> tuple[int, str]:
    code = main(["preview", "--stack", "dev", "--project", str(project), *flags])
    out, err = capsys.readouterr()
    for secret in (ACCESS_KEY, SECRET_KEY, TOKEN):
        assert secret not in out + err
    return code, out + err


def test_the_live_patch_level_proves_a_patch_gated_annotation_the_declared_minor_cannot(
    kube_server: FakeKube,
    huawei_env: FakeHuaweiCloud,
    kubeconfig: Path,
    project: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    huawei_env.add_cluster(CLUSTER_ID, "dev-cce", version="v1.28.3-r0", kube_proxy_mode="ipvs")
    huawei_env.add_elb(ELB, listeners=(("k8s_TCP_80", "TCP", 80),))
    kube_server.put("services", k8s_service("default", "web", ELB, **{"kubernetes.io/elb.acl-status": "off"}))
    code, offline = preview(project, capsys)
    assert code == 0 and "PT107" in offline  # v1.28 cannot prove the v1.28.2-r0 gate
    code, live = preview(project, capsys, "--live")
    assert code == 0, live
    assert "PT107" not in live
    assert "live: cluster dev-cce: v1.28.3-r0, CCE, kube-proxy ipvs, VPC vpc-1" in live


def test_a_declared_version_the_live_cluster_contradicts_is_pt904_naming_both_and_the_plan_uses_the_live(
    huawei_env: FakeHuaweiCloud, kubeconfig: Path, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huawei_env.add_cluster(CLUSTER_ID, "dev-cce", version="v1.27.3-r0", kube_proxy_mode="ipvs")
    huawei_env.add_elb(ELB)
    code, out = preview(project, capsys, "--json", "--live")
    assert code == 1
    payload = json.loads(out)
    found = {(d["code"], d["field"]): d["message"] for d in payload["diagnostics"]}
    assert "'v1.28'" in found[("PT904", "cluster.version")]
    assert "'v1.27.3-r0'" in found[("PT904", "cluster.version")]
    # the live v1.27.3-r0 is older than the acl gate v1.27.4-r0: proven too old, not unprovable
    assert any(code == "PT108" for code, _ in found) and not any(code == "PT107" for code, _ in found)
    assert payload["live"]["cluster"]["cluster_version"] == "v1.27.3-r0"
    assert payload["live"]["elbs"][ELB]["class"] == "shared"


def test_another_teams_service_on_our_elb_under_ipvs_is_pt302_only_with_live(
    kube_server: FakeKube,
    huawei_env: FakeHuaweiCloud,
    kubeconfig: Path,
    project: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    huawei_env.add_cluster(CLUSTER_ID, "dev-cce", version="v1.28.3-r0", kube_proxy_mode="ipvs")
    huawei_env.add_elb(ELB, listeners=(("k8s_TCP_8080", "TCP", 8080), ("console-http", "HTTP", 80)))
    kube_server.put("services", k8s_service("team-b", "api", ELB, port=8080, pass_through=False))
    code, offline = preview(project, capsys)
    assert code == 0 and "PT302" not in offline
    code, live = preview(project, capsys, "--live")
    assert code == 1
    assert "error: PT302 services[0].passThrough:" in live and "off: Service team-b/api" in live
    assert "error: PT303 services[0].ports[0].port:" in live
    assert "listener console-http (no Kubernetes object)" in live
    assert huawei_env.rejected == []  # every call signed


def test_preview_live_needs_the_stack_not_a_bare_config_file(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = project / "stacks" / "Pulumi.dev.yaml"
    code = main(["preview", "--config", str(config), "--project", str(project), "--live"])
    assert code == 2
    assert "--live reads the stack's credentials: use --stack" in capsys.readouterr().err


def test_without_credentials_preview_live_refuses_cleanly(
    kube_server: FakeKube, kubeconfig: Path, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = preview(project, capsys, "--live")
    assert code == 2 and out.startswith("PT580 error: huawei cloud: find credentials failed")


def test_plain_preview_loads_none_of_the_live_clients() -> None:
    probe = (
        "import sys\n"
        "from cce_passthrough.cli.main import main\n"
        f"main(['preview', '--stack', 'dev', '--project', {str(ROOT)!r}])\n"
        "clients = ('cce_passthrough.live.kube', 'cce_passthrough.live.huawei', 'cce_passthrough.live.reads', "
        "'cce_passthrough.live.doctor', 'cce_passthrough.live.preview_live')\n"
        "loaded = {m for m in sys.modules if m in clients or "
        "m.split('.')[0] in ('kubernetes', 'huaweicloudsdkcore', 'huaweicloudsdkcce', 'huaweicloudsdkelb')}\n"
        "print(sorted(loaded), file=sys.stderr)\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert run.stderr.strip().splitlines()[-1] == "[]"


def test_the_readme_preview_live_session_is_what_preview_live_prints_against_the_test_servers(
    kube_server: FakeKube,
    huawei_env: FakeHuaweiCloud,
    kubeconfig: Path,
    project: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    huawei_env.add_cluster(CLUSTER_ID, "dev-cce", version="v1.28.3-r0", kube_proxy_mode="ipvs")
    huawei_env.add_elb(
        ELB, name="shared-elb", listeners=(("k8s_TCP_8080", "TCP", 8080), ("console-http", "HTTP", 80))
    )
    kube_server.put("services", k8s_service("team-b", "api", ELB, port=8080, pass_through=False))
    main(["preview", "--stack", "dev", "--project", str(project), "--live"])
    assert capsys.readouterr().out == readme_session("cce-passthrough preview --stack dev --live")
