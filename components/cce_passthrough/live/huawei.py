"""Huawei Cloud through its official Python SDKs (`huaweicloudsdkcore` + one package per service):
credentials and region as the Pulumi provider takes them, one way to build every service client,
bounded timeouts, limited retries on throttling and server errors, and every failure as a `LiveError`.

    credentials = resolve_credentials(stack_secret=secrets.get)       # HW_* env or secret config
    cloud = HuaweiCloud(credentials)                                  # endpoint=... for tests
    response = cloud.call("cloud eye", "query ELB metrics",
                          lambda: cloud.ces().batch_list_metric_data_invoker(request))

Requests are signed by the SDK itself (SDK-HMAC-SHA256 over the canonical request, `X-Sdk-Date`,
`Authorization: SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...`). Neither key is ever
printed: `HuaweiCredentials` hides both in its repr, and error texts are scrubbed of them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from .errors import Failure, LiveError, clean, failure_for_status, retry_after_seconds
from .kube import Timeouts

# The names the Pulumi provider (and the Terraform provider under it) reads from the environment.
ENV_ACCESS_KEY = "HW_ACCESS_KEY"
ENV_SECRET_KEY = "HW_SECRET_KEY"
ENV_REGION = "HW_REGION_NAME"
ENV_PROJECT_ID = "HW_PROJECT_ID"
# One base URL for every service (a private endpoint, or the test servers on 127.0.0.1).
ENV_ENDPOINT = "CCE_PASSTHROUGH_HUAWEICLOUD_ENDPOINT"
_FIXES = {
    Failure.UNAUTHENTICATED: "Check that HW_ACCESS_KEY and HW_SECRET_KEY are one valid pair and this machine's "
    "clock is right.",
    Failure.FORBIDDEN: "Grant the IAM user the permission for this call (README, permissions).",
}


@dataclass(frozen=True)
class HuaweiCredentials:
    access_key: str = field(repr=False)
    secret_key: str = field(repr=False)
    region: str
    project_id: str | None
    origin: str  # where they came from, safe to print

    def secrets(self) -> tuple[str, str]:
        return (self.access_key, self.secret_key)


def _config_error(detail: str) -> LiveError:
    return LiveError(Failure.CONFIG, "huawei cloud", "find credentials", detail)


def resolve_credentials(
    *,
    stack_secret: Callable[[str], str | None] | None = None,
    stack_value: Callable[[str], str | None] | None = None,
    environ: Mapping[str, str] | None = None,
) -> HuaweiCredentials:
    """Stack config first (`huaweicloud:accessKey` / `secretKey` secrets, `region`, `projectId`), then
    the provider's environment variables, exactly the order the program's provider uses."""
    env = os.environ if environ is None else environ

    def pick(config_key: str, env_name: str, secret: bool) -> tuple[str | None, str | None]:
        reader = stack_secret if secret else stack_value
        value = reader(f"huaweicloud:{config_key}") if reader is not None else None
        if value:
            return value, "stack config"
        value = env.get(env_name) or None
        return value, (env_name if value else None)

    access_key, ak_from = pick("accessKey", ENV_ACCESS_KEY, True)
    secret_key, sk_from = pick("secretKey", ENV_SECRET_KEY, True)
    region, region_from = pick("region", ENV_REGION, False)
    project_id, _ = pick("projectId", ENV_PROJECT_ID, False)
    missing = [
        name
        for name, value in (
            (f"{ENV_ACCESS_KEY} (or huaweicloud:accessKey)", access_key),
            (f"{ENV_SECRET_KEY} (or huaweicloud:secretKey)", secret_key),
            (f"{ENV_REGION} (or huaweicloud:region)", region),
        )
        if not value
    ]
    if missing:
        raise _config_error("missing " + ", ".join(missing))
    assert access_key and secret_key and region
    origins = sorted({o for o in (ak_from, sk_from, region_from) if o})
    return HuaweiCredentials(access_key, secret_key, region, project_id, " + ".join(origins))


@dataclass(frozen=True)
class RetryPolicy:
    """Throttling (429) and server errors (5xx) are retried `attempts - 1` times with exponential
    backoff from `base_delay` seconds; everything else fails at once. A `Retry-After` the API sends is
    waited for when it is at most `max_retry_after` seconds; a longer one ends the retries at once
    (the finding says how long the API asked to wait)."""

    attempts: int = 3
    base_delay: float = 1.0
    max_delay: float = 10.0
    max_retry_after: float = 10.0


def _status_of(exc: BaseException) -> int | None:
    status = getattr(exc, "status_code", None)
    return int(status) if isinstance(status, int) else None


class HuaweiCloud:
    """Builds each service client once, the same way: credentials, region (or the endpoint
    override), `HttpConfig` timeouts, and no SDK-level retries (ours are in `call`)."""

    def __init__(
        self,
        credentials: HuaweiCredentials,
        *,
        timeouts: Timeouts | None = None,
        retry: RetryPolicy | None = None,
        endpoint: str | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        env = os.environ if environ is None else environ
        self.credentials = credentials
        self.timeouts = timeouts or Timeouts(connect=5.0, read=30.0)
        self.retry = retry or RetryPolicy()
        self.endpoint = endpoint or env.get(ENV_ENDPOINT) or None
        if self.endpoint is not None and urlparse(self.endpoint).scheme not in ("http", "https"):
            raise _config_error(f"{ENV_ENDPOINT} is not an http(s) URL")
        self._clients: dict[str, Any] = {}
        # The SDK's exceptions drop the response headers: the last Retry-After is noted on the way in.
        self.retry_after: float | None = None

    def _note_response(self, **kwargs: Any) -> None:
        response = kwargs.get("response")
        status = getattr(response, "status_code", None)
        if status == 429 or (isinstance(status, int) and status >= 500):
            self.retry_after = retry_after_seconds(response.headers.get("Retry-After"))  # type: ignore[union-attr]

    # -- clients -------------------------------------------------------------------------------------

    def _build(self, api: str, client_class: Any, region_class: Any) -> Any:
        from huaweicloudsdkcore.auth.credentials import BasicCredentials
        from huaweicloudsdkcore.exceptions.exceptions import SdkException
        from huaweicloudsdkcore.http.http_config import HttpConfig
        from huaweicloudsdkcore.http.http_handler import HttpHandler
        from huaweicloudsdkcore.region.region import Region

        if api in self._clients:
            return self._clients[api]
        creds = self.credentials
        sdk_credentials = BasicCredentials(creds.access_key, creds.secret_key, creds.project_id)
        http_config = HttpConfig.get_default_config()
        http_config.timeout = self.timeouts.pair()
        http_config.retry_times = 0
        if self.endpoint is not None:
            # Project discovery (no project id given) goes to IAM at the same base URL.
            sdk_credentials.with_iam_endpoint(self.endpoint)
            region = Region(creds.region, self.endpoint)
        else:
            try:
                region = region_class.value_of(creds.region)
            except KeyError:
                raise _config_error(f"{api} has no endpoint in region {creds.region!r}") from None
        builder = (
            client_class.new_builder()
            .with_http_config(http_config)
            .with_credentials(sdk_credentials)
            .with_region(region)
            .with_http_handler(HttpHandler().add_response_handler(self._note_response))
        )
        try:
            built = builder.build()
        except SdkException as exc:
            # building resolves the project id through IAM when none was given
            raise self._translate(exc, "iam", f"find the project of region {creds.region}") from None
        _answer_every_status(built, http_config)
        self._clients[api] = built
        return built

    def ces(self) -> Any:
        """Cloud Eye v1 (`BatchListMetricData`, `ShowMetricData`)."""
        from huaweicloudsdkces.v1 import CesClient
        from huaweicloudsdkces.v1.region.ces_region import CesRegion

        return self._build("cloud eye", CesClient, CesRegion)

    def cce(self) -> Any:
        """CCE v3 (`ShowCluster`, `ListNodes`)."""
        from huaweicloudsdkcce.v3 import CceClient
        from huaweicloudsdkcce.v3.region.cce_region import CceRegion

        return self._build("cce", CceClient, CceRegion)

    def elb(self) -> Any:
        """ELB v3, dedicated and shared load balancers (`ShowLoadBalancer`, `ListListeners`)."""
        from huaweicloudsdkelb.v3 import ElbClient
        from huaweicloudsdkelb.v3.region.elb_region import ElbRegion

        return self._build("elb", ElbClient, ElbRegion)

    # -- calls ---------------------------------------------------------------------------------------

    def _translate(self, exc: BaseException, api: str, operation: str) -> LiveError:
        import requests
        from huaweicloudsdkcore.exceptions import exceptions as sdk

        secrets = self.credentials.secrets()
        if isinstance(exc, LiveError):
            return exc
        if isinstance(exc, sdk.ServiceResponseException):
            status = int(exc.status_code)
            detail = clean(f"{exc.error_code}: {exc.error_msg}", secrets)
            failure = failure_for_status(status)
            wait = self.retry_after if failure in (Failure.THROTTLED, Failure.SERVER) else None
            fix = _FIXES.get(failure)
            if wait is not None and failure is Failure.THROTTLED:
                fix = f"Wait {wait:g} s, as the API asks, then run the command again."
            return LiveError(failure, api, operation, detail, status=status, fix=fix, retry_after=wait)
        if isinstance(
            exc, (sdk.RequestTimeoutException, requests.exceptions.Timeout, TimeoutError)
        ) or _timed_out(exc):
            return LiveError(Failure.TIMEOUT, api, operation, "no answer in time")
        if isinstance(exc, (sdk.ConnectionException, requests.exceptions.ConnectionError, OSError)):
            return LiveError(Failure.UNREACHABLE, api, operation, "cannot connect to the endpoint")
        if isinstance(exc, (ValueError, TypeError, KeyError, AttributeError, sdk.SdkException)):
            # the SDK raises these while deserializing an answer that is not the documented JSON
            return LiveError(Failure.MALFORMED, api, operation, "the answer is not the documented JSON")
        raise exc

    def call(self, api: str, operation: str, invoker: Callable[[], Any]) -> Any:
        """Run the SDK invoker `invoker()` returns, through the SDK's own retry machinery: 429 and 5xx
        are retried per the policy, then every failure leaves as a `LiveError`."""
        from huaweicloudsdkcore.exceptions import exceptions as sdk

        policy = self.retry

        def retry_when(_response: Any, exc: BaseException | None) -> bool:
            status = _status_of(exc) if isinstance(exc, sdk.ServiceResponseException) else None
            if status is None or not (status == 429 or status >= 500):
                return False
            return self.retry_after is None or self.retry_after <= policy.max_retry_after

        self.retry_after = None
        try:
            sdk_invoker = invoker()
            if policy.attempts > 1:
                sdk_invoker = sdk_invoker.with_retry(retry_when, policy.attempts - 1, _Backoff(policy, self))
            response = sdk_invoker.invoke()
        except Exception as exc:
            raise self._translate(exc, api, operation) from None
        _require_json(response, api, operation)
        return response

    def close(self) -> None:
        for built in self._clients.values():
            http_client = built.get_http_client()
            if http_client is not None:
                http_client.close()
        self._clients.clear()


def _answer_every_status(built: Any, http_config: Any) -> None:
    """The SDK's session makes urllib3 treat a 429 as a retry case even with no retries left: the
    answer then ends as "too many 429 error responses", its error code and Retry-After lost. A session
    adapter without that status list hands every answer back, so a 429 is the API's own error and
    `HuaweiCloud.call` retries it (or not) by its Retry-After."""
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    session = getattr(built.get_http_client(), "_session", None)
    if session is None:
        return
    adapter = HTTPAdapter(
        pool_connections=http_config.pool_connections,
        pool_maxsize=http_config.pool_maxsize,
        max_retries=Retry(total=0, read=False, respect_retry_after_header=False),
    )
    session.mount("https://", adapter)
    session.mount("http://", adapter)


def _timed_out(exc: BaseException) -> bool:
    """The SDK turns a read timeout into a `ConnectionException` carrying only text; the urllib3
    timeout is still in the chain it was raised from (requests' ConnectionError -> MaxRetryError)."""
    import urllib3

    timeouts = (urllib3.exceptions.ReadTimeoutError, urllib3.exceptions.ConnectTimeoutError)
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, urllib3.exceptions.NewConnectionError):
            return False  # a refusal subclasses ConnectTimeoutError in urllib3
        if isinstance(current, timeouts):
            return True
        for arg in current.args:
            reason = getattr(arg, "reason", None)
            if isinstance(reason, timeouts) and not isinstance(reason, urllib3.exceptions.NewConnectionError):
                return True
        current = current.__cause__ or current.__context__
    return False


def _require_json(response: Any, api: str, operation: str) -> None:
    """The SDK hands back an empty model when the body is not JSON (a proxy's HTML page); that is a
    malformed answer, not an empty one."""
    raw = getattr(response, "raw_content", None)
    if isinstance(raw, bytes) and raw.strip():
        try:
            json.loads(raw)
        except ValueError:
            raise LiveError(Failure.MALFORMED, api, operation, "the answer is not JSON") from None


class _Backoff:
    """The SDK's BackoffStrategy protocol (milliseconds), with our bounds; the API's own Retry-After
    when it sent one (`retry_when` has already refused one over the policy's bound)."""

    def __init__(self, policy: RetryPolicy, cloud: HuaweiCloud) -> None:
        self.policy = policy
        self.cloud = cloud

    def calculate_retry_delay_millis(self, retries: int) -> int:
        delay = min(self.policy.max_delay, self.policy.base_delay * (2 ** max(0, retries - 1)))
        if self.cloud.retry_after is not None:
            delay = self.cloud.retry_after
        return int(delay * 1000)
