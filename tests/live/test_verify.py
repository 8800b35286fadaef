"""`verify` end to end: the CLI, the official clients, the fake API servers, and the probe's real shell
script run by the fake kubelet with the machine's `sh` and `curl` against a stand-in for the ELB
address on 127.0.0.1. Whether a request "reaches the ELB" is the scenario: the stand-in reports each
connection to the fake Cloud Eye (pass-through), or answers without reporting (kube-proxy)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from cce_passthrough.cli import verify as verify_cli
from cce_passthrough.cli.main import main
from cce_passthrough.live import probe
from cce_passthrough.live.huawei import RetryPolicy
from cce_passthrough.live.kube import Timeouts
from cce_passthrough.live.verify_settings import Timing
from helpers import ROOT
from live.fake_http import wait_until
from live.fake_huawei import ACCESS_KEY, PROJECT_ID, SECRET_KEY, FakeHuaweiCloud, huawei_error
from live.fake_kube import TOKEN, FakeKube, PodScript

ELB_ID = "5d5f3c9e-7b1a-4e8e-9a55-1f0c2b3d4e5f"
ELB_ADDRESS = "192.0.2.50"  # a documentation address: only data here, never dialled
FAST = Timing(poll_interval=0.05, baseline_window=2.0, sample_interval=0.2, schedule_grace=0.3, pause=0.0)
BATCH = rf"/V1.0/{PROJECT_ID}/batch-query-metric-data"


class StandIn:
    """What answers the ELB address: an HTTP server on 127.0.0.1 that counts connections and, when it
    plays the ELB, reports each to Cloud Eye."""

    def __init__(self, cloud_eye: Any | None) -> None:
        self.connections = 0
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def setup(self) -> None:
                super().setup()
                stand_in.connections += 1
                if cloud_eye is not None:
                    cloud_eye.connect(ELB_ID)

            def do_GET(self) -> None:
                body = b"<h1>Welcome to nginx!</h1>"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def run_probe_script(port: int) -> Any:
    """The fake kubelet: runs the container's real command with its env, the ELB address mapped to the
    stand-in on 127.0.0.1 (the one network the tests may use)."""

    def log(pod: dict[str, Any]) -> str:
        container = pod["spec"]["containers"][0]
        env = {e["name"]: e["value"] for e in container["env"]}
        assert env["TARGET_HOST"] == ELB_ADDRESS
        env.update(TARGET_HOST="127.0.0.1", TARGET_PORT=str(port), PATH=os.environ["PATH"])
        done = subprocess.run(
            container["command"], env=env, capture_output=True, text=True, timeout=60, check=False
        )
        return done.stdout

    return log


def seed_cluster(
    kube: FakeKube, *, annotations: dict[str, str] | None = None, dedicated: bool = False
) -> None:
    kube.add_node("node-a")
    kube.add_node("node-b")
    kube.add_backend_pod("default", "nginx-7c4c5cc6b5-vpncx", {"app": "nginx"}, "node-a")
    kube.put(
        "services",
        {
            "metadata": {
                "name": "nginx",
                "namespace": "default",
                "annotations": {
                    "kubernetes.io/elb.class": "performance" if dedicated else "union",
                    "kubernetes.io/elb.id": ELB_ID,
                    "kubernetes.io/elb.pass-through": "true",
                    **(annotations or {}),
                },
            },
            "spec": {
                "type": "LoadBalancer",
                "selector": {"app": "nginx"},
                "ports": [{"name": "service0", "port": 80, "targetPort": 80, "protocol": "TCP"}],
            },
            "status": {"loadBalancer": {"ingress": [{"ip": ELB_ADDRESS}]}},
        },
    )


def write_project(directory: Path, *, kube_proxy_mode: str = "iptables") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Pulumi.yaml").write_text("name: cce-passthrough\nruntime: python\nstackConfigDir: stacks\n")
    (directory / "stacks").mkdir(exist_ok=True)
    stack = {
        "config": {
            "cce-passthrough:cluster": {
                "version": "v1.28",
                "flavor": "standard",
                "kubeProxyMode": kube_proxy_mode,
            },
            "cce-passthrough:services": [
                {"name": "nginx", "namespace": "default", "elb": {"class": "shared"}}
            ],
        }
    }
    (directory / "stacks" / "Pulumi.test.yaml").write_text(json.dumps(stack))
    return directory


@pytest.fixture
def cluster(
    kube_server: FakeKube, kubeconfig: Path, huawei_env: FakeHuaweiCloud, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FakeKube]:
    monkeypatch.setattr(verify_cli, "TIMING", FAST)
    monkeypatch.setattr(verify_cli, "TIMEOUTS", Timeouts(connect=2.0, read=1.0))
    monkeypatch.setattr(verify_cli, "RETRY", RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02))
    yield kube_server


@pytest.fixture
def elb(huawei_env: FakeHuaweiCloud) -> Iterator[StandIn]:
    """The request reaches the ELB: every connection is counted by Cloud Eye."""
    stand_in = StandIn(huawei_env.cloud_eye)
    yield stand_in
    stand_in.stop()


@pytest.fixture
def kube_proxy() -> Iterator[StandIn]:
    """kube-proxy answers on the node: the backend replies, Cloud Eye sees nothing."""
    stand_in = StandIn(None)
    yield stand_in
    stand_in.stop()


def run(project: Path, *extra: str) -> int:
    return main(
        ["verify", "--stack", "test", "--project", str(project), "--requests", "3", "--timeout", "30", *extra]
    )


def test_metrics_rising_after_the_probe_confirm_pass_through(
    cluster: FakeKube,
    elb: StandIn,
    huawei_env: FakeHuaweiCloud,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed_cluster(cluster)
    cluster.pod_script = PodScript(log=run_probe_script(elb.port))
    code = run(write_project(tmp_path / "p"))
    out = capsys.readouterr().out
    assert code == 0, out
    assert "default/nginx: pass-through confirmed" in out
    assert "probe Job cce-passthrough-verify-" in out and "3/3 connected (HTTP 200 x3)" in out
    assert elb.connections == 3
    assert huawei_env.rejected == []
    (delete,) = cluster.calls("DELETE", r"/apis/batch/v1/namespaces/default/jobs/cce-passthrough-verify-\w+")
    assert delete.json()["propagationPolicy"] == "Background"
    assert cluster.items("jobs") == [] and [p["metadata"]["name"] for p in cluster.items("pods")] == [
        "nginx-7c4c5cc6b5-vpncx"
    ]


def test_metrics_flat_because_the_service_lacks_pass_through_is_not_reached(
    cluster: FakeKube, kube_proxy: StandIn, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_cluster(cluster, annotations={"kubernetes.io/elb.pass-through": "false"})
    cluster.pod_script = PodScript(log=run_probe_script(kube_proxy.port))
    code = run(write_project(tmp_path / "p"))
    out = capsys.readouterr().out
    assert code == 1, out
    assert "default/nginx: traffic did not reach the ELB" in out
    assert (
        "PT590 error: nginx: services[nginx]: the probe connected 3 times but the ELB counted 0 new "
        'connections: kubernetes.io/elb.pass-through is "false" on the live Service' in out
    )
    assert cluster.items("jobs") == []


def test_not_reached_under_ipvs_names_the_other_service_on_the_same_elb(
    cluster: FakeKube, kube_proxy: StandIn, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_cluster(cluster)
    cluster.put(
        "services",
        {
            "metadata": {
                "name": "legacy",
                "namespace": "shop",
                "annotations": {"kubernetes.io/elb.id": ELB_ID},
            },
            "spec": {"ports": [{"port": 8080}]},
        },
    )
    cluster.pod_script = PodScript(log=run_probe_script(kube_proxy.port))
    assert run(write_project(tmp_path / "p", kube_proxy_mode="ipvs")) == 1
    assert (
        "kube-proxy runs in IPVS mode and shop/legacy on the same ELB has no pass-through"
        in capsys.readouterr().out
    )


def test_json_for_ci(
    cluster: FakeKube, elb: StandIn, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_cluster(cluster)
    cluster.pod_script = PodScript(log=run_probe_script(elb.port))
    assert run(write_project(tmp_path / "p"), "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["verdict"], report["exitCode"], report["notes"]) == ("pass-through confirmed", 0, [])
    (service,) = report["services"]
    assert service["elbId"] == ELB_ID and service["address"] == ELB_ADDRESS and service["port"] == 80
    assert service["probe"] == {"requests": 3, "connected": 3, "http": {"200": 3}}
    assert service["metrics"]["newConnections"] >= 2 and service["finding"] is None


def test_targets_come_from_the_stack_outputs_file(
    cluster: FakeKube, elb: StandIn, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_cluster(cluster)
    cluster.put("services", {**cluster.get("services", "default", "nginx"), "status": {"loadBalancer": {}}})  # type: ignore[dict-item]
    outputs = tmp_path / "outputs.json"
    outputs.write_text(
        json.dumps(
            {
                "nginx": {
                    "service_name": "nginx",
                    "namespace": "default",
                    "elb_id": ELB_ID,
                    "load_balancer_ip": ELB_ADDRESS,
                    "public_ip": None,
                }
            }
        )
    )
    cluster.pod_script = PodScript(log=run_probe_script(elb.port))
    assert run(write_project(tmp_path / "p"), "--outputs", str(outputs)) == 0
    assert "(stack outputs)" in capsys.readouterr().out


def test_a_service_without_an_elb_address_yet_is_inconclusive(
    cluster: FakeKube, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_cluster(cluster)
    cluster.put("services", {**cluster.get("services", "default", "nginx"), "status": {"loadBalancer": {}}})  # type: ignore[dict-item]
    assert run(write_project(tmp_path / "p")) == 2
    assert "PT594 warning" in capsys.readouterr().out
    assert cluster.calls("POST", r"/apis/batch/v1/namespaces/default/jobs") == []


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        (huawei_error(500, "ces.0500", "internal error"), "PT586"),
        (huawei_error(429, "APIGW.0308", "The throttling threshold has been reached"), "PT585"),
    ],
)
def test_cloud_eye_errors_and_throttling_are_inconclusive(
    cluster: FakeKube,
    elb: StandIn,
    huawei_env: FakeHuaweiCloud,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fault: Any,
    code: str,
) -> None:
    seed_cluster(cluster)
    cluster.pod_script = PodScript(log=run_probe_script(elb.port))
    huawei_env.fail("POST", BATCH, fault, times=100)
    assert run(write_project(tmp_path / "p")) == 2
    out = capsys.readouterr().out
    assert "default/nginx: inconclusive" in out and f"{code} error" in out
    assert len(huawei_env.calls("POST", BATCH)) == 3  # one call, retried twice


def test_cloud_eye_timing_out_is_inconclusive(
    cluster: FakeKube,
    elb: StandIn,
    huawei_env: FakeHuaweiCloud,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed_cluster(cluster)
    huawei_env.hang("POST", BATCH, seconds=2)
    assert run(write_project(tmp_path / "p")) == 2
    assert "PT587 error" in capsys.readouterr().out
    assert cluster.calls("POST", r"/apis/batch/v1/namespaces/default/jobs") == []


def test_cloud_eye_without_data_for_the_elb_is_inconclusive(
    cluster: FakeKube,
    elb: StandIn,
    huawei_env: FakeHuaweiCloud,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed_cluster(cluster)
    huawei_env.cloud_eye.missing.add(ELB_ID)
    cluster.pod_script = PodScript(log=run_probe_script(elb.port))
    assert (
        main(
            [
                "verify",
                "--stack",
                "test",
                "--project",
                str(write_project(tmp_path / "p")),
                "--requests",
                "2",
                "--timeout",
                "2",
            ]
        )
        == 2
    )
    out = capsys.readouterr().out
    assert "PT591 warning" in out and "Cloud Eye has no data for this ELB" in out
    assert cluster.items("jobs") == []


def test_a_probe_pod_that_never_schedules_is_inconclusive_and_removed(
    cluster: FakeKube, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_cluster(cluster)
    cluster.pod_script = PodScript(unschedulable="0/2 nodes are available: 2 Insufficient cpu.")
    assert run(write_project(tmp_path / "p")) == 2
    out = capsys.readouterr().out
    assert "PT592 warning" in out and "never scheduled: 0/2 nodes are available: 2 Insufficient cpu." in out
    assert cluster.items("jobs") == [] and len(cluster.items("pods")) == 1


def test_a_probe_that_cannot_connect_is_inconclusive(
    cluster: FakeKube, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_cluster(cluster)
    cluster.pod_script = PodScript(log=run_probe_script(9))  # nothing listens on the discard port
    assert run(write_project(tmp_path / "p")) == 2
    out = capsys.readouterr().out
    assert "0/3 connected (no HTTP answer)" in out and "PT593 warning" in out


def test_a_dedicated_elb_on_standard_probes_from_a_node_without_a_backend_pod(
    cluster: FakeKube, elb: StandIn, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_cluster(cluster, dedicated=True)
    cluster.pod_script = PodScript(log=run_probe_script(elb.port))
    assert run(write_project(tmp_path / "p")) == 0
    (create,) = cluster.calls("POST", r"/apis/batch/v1/namespaces/default/jobs")
    terms = create.json()["spec"]["template"]["spec"]["affinity"]["nodeAffinity"][
        "requiredDuringSchedulingIgnoredDuringExecution"
    ]["nodeSelectorTerms"]
    assert terms == [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["node-b"]}]}]
    assert "from node node-b" in capsys.readouterr().out


def test_a_dedicated_elb_with_backends_on_every_node_creates_no_probe(
    cluster: FakeKube, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_cluster(cluster, dedicated=True)
    cluster.add_backend_pod("default", "nginx-7c4c5cc6b5-xj5wl", {"app": "nginx"}, "node-b")
    assert run(write_project(tmp_path / "p")) == 2
    assert "PT595 warning" in capsys.readouterr().out
    assert cluster.calls("POST", r"/apis/batch/v1/namespaces/default/jobs") == []


def test_node_flag_places_the_probe_on_that_node(cluster: FakeKube, elb: StandIn, tmp_path: Path) -> None:
    seed_cluster(cluster)
    cluster.pod_script = PodScript(log=run_probe_script(elb.port))
    assert run(write_project(tmp_path / "p"), "--node", "node-a") == 0
    (create,) = cluster.calls("POST", r"/apis/batch/v1/namespaces/default/jobs")
    assert "node-a" in json.dumps(create.json()["spec"]["template"]["spec"]["affinity"])


def test_a_leftover_of_an_interrupted_run_is_found_and_removed(
    cluster: FakeKube, elb: StandIn, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_cluster(cluster)
    cluster.put(
        "jobs",
        {
            "metadata": {
                "name": "cce-passthrough-verify-old12",
                "namespace": "default",
                "labels": {
                    probe.LABEL_MANAGED_BY: probe.MANAGED_BY,
                    probe.LABEL_RUN: "earlier",
                    probe.LABEL_SERVICE: "nginx",
                },
            },
            "spec": {"template": {"spec": {"containers": [{"name": "probe", "image": "x"}]}}},
        },
    )
    cluster.pod_script = PodScript(log=run_probe_script(elb.port))
    assert run(write_project(tmp_path / "p")) == 0
    assert "PT596 info: nginx: Job default/cce-passthrough-verify-old12" in capsys.readouterr().out
    assert cluster.calls("DELETE", r"/apis/batch/v1/namespaces/default/jobs/cce-passthrough-verify-old12")
    assert cluster.items("jobs") == []


def test_no_secret_reaches_the_output(
    cluster: FakeKube, elb: StandIn, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_cluster(cluster)
    cluster.pod_script = PodScript(log=run_probe_script(elb.port))
    run(write_project(tmp_path / "p"))
    run(write_project(tmp_path / "p"), "--json")
    captured = capsys.readouterr()
    for secret in (ACCESS_KEY, SECRET_KEY, TOKEN):
        assert secret not in captured.out and secret not in captured.err


def test_progress_is_timestamped_lines_when_not_a_terminal(
    cluster: FakeKube, elb: StandIn, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_cluster(cluster)
    cluster.pod_script = PodScript(log=run_probe_script(elb.port))
    run(write_project(tmp_path / "p"))
    lines = capsys.readouterr().err.splitlines()
    assert lines and all(line[:9].count(":") == 2 and line[8] == " " for line in lines)
    assert any("deleting probe Job default/cce-passthrough-verify-" in line for line in lines)


def test_progress_on_a_terminal_rewrites_one_status_line() -> None:
    class Terminal:
        text = ""

        def isatty(self) -> bool:
            return True

        def write(self, text: str) -> None:
            self.text += text

        def flush(self) -> None:
            pass

    terminal = Terminal()
    display = verify_cli.ProgressDisplay(terminal)  # type: ignore[arg-type]
    display("probe pod: Pending")
    display("probe pod: Running\x1b]0;evil\x07")
    display.done()
    assert terminal.text == "\r\x1b[Kprobe pod: Pending\r\x1b[Kprobe pod: Running\\x1b]0;evil\\x07\r\x1b[K"


def test_ctrl_c_mid_run_deletes_the_probe_job(
    cluster: FakeKube, huawei_env: FakeHuaweiCloud, kubeconfig: Path, tmp_path: Path
) -> None:
    seed_cluster(cluster)
    cluster.pod_script = PodScript(phases=[(0.02, "Running"), (120, "Succeeded")])
    project = write_project(tmp_path / "p")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cce_passthrough",
            "verify",
            "--stack",
            "test",
            "--project",
            str(project),
            "--requests",
            "3",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert wait_until(
            lambda: (
                bool(cluster.items("pods", "default"))
                and any(
                    p["status"].get("phase") == "Running"
                    for p in cluster.items("pods", "default")
                    if p["metadata"]["name"].startswith("cce-")
                )
            ),
            timeout=60,
        )
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 2, err
    assert "interrupted; the probe Job of this run was deleted" in err
    assert cluster.calls("DELETE", r"/apis/batch/v1/namespaces/default/jobs/cce-passthrough-verify-\w+")
    assert cluster.items("jobs") == []


def _run_script(port: int, requests: int = 2) -> str:
    env = {"TARGET_HOST": "127.0.0.1", "TARGET_PORT": str(port), "REQUESTS": str(requests), "PAUSE": "0"}
    env.update(CONNECT_TIMEOUT="2", MAX_TIME="3", PATH=os.environ["PATH"])
    done = subprocess.run(
        ["/bin/sh", "-c", probe.SCRIPT], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout


def test_the_probe_counts_a_tcp_port_that_speaks_no_http_as_connected() -> None:
    import socket as sockets

    listener = sockets.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)

    def accept_and_close() -> None:
        for _ in range(2):
            connection, _ = listener.accept()
            connection.close()

    thread = threading.Thread(target=accept_and_close, daemon=True)
    thread.start()
    try:
        result = probe.parse_log(_run_script(listener.getsockname()[1]))
    finally:
        thread.join(timeout=5)
        listener.close()
    assert (result.complete, result.requests, result.connected, result.http) == (True, 2, 2, {})
    assert result.describe() == "2/2 connected (no HTTP answer)"


def test_a_probe_log_cut_short_still_counts_the_requests_it_made() -> None:
    log = (
        "some banner of the image\n"
        "cce-passthrough-probe request=1 connected=1 http=200 curl_exit=0\n"
        "cce-passthrough-probe request=2 connected=0 http=000 curl_exit=7\n"
    )
    result = probe.parse_log(log)
    assert (result.complete, result.attempted, result.connected, result.http) == (False, 2, 1, {"200": 1})
    assert result.curl_exits == {"0": 1, "7": 1}


def test_a_probe_job_that_cannot_be_deleted_is_reported_with_the_command_that_removes_it(
    cluster: FakeKube, elb: StandIn, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from live.fake_kube import status_response

    seed_cluster(cluster)
    cluster.pod_script = PodScript(log=run_probe_script(elb.port))
    cluster.fail(
        "DELETE",
        r"/apis/batch/v1/namespaces/default/jobs/[^/]+",
        status_response(500, "InternalError", "etcd timeout"),
    )
    assert run(write_project(tmp_path / "p")) == 0
    out = capsys.readouterr().out
    assert "PT597 error: nginx: Job default/cce-passthrough-verify-" in out
    assert "kubectl delete job -n default cce-passthrough-verify-" in out


def test_no_kubeconfig_stops_before_anything_with_the_fix(
    huawei_env: FakeHuaweiCloud, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(write_project(tmp_path / "p")) == 2
    err = capsys.readouterr().err
    assert (
        err.startswith("PT580 error: kubernetes: find a kubeconfig failed") and "Fix: Set KUBECONFIG" in err
    )


def test_an_unknown_service_is_refused(
    cluster: FakeKube, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(write_project(tmp_path / "p"), "--service", "nope") == 2
    assert "stack test has no service nope" in capsys.readouterr().err
