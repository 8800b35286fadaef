"""A fake Kubernetes API server speaking the real REST wire format, for the official client.

What it serves (JSON as the API server sends it, `kind`/`apiVersion`/`metadata.resourceVersion`, list
kinds, `Status` bodies for errors):

* core/v1: namespaces, nodes, pods (+ the `log` subresource), services, events; apps/v1 deployments;
  networking.k8s.io/v1 ingresses; batch/v1 jobs (create, get, list, watch, delete with
  `propagationPolicy`).
* list in one namespace or across all, `labelSelector` (`k=v`, `k!=v`, `k`, `!k`, `k in (a,b)`),
  `fieldSelector` (`a.b=v`, `a.b!=v`), `watch=true` as a chunked stream of JSON lines
  `{"type": "ADDED"|"MODIFIED"|"DELETED", "object": {...}}` from a `resourceVersion` or from now.
* bearer-token authentication (401 Status without the token of the kubeconfig it wrote).

A tiny job controller and scheduler make Jobs run as the scenario says (`PodScript`): the pod lands
on the node its affinity names (or the first ready one), goes through scripted phases, prints a
scripted log, or stays Pending as unschedulable with a FailedScheduling event.
"""

from __future__ import annotations

import copy
import json
import random
import re
import string
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from live.fake_http import FakeServer, Request, Response

TOKEN = "fake-kube-token-0123456789abcdef"

# plural -> (kind, api prefix, namespaced)
RESOURCES: dict[str, tuple[str, str, bool]] = {
    "namespaces": ("Namespace", "/api/v1", False),
    "nodes": ("Node", "/api/v1", False),
    "pods": ("Pod", "/api/v1", True),
    "services": ("Service", "/api/v1", True),
    "events": ("Event", "/api/v1", True),
    "deployments": ("Deployment", "/apis/apps/v1", True),
    "ingresses": ("Ingress", "/apis/networking.k8s.io/v1", True),
    "jobs": ("Job", "/apis/batch/v1", True),
}


def now_rfc3339() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _api_version(prefix: str) -> str:
    return "v1" if prefix == "/api/v1" else prefix.removeprefix("/apis/")


def status_body(code: int, reason: str, message: str) -> dict[str, Any]:
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }


def status_response(code: int, reason: str, message: str) -> Response:
    return Response(code, status_body(code, reason, message))


# -- selectors ---------------------------------------------------------------------------------------


