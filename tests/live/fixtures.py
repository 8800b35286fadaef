"""Fixtures of the live tests, importable by other test packages (`from live.fixtures import *` in
their conftest.py): the fake servers, started and stopped per test on 127.0.0.1, a kubeconfig for the
fake cluster, Huawei credentials in the environment, and a guard that fails any test reaching for an
address other than loopback."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cce_passthrough.live.huawei import HuaweiCloud, HuaweiCredentials, RetryPolicy
from cce_passthrough.live.kube import Kube, Timeouts, connect, resolve_kubeconfig
from live.fake_huawei import ACCESS_KEY, PROJECT_ID, REGION, SECRET_KEY, FakeHuaweiCloud
from live.fake_kube import FakeKube

# The clients of the doctor's tests: short timeouts and retries, the fake servers answer at once.
FAST = Timeouts(connect=2.0, read=0.5)
NO_WAIT = RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.02)

_LOOPBACK = {"127.0.0.1", "::1", "localhost"}
_INHERITED = (
    "KUBECONFIG",
    "HW_ACCESS_KEY",
    "HW_SECRET_KEY",
    "HW_REGION_NAME",
    "HW_PROJECT_ID",
    "HW_SECURITY_TOKEN",
    "CCE_PASSTHROUGH_HUAWEICLOUD_ENDPOINT",
    "HUAWEICLOUD_SDK_IAM_ENDPOINT",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
)


@pytest.fixture(autouse=True)
def live_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Nothing inherited from the developer's shell: no kubeconfig, no keys, no proxies, no home."""
    for name in _INHERITED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> None:
        if isinstance(address, tuple) and address and str(address[0]) not in _LOOPBACK:
            raise AssertionError(f"test tried to reach non-loopback address {address[0]!r}")
        real_connect(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and str(host) not in _LOOPBACK:
            raise AssertionError(f"test tried to resolve non-loopback host {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture
def kube_server() -> Iterator[FakeKube]:
    server = FakeKube().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def kubeconfig(kube_server: FakeKube, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A kubeconfig for the fake cluster, also exported as KUBECONFIG."""
    path = kube_server.write_kubeconfig(tmp_path / "kubeconfig")
    monkeypatch.setenv("KUBECONFIG", str(path))
    return path


@pytest.fixture
def huawei_server() -> Iterator[FakeHuaweiCloud]:
    server = FakeHuaweiCloud().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def huawei_env(huawei_server: FakeHuaweiCloud, monkeypatch: pytest.MonkeyPatch) -> FakeHuaweiCloud:
    """The provider's variables for the fake endpoint's account, and the endpoint override."""
    monkeypatch.setenv("HW_ACCESS_KEY", ACCESS_KEY)
    monkeypatch.setenv("HW_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("HW_REGION_NAME", REGION)
    monkeypatch.setenv("HW_PROJECT_ID", PROJECT_ID)
    monkeypatch.setenv("CCE_PASSTHROUGH_HUAWEICLOUD_ENDPOINT", huawei_server.url)
    return huawei_server


@pytest.fixture
def kube(kubeconfig: Path) -> Iterator[Kube]:
    """The official kubernetes client on the fake cluster, as the live commands build it."""
    client = connect(resolve_kubeconfig(kubeconfig), FAST)
    yield client
    client.close()


@pytest.fixture
def cloud(huawei_server: FakeHuaweiCloud) -> Iterator[HuaweiCloud]:
    """Huawei's SDK clients on the fake cloud, signing every request."""
    credentials = HuaweiCredentials(ACCESS_KEY, SECRET_KEY, REGION, PROJECT_ID, "test")
    client = HuaweiCloud(credentials, timeouts=FAST, retry=NO_WAIT, endpoint=huawei_server.url)
    yield client
    client.close()
