"""No part of a secret reaches what `doctor`, `adopt` and `verify` print, log or raise, even when the
servers echo the credentials back: the fake cluster answers 401 quoting part of the bearer token, the
fake Huawei Cloud answers 401 quoting parts of the access and secret keys. Tracebacks on
(CCE_PASSTHROUGH_TRACEBACK=1), every log record at DEBUG captured."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from cce_passthrough.cli import verify as verify_cli
from cce_passthrough.cli.main import main
from cce_passthrough.live.huawei import RetryPolicy
from cce_passthrough.live.kube import Timeouts
from helpers import ROOT
from live.fake_huawei import ACCESS_KEY, SECRET_KEY, FakeHuaweiCloud, huawei_error
from live.fake_kube import TOKEN, FakeKube, status_response
from live.test_doctor_cli import STACK
from live.test_verify import seed_cluster, write_project

# The parts a server could echo: a token's middle, the first characters of each key (each with digits:
# a run of one case of letters only is not masked as a part, see core/secrets.py).
TOKEN_PART = TOKEN[10:26]
ACCESS_PART = ACCESS_KEY[4:16]
SECRET_PART = SECRET_KEY[12:28]
CANARIES = (TOKEN, ACCESS_KEY, SECRET_KEY, TOKEN_PART, ACCESS_PART, SECRET_PART)


def _echoing(kube: FakeKube | None, huawei: FakeHuaweiCloud | None) -> None:
    if kube is not None:
        message = f"Unauthorized: bearer token ...{TOKEN_PART}... has expired"
        kube.fail("GET", r"/.*", status_response(401, "Unauthorized", message), times=1000)
        kube.fail("POST", r"/.*", status_response(401, "Unauthorized", message), times=1000)
    if huawei is not None:
        message = f"Incorrect IAM authentication information: ak {ACCESS_PART}, sk {SECRET_PART}..."
        huawei.fail("GET", r"/.*", huawei_error(401, "APIGW.0301", message), times=1000)
        huawei.fail("POST", r"/.*", huawei_error(401, "APIGW.0301", message), times=1000)


def _assert_no_canary(text: str) -> None:
    for canary in CANARIES:
        assert canary not in text


@pytest.fixture
def everything(caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> pytest.LogCaptureFixture:
    monkeypatch.setenv("CCE_PASSTHROUGH_TRACEBACK", "1")
    caplog.set_level(logging.DEBUG)
    return caplog


def _project(tmp_path: Path, stack: str) -> Path:
    directory = tmp_path / "project"
    (directory / "stacks").mkdir(parents=True)
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, directory / name)
    (directory / "stacks" / "Pulumi.dev.yaml").write_text(stack)
    return directory


@pytest.mark.parametrize("json_flag", [[], ["--json"]], ids=["text", "json"])
@pytest.mark.parametrize("echo", ["kube", "huawei"])
def test_doctor_never_prints_a_part_of_an_echoed_credential(
    kube_server: FakeKube,
    kubeconfig: Path,
    huawei_env: FakeHuaweiCloud,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    everything: pytest.LogCaptureFixture,
    echo: str,
    json_flag: list[str],
) -> None:
    _echoing(kube_server if echo == "kube" else None, huawei_env if echo == "huawei" else None)
    code = main(["doctor", "--stack", "dev", "--project", str(_project(tmp_path, STACK)), *json_flag])
    out, err = capsys.readouterr()
    assert code in (1, 2) and "401" in out + err  # the server's answer was read and reported
    _assert_no_canary(out + err + everything.text)


@pytest.mark.parametrize("json_flag", [[], ["--json"]], ids=["text", "json"])
def test_adopt_never_prints_a_part_of_an_echoed_token(
    json_flag: list[str],
    kube_server: FakeKube,
    kubeconfig: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    everything: pytest.LogCaptureFixture,
) -> None:
    _echoing(kube_server, None)
    project = _project(tmp_path, "config:\n  cce-passthrough:services: []\n")
    code = main(["adopt", "--service", "web", "--project", str(project), *json_flag])
    out, err = capsys.readouterr()
    assert code == 2 and "401" in out + err
    _assert_no_canary(out + err + everything.text)


@pytest.mark.parametrize("json_flag", [[], ["--json"]], ids=["text", "json"])
@pytest.mark.parametrize("echo", ["kube", "huawei"])
def test_verify_never_prints_a_part_of_an_echoed_credential(
    json_flag: list[str],
    kube_server: FakeKube,
    kubeconfig: Path,
    huawei_env: FakeHuaweiCloud,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    everything: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    echo: str,
) -> None:
    monkeypatch.setattr(verify_cli, "TIMEOUTS", Timeouts(connect=2.0, read=1.0))
    monkeypatch.setattr(verify_cli, "RETRY", RetryPolicy(attempts=1, base_delay=0.01, max_delay=0.02))
    seed_cluster(kube_server)
    _echoing(kube_server if echo == "kube" else None, huawei_env if echo == "huawei" else None)
    project = write_project(tmp_path / "p")
    code = main(
        [
            "verify",
            "--stack",
            "test",
            "--project",
            str(project),
            "--requests",
            "1",
            "--timeout",
            "5",
            *json_flag,
        ]
    )
    out, err = capsys.readouterr()
    assert code == 2 and "401" in out + err
    _assert_no_canary(out + err + everything.text)


@pytest.mark.parametrize("json_flag", [[], ["--json"]], ids=["text", "json"])
@pytest.mark.parametrize("echo", ["kube", "huawei"])
def test_preview_live_never_prints_a_part_of_an_echoed_credential(
    json_flag: list[str],
    kube_server: FakeKube,
    kubeconfig: Path,
    huawei_env: FakeHuaweiCloud,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    everything: pytest.LogCaptureFixture,
    echo: str,
) -> None:
    _echoing(kube_server if echo == "kube" else None, huawei_env if echo == "huawei" else None)
    project = _project(tmp_path, STACK)
    code = main(["preview", "--stack", "dev", "--project", str(project), "--live", *json_flag])
    out, err = capsys.readouterr()
    assert code in (1, 2) and "401" in out + err
    _assert_no_canary(out + err + everything.text)