def _split_selector(selector: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in selector:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    if current.strip():
        parts.append(current.strip())
    return parts


def label_match(selector: str | None, labels: dict[str, str]) -> bool:
    for term in _split_selector(selector or ""):
        if m := re.fullmatch(r"([\w./-]+)\s+(in|notin)\s+\((.*)\)", term):
            values = {v.strip() for v in m.group(3).split(",")}
            inside = labels.get(m.group(1)) in values
            if inside != (m.group(2) == "in"):
                return False
        elif "!=" in term:
            key, value = term.split("!=", 1)
            if labels.get(key.strip()) == value.strip():
                return False
        elif "=" in term:
            key, value = term.replace("==", "=").split("=", 1)
            if labels.get(key.strip()) != value.strip():
                return False
        elif term.startswith("!"):
            if term[1:].strip() in labels:
                return False
        elif term not in labels:
            return False
    return True


def _dig(obj: Any, path: str) -> str:
    for part in path.split("."):
        obj = obj.get(part) if isinstance(obj, dict) else None
    return "" if obj is None else str(obj)


def field_match(selector: str | None, obj: dict[str, Any]) -> bool:
    for term in _split_selector(selector or ""):
        if "!=" in term:
            key, value = term.split("!=", 1)
            if _dig(obj, key.strip()) == value.strip():
                return False
        elif "=" in term:
            key, value = term.replace("==", "=").split("=", 1)
            if _dig(obj, key.strip()) != value.strip():
                return False
    return True


# -- scenario scripting ------------------------------------------------------------------------------


@dataclass
class PodScript:
    """How the pod of a created Job behaves. `phases`: (seconds after the previous step, phase);
    `unschedulable`: a scheduler message, the pod then stays Pending; `log`: the pod's log, text or a
    function of the pod; `on_running`: called with the pod when it starts (wire Cloud Eye here)."""

    phases: list[tuple[float, str]] = field(default_factory=lambda: [(0.02, "Running"), (0.05, "Succeeded")])
    unschedulable: str | None = None
    log: str | Callable[[dict[str, Any]], str] = ""
    on_running: Callable[[dict[str, Any]], None] | None = None
    exit_code: int = 0


class FakeKube(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.objects: dict[tuple[str, str, str], dict[str, Any]] = {}  # (plural, namespace, name)
        self.rv = 100
        self.events: list[tuple[int, str, str, dict[str, Any]]] = []  # (rv, type, plural, object)
        self.changed = threading.Condition(self.lock)
        self.pod_script = PodScript()
        self.version = {"major": "1", "minor": "28", "gitVersion": "v1.28.3-r0"}
        self._timelines: list[threading.Thread] = []
        for plural, (_kind, prefix, namespaced) in RESOURCES.items():
            base = re.escape(prefix)
            if namespaced:
                one = rf"{base}/namespaces/(?P<ns>[^/]+)/{plural}/(?P<name>[^/]+)"
                self.route("GET", rf"{base}/{plural}", self._lister(plural))
                self.route("GET", rf"{base}/namespaces/(?P<ns>[^/]+)/{plural}", self._lister(plural))
                self.route("POST", rf"{base}/namespaces/(?P<ns>[^/]+)/{plural}", self._creator(plural))
            else:
                one = rf"{base}/{plural}/(?P<name>[^/]+)"
                self.route("GET", rf"{base}/{plural}", self._lister(plural))
                self.route("POST", rf"{base}/{plural}", self._creator(plural))
            self.route("GET", one, self._getter(plural))
            self.route("DELETE", one, self._deleter(plural))
        self.route("GET", r"/api/v1/namespaces/(?P<ns>[^/]+)/pods/(?P<name>[^/]+)/log", self._pod_log)
        self.route("GET", r"/version", lambda r: Response(200, self._version_body()))
        self.put("namespaces", {"metadata": {"name": "default"}})

    # -- auth and errors ---------------------------------------------------------------------------------

    def authenticate(self, request: Request) -> Response | None:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return status_response(401, "Unauthorized", "Unauthorized")
        return None

    def not_found(self, request: Request) -> Response:
        return status_response(
            404, "NotFound", f"the server could not find the requested resource ({request.path})"
        )

    def _version_body(self) -> dict[str, str]:
        return {
            "buildDate": "2024-01-01T00:00:00Z",
            "compiler": "gc",
            "gitCommit": "0000000",
            "gitTreeState": "clean",
            "goVersion": "go1.21.0",
            "platform": "linux/amd64",
            **self.version,
        }

    # -- the store -------------------------------------------------------------------------------------

    def _stamp(self, plural: str, obj: dict[str, Any]) -> dict[str, Any]:
        kind, prefix, _ = RESOURCES[plural]
        obj.setdefault("kind", kind)
        obj.setdefault("apiVersion", _api_version(prefix))
        meta = obj.setdefault("metadata", {})
        meta.setdefault("uid", "".join(random.choices("0123456789abcdef", k=32)))
        meta.setdefault("creationTimestamp", now_rfc3339())
        self.rv += 1
        meta["resourceVersion"] = str(self.rv)
        return obj

    def put(self, plural: str, obj: dict[str, Any], event: str | None = None) -> dict[str, Any]:
        """Create or replace an object (tests seed the cluster with this); watchers see the change."""
        with self.changed:
            obj = self._stamp(plural, copy.deepcopy(obj))
            meta = obj["metadata"]
            namespaced = RESOURCES[plural][2]
            if namespaced:
                meta.setdefault("namespace", "default")
            key = (plural, meta.get("namespace", ""), meta["name"])
            kind = event or ("MODIFIED" if key in self.objects else "ADDED")
            self.objects[key] = obj
            self.events.append((self.rv, kind, plural, copy.deepcopy(obj)))
            self.changed.notify_all()
            return obj

    def remove(self, plural: str, namespace: str, name: str) -> dict[str, Any] | None:
        with self.changed:
            obj = self.objects.pop((plural, namespace, name), None)
            if obj is not None:
                self.rv += 1
                obj["metadata"]["resourceVersion"] = str(self.rv)
                self.events.append((self.rv, "DELETED", plural, copy.deepcopy(obj)))
                self.changed.notify_all()
            return obj

    def get(self, plural: str, namespace: str, name: str) -> dict[str, Any] | None:
        with self.lock:
            obj = self.objects.get((plural, namespace, name))
            return copy.deepcopy(obj) if obj is not None else None

    def items(self, plural: str, namespace: str | None = None) -> list[dict[str, Any]]:
        with self.lock:
            return [
                copy.deepcopy(o)
                for (p, ns, _), o in sorted(self.objects.items())
                if p == plural and (namespace is None or ns == namespace)
            ]

    def event(
        self, namespace: str, involved: dict[str, Any], reason: str, message: str, kind: str = "Normal"
    ) -> None:
        meta = involved["metadata"]
        name = f"{meta['name']}.{random.randrange(16**10):010x}"
        self.put(
            "events",
            {
                "metadata": {"name": name, "namespace": namespace},
                "involvedObject": {
                    "kind": involved.get("kind"),
                    "name": meta["name"],
                    "namespace": namespace,
                    "uid": meta.get("uid"),
                    "apiVersion": involved.get("apiVersion"),
                },
                "reason": reason,
                "message": message,
                "type": kind,
                "count": 1,
                "firstTimestamp": now_rfc3339(),
                "lastTimestamp": now_rfc3339(),
                "source": {"component": "fake-kube"},
            },
        )

    # -- handlers --------------------------------------------------------------------------------------

    def _list_kind(self, plural: str) -> tuple[str, str]:
        kind, prefix, _ = RESOURCES[plural]
        return f"{kind}List", _api_version(prefix)

    def _matches(self, request: Request, obj: dict[str, Any]) -> bool:
        return label_match(request.arg("labelSelector"), obj["metadata"].get("labels") or {}) and field_match(
            request.arg("fieldSelector"), obj
        )

    def _lister(self, plural: str) -> Callable[[Request], Response]:
        def handle(request: Request) -> Response:
            namespace = request.params.get("ns")
            if (request.arg("watch") or "").lower() in ("true", "1"):
                return Response(200, stream=self._watch_stream(plural, namespace, request))
            items = [o for o in self.items(plural, namespace) if self._matches(request, o)]
            kind, api_version = self._list_kind(plural)
            with self.lock:
                rv = str(self.rv)
            return Response(
                200,
                {
                    "kind": kind,
                    "apiVersion": api_version,
                    "metadata": {"resourceVersion": rv},
                    "items": items,
                },
            )

        return handle

    def _watch_stream(self, plural: str, namespace: str | None, request: Request) -> Iterator[bytes]:
        timeout = float(request.arg("timeoutSeconds") or 30)
        since = request.arg("resourceVersion")
        deadline = time.monotonic() + timeout
        with self.lock:
            if since in (None, "", "0"):
                initial = [o for o in self.items(plural, namespace) if self._matches(request, o)]
                cursor = self.rv
            else:
                initial, cursor = [], int(since or 0)
        for obj in initial:
            yield (json.dumps({"type": "ADDED", "object": obj}) + "\n").encode()
        while not self.stopping.is_set():
            with self.changed:
                pending = [e for e in self.events if e[0] > cursor and e[2] == plural]
                if not pending:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return
                    self.changed.wait(min(remaining, 0.05))
                    continue
            for rv, kind, _plural, obj in pending:
                cursor = rv
                in_ns = namespace is None or obj["metadata"].get("namespace") == namespace
                if in_ns and self._matches(request, obj):
                    yield (json.dumps({"type": kind, "object": obj}) + "\n").encode()
            if time.monotonic() >= deadline:
                return

    def _getter(self, plural: str) -> Callable[[Request], Response]:
        def handle(request: Request) -> Response:
            obj = self.get(plural, request.params.get("ns", ""), request.params["name"])
            if obj is None:
                return status_response(404, "NotFound", f'{plural} "{request.params["name"]}" not found')
            return Response(200, obj)

        return handle

    def _creator(self, plural: str) -> Callable[[Request], Response]:
        def handle(request: Request) -> Response:
            try:
                obj = request.json()
            except ValueError:
                return status_response(400, "BadRequest", "the body is not JSON")
            namespace = request.params.get("ns", "")
            meta = obj.setdefault("metadata", {})
            if not meta.get("name"):
                if not meta.get("generateName"):
                    return status_response(422, "Invalid", "metadata.name: Required value")
                meta["name"] = meta["generateName"] + "".join(
                    random.choices(string.ascii_lowercase + string.digits, k=5)
                )
            if namespace:
                meta["namespace"] = namespace
            if self.get(plural, namespace, meta["name"]) is not None:
                return status_response(409, "AlreadyExists", f'{plural} "{meta["name"]}" already exists')
            created = self.put(plural, obj)
            if plural == "jobs":
                self._start_job(created)
            return Response(201, created)

        return handle

    def _deleter(self, plural: str) -> Callable[[Request], Response]:
        def handle(request: Request) -> Response:
            namespace, name = request.params.get("ns", ""), request.params["name"]
            body: dict[str, Any] = {}
            if request.body:
                try:
                    body = request.json() or {}
                except ValueError:
                    body = {}
            policy = body.get("propagationPolicy") or request.arg("propagationPolicy") or "Background"
            obj = self.remove(plural, namespace, name)
            if obj is None:
                return status_response(404, "NotFound", f'{plural} "{name}" not found')
            if plural == "jobs" and policy in ("Background", "Foreground"):
                uid = obj["metadata"]["uid"]
                for pod in self.items("pods", namespace):
                    if (pod["metadata"].get("labels") or {}).get("controller-uid") == uid:
                        self.remove("pods", namespace, pod["metadata"]["name"])
            return Response(
                200,
                {
                    "kind": "Status",
                    "apiVersion": "v1",
                    "metadata": {},
                    "status": "Success",
                    "details": {"name": name, "kind": plural, "uid": obj["metadata"]["uid"]},
                },
            )

        return handle

    def _pod_log(self, request: Request) -> Response:
        pod = self.get("pods", request.params["ns"], request.params["name"])
        if pod is None:
            return status_response(404, "NotFound", f'pods "{request.params["name"]}" not found')
        if pod.get("status", {}).get("phase") == "Pending":
            return status_response(
                400, "BadRequest", f'container "probe" in pod "{request.params["name"]}" is waiting to start'
            )
        log = pod["metadata"].get("annotations", {}).get("fake-kube/log", "")
        return Response(200, log.encode(), {"Content-Type": "text/plain"})

    # -- job controller and scheduler ------------------------------------------------------------------

    def _pick_node(self, spec: dict[str, Any]) -> tuple[str | None, str]:
        nodes = self.items("nodes")
        ready = [
            n
            for n in nodes
            if not n.get("spec", {}).get("unschedulable")
            and any(
                c["type"] == "Ready" and c["status"] == "True"
                for c in n.get("status", {}).get("conditions", [])
            )
        ]
        wanted: set[str] | None = None
        terms = (
            spec.get("affinity", {})
            .get("nodeAffinity", {})
            .get("requiredDuringSchedulingIgnoredDuringExecution", {})
            .get("nodeSelectorTerms", [])
        )
        for term in terms:
            for expression in term.get("matchFields", []):
                if expression.get("key") == "metadata.name" and expression.get("operator") == "In":
                    wanted = set(expression.get("values", []))
        hostname = spec.get("nodeSelector", {}).get("kubernetes.io/hostname")
        if hostname:
            wanted = {hostname}
        candidates = [n for n in ready if wanted is None or n["metadata"]["name"] in wanted]
        if not candidates:
            return (
                None,
                f"0/{len(nodes)} nodes are available: {len(nodes)} node(s) didn't match Pod's node affinity/selector.",
            )
        return candidates[0]["metadata"]["name"], ""

    def _start_job(self, job: dict[str, Any]) -> None:
        template = copy.deepcopy(job["spec"]["template"])
        meta = template.setdefault("metadata", {})
        labels = meta.setdefault("labels", {})
        uid = job["metadata"]["uid"]
        labels.update(
            {
                "controller-uid": uid,
                "batch.kubernetes.io/controller-uid": uid,
                "job-name": job["metadata"]["name"],
            }
        )
        labels["batch.kubernetes.io/job-name"] = job["metadata"]["name"]
        meta["generateName"] = job["metadata"]["name"] + "-"
        meta["name"] = meta["generateName"] + "".join(
            random.choices(string.ascii_lowercase + string.digits, k=5)
        )
        meta["namespace"] = job["metadata"]["namespace"]
        meta["ownerReferences"] = [
            {
                "apiVersion": "batch/v1",
                "kind": "Job",
                "name": job["metadata"]["name"],
                "uid": uid,
                "controller": True,
            }
        ]
        template["status"] = {"phase": "Pending"}
        pod = self.put("pods", template)
        script = self.pod_script
        thread = threading.Thread(target=self._run_pod, args=(job, pod, script), daemon=True)
        self._timelines.append(thread)
        thread.start()

    def _run_pod(self, job: dict[str, Any], pod: dict[str, Any], script: PodScript) -> None:
        namespace, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
        node, why = self._pick_node(pod["spec"])
        if script.unschedulable is not None or node is None:
            message = script.unschedulable or why
            current = self.get("pods", namespace, name)
            if current is None:
                return
            current["status"] = {
                "phase": "Pending",
                "conditions": [
                    {"type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": message}
                ],
            }
            self.put("pods", current)
            self.event(namespace, current, "FailedScheduling", message, "Warning")
            return
        for delay, phase in script.phases:
            if self.stopping.wait(delay):
                return
            current = self.get("pods", namespace, name)
            if current is None:  # deleted meanwhile
                return
            current["spec"]["nodeName"] = node
            status: dict[str, Any] = {"phase": phase, "hostIP": "192.0.2.10", "podIP": "192.0.2.100"}
            if phase in ("Running", "Succeeded", "Failed"):
                status["conditions"] = [{"type": "PodScheduled", "status": "True"}]
            if phase in ("Succeeded", "Failed"):
                log = script.log(current) if callable(script.log) else script.log
                current["metadata"].setdefault("annotations", {})["fake-kube/log"] = log
                code = script.exit_code if phase == "Failed" or script.exit_code else 0
                status["containerStatuses"] = [
                    {
                        "name": current["spec"]["containers"][0]["name"],
                        "ready": False,
                        "restartCount": 0,
                        "image": current["spec"]["containers"][0].get("image", ""),
                        "imageID": "",
                        "state": {
                            "terminated": {"exitCode": code, "reason": "Completed" if code == 0 else "Error"}
                        },
                    }
                ]
            current["status"] = status
            self.put("pods", current)
            if phase == "Running" and script.on_running is not None:
                script.on_running(current)
            if phase in ("Succeeded", "Failed"):
                stored = self.get("jobs", namespace, job["metadata"]["name"])
                if stored is not None:
                    done = "Complete" if phase == "Succeeded" else "Failed"
                    stored["status"] = {
                        "succeeded" if phase == "Succeeded" else "failed": 1,
                        "conditions": [{"type": done, "status": "True"}],
                    }
                    self.put("jobs", stored)

    # -- seeding helpers -------------------------------------------------------------------------------

    def add_node(self, name: str, *, ready: bool = True, labels: dict[str, str] | None = None) -> None:
        self.put(
            "nodes",
            {
                "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, **(labels or {})}},
                "spec": {},
                "status": {
                    "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
                    "addresses": [{"type": "InternalIP", "address": name}],
                },
            },
        )

    def add_backend_pod(self, namespace: str, name: str, labels: dict[str, str], node: str) -> None:
        self.put(
            "pods",
            {
                "metadata": {"name": name, "namespace": namespace, "labels": labels},
                "spec": {"nodeName": node, "containers": [{"name": "container-0", "image": "nginx:latest"}]},
                "status": {"phase": "Running"},
            },
        )

    def write_kubeconfig(self, path: Path, token: str = TOKEN) -> Path:
        path.write_text(
            json.dumps(
                {
                    "apiVersion": "v1",
                    "kind": "Config",
                    "clusters": [{"name": "fake", "cluster": {"server": self.url}}],
                    "users": [{"name": "fake", "user": {"token": token}}],
                    "contexts": [{"name": "fake", "context": {"cluster": "fake", "user": "fake"}}],
                    "current-context": "fake",
                }
            )
        )
        return path

    def stop(self) -> None:
        super().stop()
        for thread in self._timelines:
            thread.join(timeout=2)
