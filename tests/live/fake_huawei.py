"""A fake Huawei Cloud API endpoint for the official `huaweicloudsdk*` clients.

Every call must carry a valid SDK-HMAC-SHA256 signature: the server recomputes it from the request
it received with the test's access key and secret key (canonical request = method, canonical URI
with a trailing slash, sorted and encoded query, the signed headers' `name:value` lines, the
signed-header list, SHA-256 of the body; string to sign = algorithm, `X-Sdk-Date`, SHA-256 of the
canonical request; HMAC-SHA256 with the secret key). An unsigned, wrongly signed or stale call gets
Huawei's error JSON (`error_code` APIGW.0301 / APIGW.0101, `error_msg`, `request_id`) with 401.

Served (the paths and JSON the SDK sends and parses):
* IAM `GET /v3/projects?name=<region>` (the SDK's project discovery when no project id is given);
* Cloud Eye v1 `GET /V1.0/{project_id}/metric-data` (ShowMetricData) and
  `POST /V1.0/{project_id}/batch-query-metric-data` (BatchListMetricData);
* CCE v3 `GET /api/v3/projects/{project_id}/clusters[/{cluster_id}]` (ListClusters, ShowCluster), the
  clusters put with `add_cluster`;
* ELB v3 `GET /v3/{project_id}/elb/loadbalancers/{id}` (ShowLoadBalancer) and
  `GET /v3/{project_id}/elb/listeners?loadbalancer_id=...` (ListListeners), put with `add_elb`.

`CloudEye` holds the scripted connections per ELB; `route()` (from `FakeServer`) adds more APIs,
e.g. CCE `GET /api/v3/projects/{project_id}/clusters/{cluster_id}` or ELB v3 for the doctor.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote, unquote

from live.fake_http import FakeServer, Request, Response

ACCESS_KEY = "FAKEACCESSKEY0123456"
SECRET_KEY = "fake-secret-key-0123456789abcdefghijklmn"
PROJECT_ID = "0123456789abcdef0123456789abcdef"
REGION = "cn-north-4"
_EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
_AUTH = re.compile(r"SDK-HMAC-SHA256 Access=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]+)\Z")
_MAX_SKEW = 15 * 60


def huawei_error(status: int, code: str, message: str) -> Response:
    return Response(
        status,
        {"error_msg": message, "error_code": code, "request_id": uuid.uuid4().hex},
        {"X-Request-Id": uuid.uuid4().hex},
    )


def _encode(text: str) -> str:
    return quote(text, safe="~")


def canonical_request(request: Request, signed_headers: list[str]) -> str:
    segments = unquote(request.path).split("/")
    uri = "/".join(_encode(s) for s in segments)
    if not uri.endswith("/"):
        uri += "/"
    query = "&".join(f"{_encode(k)}={_encode(v)}" for k, v in sorted(request.query))
    headers = "".join(f"{name}:{request.headers.get(name, '').strip()}\n" for name in signed_headers)
    payload = request.headers.get("x-sdk-content-sha256") or (
        hashlib.sha256(request.body).hexdigest() if request.body else _EMPTY_SHA256
    )
    return "\n".join([request.method, uri, query, headers, ";".join(signed_headers), payload])


def verify_signature(request: Request, access_key: str, secret_key: str) -> str | None:
    """None when the request is correctly signed by `access_key`; otherwise why not."""
    authorization = request.headers.get("authorization")
    if not authorization:
        return "missing Authorization header"
    match = _AUTH.match(authorization)
    if not match:
        return "Authorization is not SDK-HMAC-SHA256"
    access, signed, signature = match.groups()
    if access != access_key:
        return "unknown access key"
    names = signed.split(";")
    if "x-sdk-date" not in names or "host" not in names:
        return "X-Sdk-Date and Host must be signed"
    date = request.headers.get("x-sdk-date", "")
    try:
        when = datetime.strptime(date, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return "X-Sdk-Date malformed"
    if abs(time.time() - when.timestamp()) > _MAX_SKEW:
        return "X-Sdk-Date too far from the server's clock"
    digest = hashlib.sha256(canonical_request(request, names).encode()).hexdigest()
    string_to_sign = f"SDK-HMAC-SHA256\n{date}\n{digest}"
    expected = hmac.new(secret_key.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        return "signature mismatch"
    return None


@dataclass
class CloudEye:
    """Scripted ELB metrics. Connections are recorded with `connect(elb_id, count)` (or a background
    rate); datapoints are buckets of `interval` seconds, published `lag` seconds after a bucket ends,
    as Cloud Eye publishes raw (period 1) data some time after each minute.

    m4_ncps is connections per second over the bucket; m1_cps / m2_act_conn are `concurrent` plus the
    connections of the bucket (a connection held across the sample)."""

    interval: float = 0.2
    lag: float = 0.0
    background_rate: dict[str, float] = field(default_factory=dict)  # elb id -> new connections/s
    concurrent: dict[str, float] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)  # elb ids Cloud Eye has no data for
    _connections: list[tuple[float, str, int]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def connect(self, elb_id: str, count: int = 1, at: float | None = None) -> None:
        with self._lock:
            self._connections.append((time.time() if at is None else at, elb_id, count))

    def datapoints(self, elb_id: str, metric: str, start_ms: int, end_ms: int) -> list[dict[str, Any]]:
        if elb_id in self.missing:
            return []
        now = time.time()
        points = []
        bucket = (start_ms / 1000) // self.interval * self.interval
        while bucket < end_ms / 1000:
            end = bucket + self.interval
            if end + self.lag > now:
                break
            with self._lock:
                count = sum(c for t, e, c in self._connections if e == elb_id and bucket <= t < end)
            rate = count / self.interval + self.background_rate.get(elb_id, 0.0)
            if metric == "m4_ncps":
                value = rate
            elif metric in ("m1_cps", "m2_act_conn"):
                value = self.concurrent.get(elb_id, 0.0) + count
            else:
                value = 0.0
            points.append(
                {
                    "average": value,
                    "max": value,
                    "min": value,
                    "timestamp": int(bucket * 1000),
                    "unit": "Count",
                }
            )
            bucket = end
        return points


class FakeHuaweiCloud(FakeServer):
    def __init__(
        self, access_key: str = ACCESS_KEY, secret_key: str = SECRET_KEY, project_id: str = PROJECT_ID
    ) -> None:
        super().__init__()
        self.access_key = access_key
        self.secret_key = secret_key
        self.project_id = project_id
        self.cloud_eye = CloudEye()
        self.rejected: list[tuple[Request, str]] = []
        self.route("GET", r"/v3/projects", self._projects)
        self.route("GET", r"/V1.0/(?P<project>[^/]+)/metric-data", self._show_metric_data)
        self.route("POST", r"/V1.0/(?P<project>[^/]+)/batch-query-metric-data", self._batch_metric_data)
        self.clusters: dict[str, dict[str, Any]] = {}
        self.loadbalancers: dict[str, dict[str, Any]] = {}
        self.listeners: list[dict[str, Any]] = []
        self.route("GET", r"/api/v3/projects/(?P<project>[^/]+)/clusters", self._list_clusters)
        self.route("GET", r"/api/v3/projects/(?P<project>[^/]+)/clusters/(?P<id>[^/]+)", self._show_cluster)
        self.route("GET", r"/v3/(?P<project>[^/]+)/elb/loadbalancers/(?P<id>[^/]+)", self._show_elb)
        self.route("GET", r"/v3/(?P<project>[^/]+)/elb/listeners", self._list_listeners)

    # -- CCE and ELB v3 ------------------------------------------------------------------------------

    def add_cluster(
        self,
        cluster_id: str,
        name: str,
        *,
        version: str = "v1.28.3-r0",
        category: str = "CCE",
        kube_proxy_mode: str = "iptables",
        vpc: str = "vpc-1",
        network: str = "overlay_l2",
    ) -> None:
        """A cluster as ShowCluster returns it (CCE API reference, "Reading a Specified Cluster")."""
        self.clusters[cluster_id] = {
            "kind": "Cluster",
            "apiVersion": "v3",
            "metadata": {
                "name": name,
                "uid": cluster_id,
                "creationTimestamp": "2024-01-01 00:00:00 +0000 UTC",
            },
            "spec": {
                "category": category,
                "type": "VirtualMachine",
                "flavor": "cce.s1.small",
                "version": version,
                "platformVersion": "cce.10.0",
                "hostNetwork": {"vpc": vpc, "subnet": "subnet-1"},
                "containerNetwork": {"mode": network, "cidr": "172.16.0.0/16"},
                "kubeProxyMode": kube_proxy_mode,
                "billingMode": 0,
            },
            "status": {"phase": "Available"},
        }

    def add_elb(
        self,
        elb_id: str,
        *,
        name: str = "elb",
        dedicated: bool = False,
        vpc: str = "vpc-1",
        zones: tuple[str, ...] = (),
        listeners: tuple[tuple[str, str, int], ...] = (),
    ) -> None:
        """An ELB as ShowLoadBalancer returns it, and its listeners (name, protocol, port) as ListListeners."""
        ids = [f"{elb_id}-l{index:04d}" for index in range(len(listeners))]
        self.loadbalancers[elb_id] = {
            "id": elb_id,
            "name": name,
            "description": "",
            "provisioning_status": "ACTIVE",
            "operating_status": "ONLINE",
            "admin_state_up": True,
            "provider": "vlb",
            "project_id": self.project_id,
            "vpc_id": vpc,
            "guaranteed": dedicated,
            "availability_zone_list": list(zones),
            "l4_flavor_id": "l4-flavor-1" if dedicated else None,
            "l7_flavor_id": None,
            "listeners": [{"id": i} for i in ids],
            "pools": [],
            "tags": [],
            "vip_address": "192.168.0.10",
            "created_at": "2024-01-01T00:00:00Z",
            "updated_at": "2024-01-01T00:00:00Z",
        }
        for listener_id, (listener_name, protocol, port) in zip(ids, listeners, strict=True):
            self.listeners.append(
                {
                    "id": listener_id,
                    "name": listener_name,
                    "protocol": protocol,
                    "protocol_port": port,
                    "loadbalancers": [{"id": elb_id}],
                    "admin_state_up": True,
                    "project_id": self.project_id,
                }
            )

    def _list_clusters(self, request: Request) -> Response:
        denied = self._check_project(request)
        return denied or Response(
            200, {"kind": "Cluster", "apiVersion": "v3", "items": list(self.clusters.values())}
        )

    def _show_cluster(self, request: Request) -> Response:
        denied = self._check_project(request)
        if denied:
            return denied
        cluster = self.clusters.get(request.params["id"])
        if cluster is None:
            return huawei_error(404, "CCE.01404001", "The resource could not be found.")
        return Response(200, cluster)

    def _show_elb(self, request: Request) -> Response:
        denied = self._check_project(request)
        if denied:
            return denied
        found = self.loadbalancers.get(request.params["id"])
        if found is None:
            return huawei_error(404, "ELB.8904", f"loadbalancer {request.params['id']} could not be found.")
        return Response(200, {"loadbalancer": found, "request_id": uuid.uuid4().hex})

    def _list_listeners(self, request: Request) -> Response:
        """ListListeners with its paging: `limit` (0-2000, default 2000), `marker` (the id of the last
        record of the page before; with page_reverse=true, the first record of the page after), and
        page_info {previous_marker, next_marker, current_count} (ELB API reference, ListListeners)."""
        denied = self._check_project(request)
        if denied:
            return denied
        wanted = {v for k, v in request.query if k == "loadbalancer_id"}
        found = sorted(
            (item for item in self.listeners if {lb["id"] for lb in item["loadbalancers"]} & wanted),
            key=lambda item: str(item["id"]),
        )
        limit_text, marker = request.arg("limit"), request.arg("marker")
        reverse = request.arg("page_reverse") == "true"
        if limit_text is not None and not (limit_text.isdigit() and int(limit_text) <= 2000):
            return huawei_error(400, "ELB.8902", "Invalid input for limit.")
        limit = int(limit_text) if limit_text is not None else 2000
        if marker is not None:
            ids = [str(item["id"]) for item in found]
            if limit_text is None or marker not in ids:
                return huawei_error(400, "ELB.8902", f"Invalid input for marker: {marker}.")
            at = ids.index(marker)
            page = found[max(0, at - limit) : at] if reverse else found[at + 1 : at + 1 + limit]
        else:
            page = found[:limit]
        info: dict[str, Any] = {"current_count": len(page)}
        if page:
            info["previous_marker"] = page[0]["id"]
            info["next_marker"] = page[-1]["id"]
        return Response(200, {"listeners": page, "page_info": info, "request_id": uuid.uuid4().hex})

    def authenticate(self, request: Request) -> Response | None:
        why = verify_signature(request, self.access_key, self.secret_key)
        if why is None:
            return None
        with self.lock:
            self.rejected.append((request, why))
        return huawei_error(401, "APIGW.0301", f"Incorrect IAM authentication information: {why}")

    def not_found(self, request: Request) -> Response:
        return huawei_error(
            404, "APIGW.0101", "The API does not exist or has not been published in the environment"
        )

    def _check_project(self, request: Request) -> Response | None:
        if request.params.get("project") != self.project_id:
            return huawei_error(403, "ces.0015", "project id does not match the credentials")
        return None

    def _projects(self, request: Request) -> Response:
        name = request.arg("name")
        return Response(
            200, {"projects": [{"id": self.project_id, "name": name, "enabled": True}], "links": {}}
        )

    @staticmethod
    def _elb_of(dimensions: list[tuple[str, str]]) -> str | None:
        for name, value in dimensions:
            if name == "lbaas_instance_id":
                return value
        return None

    def _show_metric_data(self, request: Request) -> Response:
        denied = self._check_project(request)
        if denied:
            return denied
        dims = [tuple(d.split(",", 1)) for k, d in request.query if k.startswith("dim.") and "," in d]
        metric = request.arg("metric_name") or ""
        if request.arg("namespace") != "SYS.ELB" or not metric:
            return huawei_error(400, "ces.0014", "Some content in message body is incorrect")
        elb = self._elb_of(dims)  # type: ignore[arg-type]
        start, end = int(request.arg("from") or 0), int(request.arg("to") or 0)
        points = self.cloud_eye.datapoints(elb or "", metric, start, end) if elb else []
        return Response(200, {"datapoints": points, "metric_name": metric})

    def _batch_metric_data(self, request: Request) -> Response:
        denied = self._check_project(request)
        if denied:
            return denied
        try:
            body = request.json()
            metrics = body["metrics"]
            start, end = int(body["from"]), int(body["to"])
            str(body["period"]), str(body["filter"])
        except (ValueError, KeyError, TypeError):
            return huawei_error(400, "ces.0014", "Some content in message body is incorrect")
        result = []
        for metric in metrics:
            if metric.get("namespace") != "SYS.ELB":
                return huawei_error(400, "ces.0014", "Some content in message body is incorrect")
            dims = [(d["name"], d["value"]) for d in metric.get("dimensions", [])]
            elb = self._elb_of(dims)
            result.append(
                {
                    "namespace": metric["namespace"],
                    "metric_name": metric["metric_name"],
                    "dimensions": [{"name": n, "value": v} for n, v in dims],
                    "datapoints": self.cloud_eye.datapoints(elb or "", metric["metric_name"], start, end),
                    "unit": "Count",
                }
            )
        return Response(200, {"metrics": result})
