"""The cluster through the official `kubernetes` client: one place that finds the kubeconfig, builds
the client with bounded timeouts and retries, and turns every failure into a `LiveError`.

    source = resolve_kubeconfig(explicit=None, stack_secret=secrets.get)   # file > secret > KUBECONFIG
    kube = connect(source)
    pods = kube.call("list pods in default", kube.core.list_namespaced_pod, "default", label_selector="app=x")
    for event in kube.watch("watch pods in default", kube.core.list_namespaced_pod, "default", timeout=30):
        event["type"], event["object"]          # ADDED / MODIFIED / DELETED, a V1Pod

The kubeconfig's contents are secrets: they are read, never printed; errors name where it came from.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

from .errors import Failure, LiveError, clean, failure_for_status, mask_library_logs, retry_after_seconds

API = "kubernetes"
# The API server answers 429 (API Priority and Fairness) before doing anything, so the call is retried
# whatever it is, this many times, after the Retry-After it sends when that is at most the bound (no
# Retry-After, no retry: nothing says when to come back).
THROTTLE_RETRIES = 2
MAX_RETRY_AFTER = 10.0
_MAX_KUBECONFIG_BYTES = 1 << 20
T = TypeVar("T")
_FIXES = {
    Failure.UNAUTHENTICATED: "Download a fresh kubeconfig from the CCE console (or renew its token) and use it.",
    Failure.FORBIDDEN: "Grant the kubeconfig's user the RBAC permission for this call (README, permissions).",
}


@dataclass(frozen=True)
class Timeouts:
    """Seconds. `connect` bounds the TCP/TLS handshake, `read` each wait for bytes of an answer."""

    connect: float = 5.0
    read: float = 30.0

    def pair(self) -> tuple[float, float]:
        return (self.connect, self.read)


@dataclass(frozen=True)
class KubeconfigSource:
    """A parsed kubeconfig and where it came from (`origin` is safe to print, `config` is not)."""

    origin: str
    config: Mapping[str, Any] = field(repr=False)
    # every token and key in the file, so that no error message can echo one
    secrets: tuple[str, ...] = field(default=(), repr=False)


def _config_error(origin: str, detail: str) -> LiveError:
    return LiveError(Failure.CONFIG, API, f"read the kubeconfig ({origin})", detail)


def _secret_values(config: Mapping[str, Any]) -> tuple[str, ...]:
    found: list[str] = []
    for entry in config.get("users") or []:
        user = entry.get("user") if isinstance(entry, Mapping) else None
        if isinstance(user, Mapping):
            for key in ("token", "client-key-data", "client-certificate-data", "password"):
                value = user.get(key)
                if isinstance(value, str) and len(value) >= 8:
                    found.append(value)
    return tuple(found)


def parse_kubeconfig(text: str, origin: str) -> KubeconfigSource:
    if len(text.encode()) > _MAX_KUBECONFIG_BYTES:
        raise _config_error(origin, "larger than 1 MiB, not a kubeconfig")
    try:
        config = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise _config_error(origin, f"not valid YAML{where}") from None
    if not isinstance(config, dict) or not isinstance(config.get("clusters"), list):
        raise _config_error(origin, "not a kubeconfig (no clusters list)")
    return KubeconfigSource(origin, config, _secret_values(config))


def _read_file(path: Path, origin: str) -> KubeconfigSource:
    try:
        with path.open("rb") as handle:
            data = handle.read(_MAX_KUBECONFIG_BYTES + 1)
    except OSError as exc:
        raise _config_error(origin, exc.strerror or type(exc).__name__) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise _config_error(origin, "not UTF-8 text") from None
    return parse_kubeconfig(text, origin)


def _merge(sources: list[KubeconfigSource], origin: str) -> KubeconfigSource:
    """kubectl's rule for a KUBECONFIG list: the first file to name a cluster, user or context wins,
    and so does the first current-context."""
    merged: dict[str, Any] = {"clusters": [], "users": [], "contexts": []}
    for source in sources:
        for section in ("clusters", "users", "contexts"):
            names = {e.get("name") for e in merged[section]}
            merged[section] += [
                e
                for e in source.config.get(section) or []
                if isinstance(e, dict) and e.get("name") not in names
            ]
        if "current-context" not in merged and source.config.get("current-context"):
            merged["current-context"] = source.config["current-context"]
    return KubeconfigSource(origin, merged, tuple(s for src in sources for s in src.secrets))


def resolve_kubeconfig(
    explicit: Path | None = None,
    *,
    stack_secret: Callable[[], str | None] | None = None,
    environ: Mapping[str, str] | None = None,
    home: Path | None = None,
) -> KubeconfigSource:
    """The kubeconfig the Pulumi program would use: an explicit file first, then the stack's secret
    `cce-passthrough:kubeconfig`, then KUBECONFIG (a path list, merged as kubectl does), then
    ~/.kube/config."""
    env = os.environ if environ is None else environ
    if explicit is not None:
        return _read_file(explicit, f"--kubeconfig {explicit}")
    if stack_secret is not None:
        text = stack_secret()
        if text:
            return parse_kubeconfig(text, "stack config cce-passthrough:kubeconfig")
    listed = [p for p in env.get("KUBECONFIG", "").split(os.pathsep) if p]
    if listed:
        existing = [Path(p) for p in listed if Path(p).exists()]
        if not existing:
            raise _config_error("KUBECONFIG", "none of its files exists")
        return _merge([_read_file(p, "KUBECONFIG") for p in existing], "KUBECONFIG")
    default = (home if home is not None else Path.home()) / ".kube" / "config"
    if default.exists():
        return _read_file(default, "~/.kube/config")
    raise LiveError(
        Failure.CONFIG,
        API,
        "find a kubeconfig",
        "no --kubeconfig, no cce-passthrough:kubeconfig in the stack, no KUBECONFIG and no ~/.kube/config",
    )


def _status_detail(body: Any) -> str:
    """The `message` of a Kubernetes Status body, or nothing (never the raw body: it may be HTML)."""
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str):
        try:
            parsed = json.loads(body)
        except ValueError:
            return ""
        if isinstance(parsed, dict) and isinstance(parsed.get("message"), str):
            return str(parsed["message"])
    return ""


class Kube:
    """The typed API groups plus `call` / `watch`, which add the timeouts and translate failures."""

    def __init__(self, api_client: Any, source: KubeconfigSource, timeouts: Timeouts) -> None:
        from kubernetes import client

        self.api_client = api_client
        self.source = source
        self.timeouts = timeouts
        self.core = client.CoreV1Api(api_client)
        self.apps = client.AppsV1Api(api_client)
        self.batch = client.BatchV1Api(api_client)
        self.networking = client.NetworkingV1Api(api_client)
        self.version = client.VersionApi(api_client)

    @property
    def host(self) -> str:
        return str(self.api_client.configuration.host)

    def translate(self, exc: BaseException, operation: str) -> LiveError:
        import urllib3
        from kubernetes.client.exceptions import ApiException, ApiTypeError, ApiValueError

        secrets = self.source.secrets
        if isinstance(exc, LiveError):
            return exc
        if isinstance(exc, ApiException):
            status = int(exc.status or 0)
            if status == 0:
                # the client raises status-less ApiExceptions for transport problems it wraps itself
                return LiveError(Failure.UNREACHABLE, API, operation, clean(str(exc.reason), secrets))
            detail = _status_detail(exc.body) or str(exc.reason or "")
            failure = failure_for_status(status)
            headers = exc.headers or {}
            wait = retry_after_seconds(headers.get("Retry-After")) if failure is Failure.THROTTLED else None
            fix = _FIXES.get(failure)
            if wait is not None:
                fix = f"Wait {wait:g} s, as the API server asks, then run the command again."
            return LiveError(
                failure, API, operation, clean(detail, secrets), status=status, fix=fix, retry_after=wait
            )
        if isinstance(exc, (urllib3.exceptions.ReadTimeoutError, urllib3.exceptions.ConnectTimeoutError)):
            return LiveError(Failure.TIMEOUT, API, operation, f"no answer from {self.host} in time")
        if isinstance(exc, TimeoutError | socket.timeout):
            return LiveError(Failure.TIMEOUT, API, operation, f"no answer from {self.host} in time")
        if isinstance(exc, urllib3.exceptions.MaxRetryError):
            reason = exc.reason
            # NewConnectionError subclasses ConnectTimeoutError in urllib3: a refusal is no timeout
            if isinstance(reason, urllib3.exceptions.NewConnectionError):
                return LiveError(Failure.UNREACHABLE, API, operation, f"cannot connect to {self.host}")
            if isinstance(
                reason, (urllib3.exceptions.ReadTimeoutError, urllib3.exceptions.ConnectTimeoutError)
            ):
                return LiveError(Failure.TIMEOUT, API, operation, f"no answer from {self.host} in time")
            return LiveError(Failure.UNREACHABLE, API, operation, f"cannot connect to {self.host}")
        if isinstance(exc, (urllib3.exceptions.HTTPError, ConnectionError, OSError)):
            return LiveError(Failure.UNREACHABLE, API, operation, f"connection to {self.host} failed")
        if isinstance(exc, (ApiTypeError, ApiValueError, ValueError, TypeError, KeyError, AttributeError)):
            return LiveError(Failure.MALFORMED, API, operation, "the answer is not a valid API object")
        raise exc

    def call(self, operation: str, method: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`method(*args, **kwargs)` with the request timeout; any failure as a `LiveError`."""
        import time

        kwargs.setdefault("_request_timeout", self.timeouts.pair())
        for attempt in range(THROTTLE_RETRIES + 1):
            try:
                return method(*args, **kwargs)
            except Exception as exc:
                error = self.translate(exc, operation)
            wait = error.retry_after
            if error.failure is not Failure.THROTTLED or attempt == THROTTLE_RETRIES:
                break
            if wait is None or wait > MAX_RETRY_AFTER:
                break
            time.sleep(wait)
        raise error

    def watch(
        self, operation: str, method: Callable[..., Any], *args: Any, timeout: float, **kwargs: Any
    ) -> Iterator[dict[str, Any]]:
        """Watch events of a list call (`{"type", "object"}`, objects deserialized) for at most
        `timeout` seconds on the server side, each read bounded by the client-side timeout too."""
        from kubernetes import watch

        watcher = watch.Watch()
        kwargs.setdefault("_request_timeout", (self.timeouts.connect, max(self.timeouts.read, timeout + 5)))
        stream = watcher.stream(method, *args, timeout_seconds=max(1, int(timeout)), **kwargs)
        try:
            while True:
                try:
                    event = next(stream)
                except StopIteration:
                    return
                except Exception as exc:
                    raise self.translate(exc, operation) from None
                if event.get("type") == "ERROR":
                    raw = event.get("raw_object") or {}
                    code = int(raw.get("code") or 500) if isinstance(raw, dict) else 500
                    detail = str(raw.get("message", "")) if isinstance(raw, dict) else ""
                    raise LiveError(failure_for_status(code), API, operation, detail, status=code)
                yield event
        finally:
            watcher.stop()

    def pod_log(
        self, namespace: str, name: str, *, container: str | None = None, limit_bytes: int = 65536
    ) -> str:
        """A pod's log as text, at most `limit_bytes`. Read raw: the client's own decoding of a `str`
        answer turns bytes into their repr (`"b'...'"`), and parses a log that happens to be JSON."""
        operation = f"read the log of pod {namespace}/{name}"
        kwargs: dict[str, Any] = {"limit_bytes": limit_bytes, "_preload_content": False}
        if container:
            kwargs["container"] = container
        response = self.call(operation, self.core.read_namespaced_pod_log, name, namespace, **kwargs)
        try:
            data = response.data
        except Exception as exc:
            raise self.translate(exc, operation) from None
        return bytes(data[:limit_bytes]).decode("utf-8", "replace")

    def close(self) -> None:
        self.api_client.close()


