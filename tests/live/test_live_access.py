"""The live-access layer: the official clients against the fake servers on 127.0.0.1, every failure
one coded `LiveError` with a fix, and no secret in any message."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from cce_passthrough.live.errors import LiveError
from cce_passthrough.live.huawei import HuaweiCloud, HuaweiCredentials, RetryPolicy, resolve_credentials
from cce_passthrough.live.kube import Kube, Timeouts, connect, resolve_kubeconfig
from cce_passthrough.live.stackconfig import StackSecrets
from live.fake_http import Response
from live.fake_huawei import ACCESS_KEY, PROJECT_ID, REGION, SECRET_KEY, FakeHuaweiCloud, huawei_error
from live.fake_kube import TOKEN, FakeKube, status_response

FAST = Timeouts(connect=2.0, read=0.5)
NO_WAIT = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02)


def _kube(kubeconfig: Path, timeouts: Timeouts = FAST) -> Kube:
    return connect(resolve_kubeconfig(kubeconfig), timeouts)


def _cloud(
    server: FakeHuaweiCloud, secret_key: str = SECRET_KEY, project: str | None = PROJECT_ID
) -> HuaweiCloud:
    credentials = HuaweiCredentials(ACCESS_KEY, secret_key, REGION, project, "test")
    return HuaweiCloud(credentials, timeouts=FAST, retry=NO_WAIT, endpoint=server.url)


def _metrics_request(elb_id: str = "elb-1", metrics: tuple[str, ...] = ("m4_ncps",)) -> Any:
    from huaweicloudsdkces.v1.model import (
        BatchListMetricDataRequest,
        BatchListMetricDataRequestBody,
        MetricInfo,
        MetricsDimension,
    )

    now = int(time.time() * 1000)
    body = BatchListMetricDataRequestBody(
        metrics=[
            MetricInfo(
                namespace="SYS.ELB",
                metric_name=name,
                dimensions=[MetricsDimension(name="lbaas_instance_id", value=elb_id)],
            )
            for name in metrics
        ],
        period="1",
        filter="average",
        _from=now - 5000,
        to=now,
    )
    return BatchListMetricDataRequest(body=body)


def _query(cloud: HuaweiCloud, request: Any = None) -> Any:
    request = request or _metrics_request()
    return cloud.call(
        "cloud eye", "query ELB metrics", lambda: cloud.ces().batch_list_metric_data_invoker(request)
    )


def _secret_runner(values: dict[str, str], calls: list[list[str]]) -> Any:
    def run(argv: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        calls.append(argv)
        key = argv[3]
        if key in values:
            return subprocess.CompletedProcess(argv, 0, values[key] + "\n", "")
        return subprocess.CompletedProcess(argv, 255, "", "error: configuration key not found")

    return run


def _project(tmp_path: Path, config: dict[str, Any]) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "Pulumi.yaml").write_text("name: cce-passthrough\nruntime: python\nstackConfigDir: stacks\n")
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "Pulumi.dev.yaml").write_text(json.dumps({"config": config}))
    return tmp_path


# -- kubeconfig ------------------------------------------------------------------------------------------


def test_kubeconfig_comes_from_the_explicit_file_first(
    kube_server: FakeKube, kubeconfig: Path, tmp_path: Path
) -> None:
    other = kube_server.write_kubeconfig(tmp_path / "other", token="x" * 20)
    source = resolve_kubeconfig(other)
    assert source.origin == f"--kubeconfig {other}"


def test_kubeconfig_from_the_stack_secret_wins_over_kubeconfig_env(
    kube_server: FakeKube, kubeconfig: Path, tmp_path: Path
) -> None:
    calls: list[list[str]] = []
    secret = kubeconfig.read_text()
    project = _project(tmp_path / "p", {"cce-passthrough:kubeconfig": {"secure": "v1:abc"}})
    stack = StackSecrets(
        project, "dev", runner=_secret_runner({"cce-passthrough:kubeconfig": secret}, calls), pulumi="pulumi"
    )
    source = resolve_kubeconfig(stack_secret=lambda: stack.secret("cce-passthrough:kubeconfig"))
    assert source.origin == "stack config cce-passthrough:kubeconfig"
    assert calls == [
        ["pulumi", "config", "get", "cce-passthrough:kubeconfig", "--stack", "dev", "--cwd", str(project)]
    ]
    kube = connect(source, FAST)
    assert kube.call("read the version", kube.version.get_code).git_version == "v1.28.3-r0"


def test_kubeconfig_env_lists_files_merged_as_kubectl_does(
    kube_server: FakeKube, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = kube_server.write_kubeconfig(tmp_path / "a")
    decoy = json.loads(first.read_text())
    decoy["clusters"][0]["cluster"]["server"] = "http://127.0.0.1:9"
    decoy["current-context"] = "fake"
    (tmp_path / "b").write_text(json.dumps(decoy))
    monkeypatch.setenv("KUBECONFIG", f"{first}:{tmp_path / 'b'}:{tmp_path / 'missing'}")
    kube = connect(resolve_kubeconfig(), FAST)
    assert kube.host == kube_server.url


def test_kubeconfig_falls_back_to_home(kube_server: FakeKube, tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".kube").mkdir(parents=True)
    kube_server.write_kubeconfig(home / ".kube" / "config")
    assert resolve_kubeconfig(home=home).origin == "~/.kube/config"


def test_no_kubeconfig_anywhere_is_a_config_error_with_a_fix(tmp_path: Path) -> None:
    with pytest.raises(LiveError) as caught:
        resolve_kubeconfig(home=tmp_path)
    assert caught.value.code == "PT580"
    assert "KUBECONFIG" in caught.value.fix


@pytest.mark.parametrize(
    "text", ["{not: [yaml", "just a string", json.dumps({"users": []}), "x" * (1 << 20 + 1)]
)
def test_a_kubeconfig_that_is_not_one_is_refused_cleanly(tmp_path: Path, text: str) -> None:
    path = tmp_path / "kubeconfig"
    path.write_text(text)
    with pytest.raises(LiveError) as caught:
        resolve_kubeconfig(path)
    assert caught.value.code == "PT580"
    assert len(caught.value.message) < 400


def test_a_secret_that_cannot_be_decrypted_says_why_without_the_value(tmp_path: Path) -> None:
    project = _project(tmp_path, {"cce-passthrough:kubeconfig": {"secure": "v1:abc"}})
    stack = StackSecrets(project, "dev", runner=_secret_runner({}, []), pulumi="pulumi")
    with pytest.raises(LiveError) as caught:
        stack.secret("cce-passthrough:kubeconfig")
    assert caught.value.code == "PT580"
    assert "configuration key not found" in caught.value.message


# -- kubernetes calls ------------------------------------------------------------------------------------


def test_lists_filter_by_label_selector_and_watch_streams_events(
    kube_server: FakeKube, kubeconfig: Path
) -> None:
    kube_server.add_node("node-a")
    kube_server.add_backend_pod("default", "nginx-1", {"app": "nginx"}, "node-a")
    kube_server.add_backend_pod("default", "other-1", {"app": "other"}, "node-a")
    kube = _kube(kubeconfig)
    pods = kube.call("list pods", kube.core.list_namespaced_pod, "default", label_selector="app=nginx")
    assert [p.metadata.name for p in pods.items] == ["nginx-1"]
    seen = []
    for event in kube.watch(
        "watch pods", kube.core.list_namespaced_pod, "default", timeout=2, label_selector="app in (nginx)"
    ):
        seen.append((event["type"], event["object"].metadata.name))
        if len(seen) == 1:
            kube_server.add_backend_pod("default", "nginx-2", {"app": "nginx"}, "node-a")
        else:
            break
    assert seen == [("ADDED", "nginx-1"), ("ADDED", "nginx-2")]


def test_jobs_are_created_listed_by_label_and_deleted_with_their_pods(
    kube_server: FakeKube, kubeconfig: Path
) -> None:
    from kubernetes import client

    kube_server.add_node("node-a")
    kube_server.pod_script.log = "hello\n"
    kube = _kube(kubeconfig)
    job = client.V1Job(
        metadata=client.V1ObjectMeta(generate_name="probe-", labels={"owner": "test"}),
        spec=client.V1JobSpec(
            backoff_limit=0,
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels={"owner": "test"}),
                spec=client.V1PodSpec(
                    restart_policy="Never", containers=[client.V1Container(name="probe", image="busybox")]
                ),
            ),
        ),
    )
    created = kube.call("create job", kube.batch.create_namespaced_job, "default", job)
    name = created.metadata.name
    assert name.startswith("probe-")
    listed = kube.call("list jobs", kube.batch.list_job_for_all_namespaces, label_selector="owner=test")
    assert [j.metadata.name for j in listed.items] == [name]
    for event in kube.watch(
        "watch pods", kube.core.list_namespaced_pod, "default", timeout=3, label_selector=f"job-name={name}"
    ):
        if event["object"].status.phase == "Succeeded":
            pod = event["object"].metadata.name
            break
    assert kube.pod_log("default", pod) == "hello\n"
    kube.call(
        "delete job",
        kube.batch.delete_namespaced_job,
        name,
        "default",
        body=client.V1DeleteOptions(propagation_policy="Background"),
    )
    assert kube_server.items("jobs") == [] and kube_server.items("pods") == []
    (delete,) = kube_server.calls("DELETE", rf"/apis/batch/v1/namespaces/default/jobs/{name}")
    assert delete.json()["propagationPolicy"] == "Background"


@pytest.mark.parametrize(
    ("status", "reason", "code"),
    [
        (403, "Forbidden", "PT583"),
        (404, "NotFound", "PT584"),
        (429, "TooManyRequests", "PT585"),
        (500, "InternalError", "PT586"),
        (409, "AlreadyExists", "PT589"),
    ],
)
def test_api_errors_map_to_one_code_each(
    kube_server: FakeKube, kubeconfig: Path, status: int, reason: str, code: str
) -> None:
    kube_server.fail(
        "GET", r"/api/v1/nodes", status_response(status, reason, f"{reason.lower()} by the test")
    )
    kube = _kube(kubeconfig)
    with pytest.raises(LiveError) as caught:
        kube.call("list nodes", kube.core.list_node)
    assert (caught.value.code, caught.value.status) == (code, status)
    assert f"{reason.lower()} by the test" in caught.value.message


def test_a_wrong_token_is_unauthenticated_and_never_echoed(kube_server: FakeKube, tmp_path: Path) -> None:
    wrong = "wrong-token-that-must-not-leak"
    kube = _kube(kube_server.write_kubeconfig(tmp_path / "kc", token=wrong))
    with pytest.raises(LiveError) as caught:
        kube.call("list nodes", kube.core.list_node)
    assert caught.value.code == "PT582"
    assert wrong not in caught.value.render() and TOKEN not in caught.value.render()
    assert "kubeconfig" in caught.value.fix


def test_a_server_that_does_not_answer_in_time_is_a_timeout(kube_server: FakeKube, kubeconfig: Path) -> None:
    kube_server.hang("GET", r"/api/v1/nodes", seconds=3)
    kube = _kube(kubeconfig, Timeouts(connect=1.0, read=0.3))
    started = time.monotonic()
    with pytest.raises(LiveError) as caught:
        kube.call("list nodes", kube.core.list_node)
    assert caught.value.code == "PT587"
    assert time.monotonic() - started < 2.5


def test_nothing_listening_is_unreachable(kube_server: FakeKube, tmp_path: Path) -> None:
    path = kube_server.write_kubeconfig(tmp_path / "kc")
    config = json.loads(path.read_text())
    config["clusters"][0]["cluster"]["server"] = "http://127.0.0.1:9"  # discard port: nothing listens
    path.write_text(json.dumps(config))
    kube = _kube(path)
    with pytest.raises(LiveError) as caught:
        kube.call("list nodes", kube.core.list_node)
    assert caught.value.code == "PT581"


def test_an_html_page_instead_of_json_is_malformed(kube_server: FakeKube, kubeconfig: Path) -> None:
    kube_server.fail(
        "GET", r"/api/v1/nodes", Response(200, b"<html>login</html>", {"Content-Type": "text/html"})
    )
    kube = _kube(kubeconfig)
    with pytest.raises(LiveError) as caught:
        kube.call("list nodes", kube.core.list_node)
    assert caught.value.code == "PT588"


# -- huawei cloud ----------------------------------------------------------------------------------------


def test_cloud_eye_calls_are_signed_and_the_signature_verifies(huawei_server: FakeHuaweiCloud) -> None:
    huawei_server.cloud_eye.connect("elb-1", 2, at=time.time() - 2)
    response = _query(_cloud(huawei_server))
    assert huawei_server.rejected == []
    (call,) = huawei_server.calls("POST", rf"/V1.0/{PROJECT_ID}/batch-query-metric-data")
    assert call.headers["authorization"].startswith(f"SDK-HMAC-SHA256 Access={ACCESS_KEY}, SignedHeaders=")
    assert "x-sdk-date" in call.headers
    total = sum(p.average for p in response.metrics[0].datapoints) * huawei_server.cloud_eye.interval
    assert round(total) == 2


def test_show_metric_data_is_served_as_the_sdk_calls_it(huawei_server: FakeHuaweiCloud) -> None:
    from huaweicloudsdkces.v1.model import ShowMetricDataRequest

    cloud = _cloud(huawei_server)
    now = int(time.time() * 1000)
    request = ShowMetricDataRequest(
        namespace="SYS.ELB",
        metric_name="m1_cps",
        dim_0="lbaas_instance_id,elb-1",
        filter="average",
        period=1,
        _from=now - 2000,
        to=now,
    )
    response = cloud.call("cloud eye", "show metric", lambda: cloud.ces().show_metric_data_invoker(request))
    assert response.metric_name == "m1_cps" and response.datapoints
    assert huawei_server.rejected == []


def test_an_unsigned_call_is_rejected_with_huaweis_error_shape(huawei_server: FakeHuaweiCloud) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(f"{huawei_server.url}/V1.0/{PROJECT_ID}/metric-data?namespace=SYS.ELB")
    with pytest.raises(urllib.error.HTTPError) as caught:
        opener.open(request, timeout=5)
    assert caught.value.code == 401
    body = json.loads(caught.value.read())
    assert body["error_code"] == "APIGW.0301" and set(body) == {"error_msg", "error_code", "request_id"}


def test_a_wrong_secret_key_fails_the_signature_and_no_key_is_printed(huawei_server: FakeHuaweiCloud) -> None:
    wrong = "wrong-secret-key-that-must-not-leak"
    with pytest.raises(LiveError) as caught:
        _query(_cloud(huawei_server, secret_key=wrong))
    assert caught.value.code == "PT582"
    assert wrong not in caught.value.render() and ACCESS_KEY not in caught.value.render()
    assert [why for _, why in huawei_server.rejected] == ["signature mismatch"]


def test_the_project_id_is_found_through_iam_when_not_given(huawei_server: FakeHuaweiCloud) -> None:
    _query(_cloud(huawei_server, project=None))
    (lookup,) = huawei_server.calls("GET", r"/v3/projects")
    assert lookup.arg("name") == REGION
    assert huawei_server.rejected == []


def test_throttling_is_retried_a_limited_number_of_times(huawei_server: FakeHuaweiCloud) -> None:
    path = rf"/V1.0/{PROJECT_ID}/batch-query-metric-data"
    huawei_server.fail(
        "POST", path, huawei_error(429, "APIGW.0308", "The throttling threshold has been reached"), times=2
    )
    _query(_cloud(huawei_server))
    assert len(huawei_server.calls("POST", path)) == 3
    huawei_server.fail(
        "POST", path, huawei_error(429, "APIGW.0308", "The throttling threshold has been reached"), times=5
    )
    with pytest.raises(LiveError) as caught:
        _query(_cloud(huawei_server))
    assert caught.value.code == "PT585" and "APIGW.0308" in caught.value.message
    assert len(huawei_server.calls("POST", path)) == 6


@pytest.mark.parametrize(
    ("response", "code"),
    [
        (huawei_error(500, "ces.0500", "internal error"), "PT586"),
        (huawei_error(403, "ces.0015", "Policy doesn't allow ces:metricData:list"), "PT583"),
        (huawei_error(400, "ces.0014", "Some content in message body is incorrect"), "PT589"),
        (Response(200, b"<html>proxy</html>", {"Content-Type": "text/html"}), "PT588"),
    ],
)
def test_cloud_eye_failures_map_to_one_code_each(
    huawei_server: FakeHuaweiCloud, response: Response, code: str
) -> None:
    huawei_server.fail("POST", rf"/V1.0/{PROJECT_ID}/batch-query-metric-data", response, times=3)
    with pytest.raises(LiveError) as caught:
        _query(_cloud(huawei_server))
    assert caught.value.code == code


def test_a_hanging_endpoint_is_a_timeout(huawei_server: FakeHuaweiCloud) -> None:
    huawei_server.hang("POST", rf"/V1.0/{PROJECT_ID}/batch-query-metric-data", seconds=3)
    with pytest.raises(LiveError) as caught:
        _query(_cloud(huawei_server))
    assert caught.value.code == "PT587"


def test_an_endpoint_nobody_listens_on_is_unreachable() -> None:
    cloud = HuaweiCloud(
        HuaweiCredentials(ACCESS_KEY, SECRET_KEY, REGION, PROJECT_ID, "test"),
        timeouts=FAST,
        endpoint="http://127.0.0.1:9",
    )
    with pytest.raises(LiveError) as caught:
        _query(cloud)
    assert caught.value.code == "PT581"


def test_credentials_come_from_the_providers_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HW_ACCESS_KEY", ACCESS_KEY)
    monkeypatch.setenv("HW_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("HW_REGION_NAME", REGION)
    credentials = resolve_credentials()
    assert (credentials.region, credentials.project_id) == (REGION, None)
    assert ACCESS_KEY not in repr(credentials) and SECRET_KEY not in repr(credentials)


def test_secret_stack_config_wins_over_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HW_ACCESS_KEY", "env-access-key")
    monkeypatch.setenv("HW_SECRET_KEY", "env-secret-key")
    project = _project(
        tmp_path,
        {
            "huaweicloud:region": "cn-east-3",
            "huaweicloud:accessKey": {"secure": "v1:a"},
            "huaweicloud:secretKey": {"secure": "v1:b"},
        },
    )
    stack = StackSecrets(
        project,
        "dev",
        runner=_secret_runner({"huaweicloud:accessKey": ACCESS_KEY, "huaweicloud:secretKey": SECRET_KEY}, []),
        pulumi="pulumi",
    )
    credentials = resolve_credentials(stack_secret=stack.secret, stack_value=stack.value)
    assert (credentials.access_key, credentials.secret_key, credentials.region) == (
        ACCESS_KEY,
        SECRET_KEY,
        "cn-east-3",
    )
    assert credentials.origin == "stack config"


def test_missing_credentials_name_what_is_missing_and_nothing_else() -> None:
    with pytest.raises(LiveError) as caught:
        resolve_credentials(environ={"HW_ACCESS_KEY": "only-the-access-key-1234"})
    assert caught.value.code == "PT580"
    assert "HW_SECRET_KEY" in caught.value.message and "HW_REGION_NAME" in caught.value.message
    assert "only-the-access-key-1234" not in caught.value.render()


def test_an_unknown_region_without_an_endpoint_is_a_config_error() -> None:
    cloud = HuaweiCloud(
        HuaweiCredentials(ACCESS_KEY, SECRET_KEY, "xx-nowhere-1", PROJECT_ID, "test"), environ={}
    )
    with pytest.raises(LiveError) as caught:
        cloud.ces()
    assert caught.value.code == "PT580"


def test_every_service_client_is_built_the_same_way(huawei_server: FakeHuaweiCloud) -> None:
    cloud = _cloud(huawei_server)
    for client in (cloud.ces(), cloud.cce(), cloud.elb()):
        assert client.get_http_client().config.timeout == FAST.pair()
    cloud.close()