def connect(source: KubeconfigSource, timeouts: Timeouts | None = None, *, connect_retries: int = 1) -> Kube:
    """A client for the kubeconfig's current context. Only failed connection attempts are retried
    (`connect_retries`): a read that timed out or an answered request is never sent twice, since
    creating a Job twice is not harmless."""
    import urllib3
    from kubernetes import client, config
    from kubernetes.config.config_exception import ConfigException

    # The client logs every response body at DEBUG, and a server may echo the token in one.
    mask_library_logs(source.secrets, "kubernetes.client.rest", "urllib3.connectionpool")
    configuration = client.Configuration()
    try:
        config.load_kube_config_from_dict(
            dict(source.config), client_configuration=configuration, persist_config=False
        )
    except (ConfigException, ValueError, TypeError, KeyError, AttributeError, OSError) as exc:
        raise _config_error(source.origin, clean(str(exc), source.secrets) or type(exc).__name__) from None
    configuration.retries = urllib3.Retry(
        total=connect_retries,
        connect=connect_retries,
        read=0,
        status=0,
        other=0,
        redirect=0,
        # a 429 or 503 with Retry-After would otherwise end as "too many retries", its answer lost;
        # `Kube.call` waits for it itself, within its bound
        respect_retry_after_header=False,
    )
    return Kube(client.ApiClient(configuration), source, timeouts or Timeouts())
