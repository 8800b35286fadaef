"""The probe of `verify`: a short-lived Job whose pod makes N requests to the ELB address, as the CCE
page does by hand with `kubectl exec ... curl <ELB address>`, and prints one parseable line per
request and one summary line that `verify` reads back from the pod's log.

Image: `curlimages/curl` (Alpine, busybox `sh`, curl >= 7.75 for `%{exitcode}`); `--image` takes a
mirror (an SWR copy for clusters without internet access). The pod runs as non-root, read-only, with
no service-account token, and is labelled so that `verify` finds it again after an interruption.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

DEFAULT_IMAGE = "curlimages/curl:8.11.1"
MANAGED_BY = "cce-passthrough-verify"
LABEL_MANAGED_BY = "app.kubernetes.io/managed-by"
LABEL_RUN = "cce-passthrough.io/verify-run"
LABEL_SERVICE = "cce-passthrough.io/verify-service"
SELECTOR = f"{LABEL_MANAGED_BY}={MANAGED_BY}"
CONTAINER = "probe"
LINE_PREFIX = "cce-passthrough-probe"
RESULT_PREFIX = "cce-passthrough-probe-result"

# POSIX sh for busybox: `time_connect` > 0 means the TCP handshake with the address completed (an HTTP
# status too when the port speaks HTTP; `000` when it does not). Kept free of bashisms.
SCRIPT = r"""
i=0; connected=0; http=""
first=$(date +%s)
while [ "$i" -lt "$REQUESTS" ]; do
  i=$((i+1))
  out=$(curl -s -o /dev/null --connect-timeout "$CONNECT_TIMEOUT" --max-time "$MAX_TIME" \
        -w '%{http_code} %{time_connect} %{exitcode}' "http://$TARGET_HOST:$TARGET_PORT/" 2>/dev/null)
  code=${out%% *}; rest=${out#* }; tconnect=${rest%% *}; rc=${rest##* }
  case "$tconnect" in 0|0.0|0.00|0.000|0.0000|0.00000|0.000000|"") ok=0 ;; *) ok=1 ;; esac
  connected=$((connected+ok))
  [ "$ok" = 1 ] && [ "$code" != "000" ] && http="$http $code"
  echo "cce-passthrough-probe request=$i connected=$ok http=$code curl_exit=$rc"
  if [ "$i" -lt "$REQUESTS" ]; then sleep "$PAUSE"; fi
done
summary=$(for c in $http; do echo "$c"; done | sort | uniq -c | awk '{printf "%s%s:%s", sep, $2, $1; sep=","}')
last=$(date +%s)
echo "cce-passthrough-probe-result requests=$REQUESTS connected=$connected http=${summary:--} first=$first last=$last"
"""


@dataclass(frozen=True)
class ProbeSpec:
    namespace: str
    service: str
    run_id: str
    host: str
    port: int
    requests: int
    pause: float
    deadline: int  # activeDeadlineSeconds: the pod is stopped by Kubernetes even if verify dies
    node: str | None
    image: str = DEFAULT_IMAGE
    connect_timeout: int = 5
    max_time: int = 10


def labels(spec: ProbeSpec) -> dict[str, str]:
    return {LABEL_MANAGED_BY: MANAGED_BY, LABEL_RUN: spec.run_id, LABEL_SERVICE: spec.service[:63]}


def job_manifest(spec: ProbeSpec) -> dict[str, Any]:
    """The Job as the API takes it (the kubernetes client sends a dict as is)."""
    pod_spec: dict[str, Any] = {
        "restartPolicy": "Never",
        "automountServiceAccountToken": False,
        "terminationGracePeriodSeconds": 1,
        "containers": [
            {
                "name": CONTAINER,
                "image": spec.image,
                "command": ["/bin/sh", "-c", SCRIPT],
                "env": [
                    {"name": "TARGET_HOST", "value": spec.host},
                    {"name": "TARGET_PORT", "value": str(spec.port)},
                    {"name": "REQUESTS", "value": str(spec.requests)},
                    {"name": "PAUSE", "value": f"{spec.pause:g}"},
                    {"name": "CONNECT_TIMEOUT", "value": str(spec.connect_timeout)},
                    {"name": "MAX_TIME", "value": str(spec.max_time)},
                ],
                "resources": {
                    "requests": {"cpu": "10m", "memory": "16Mi"},
                    "limits": {"cpu": "100m", "memory": "64Mi"},
                },
                "securityContext": {
                    "runAsNonRoot": True,
                    "runAsUser": 100,
                    "allowPrivilegeEscalation": False,
                    "readOnlyRootFilesystem": True,
                    "capabilities": {"drop": ["ALL"]},
                },
            }
        ],
    }
    if spec.node:
        # matchFields on the node's name: the scheduler still places the pod (so an unschedulable node
        # shows up as a scheduling failure), unlike spec.nodeName, which bypasses it
        pod_spec["affinity"] = {
            "nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {
                    "nodeSelectorTerms": [
                        {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [spec.node]}]}
                    ]
                }
            }
        }
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {
            "generateName": "cce-passthrough-verify-",
            "namespace": spec.namespace,
            "labels": labels(spec),
            "annotations": {"cce-passthrough.io/target": f"{spec.host}:{spec.port}"},
        },
        "spec": {
            "backoffLimit": 0,
            "activeDeadlineSeconds": spec.deadline,
            # a safety net: Kubernetes removes a finished probe itself if verify could not
            "ttlSecondsAfterFinished": 600,
            "template": {"metadata": {"labels": labels(spec)}, "spec": pod_spec},
        },
    }


@dataclass
class ProbeResult:
    requests: int = 0
    attempted: int = 0
    connected: int = 0
    http: dict[str, int] = field(default_factory=dict)
    curl_exits: dict[str, int] = field(default_factory=dict)
    complete: bool = False  # the summary line was printed

    def describe(self) -> str:
        statuses = ", ".join(f"HTTP {code} x{n}" for code, n in sorted(self.http.items())) or "no HTTP answer"
        return f"{self.connected}/{self.attempted or self.requests} connected ({statuses})"


_PAIR = re.compile(r"(\w+)=(\S*)")


def parse_log(text: str) -> ProbeResult:
    """Reads the probe's lines; anything else in the log (an image's banner) is ignored."""
    result = ProbeResult()
    for line in text.splitlines():
        line = line.strip()
        if line.startswith(RESULT_PREFIX + " "):
            values = dict(_PAIR.findall(line))
            result.requests = _int(values.get("requests"))
            result.connected = _int(values.get("connected"))
            result.http = {}
            for item in (values.get("http") or "").split(","):
                code, _, count = item.partition(":")
                if code.isdigit() and count.isdigit():
                    result.http[code] = int(count)
            result.complete = True
        elif line.startswith(LINE_PREFIX + " "):
            values = dict(_PAIR.findall(line))
            result.attempted += 1
            rc = values.get("curl_exit", "")
            result.curl_exits[rc] = result.curl_exits.get(rc, 0) + 1
            if not result.complete and values.get("connected") == "1":
                result.connected += 1
                code = values.get("http", "000")
                if code != "000":
                    result.http[code] = result.http.get(code, 0) + 1
    if result.complete and not result.attempted:
        result.attempted = result.requests
    return result


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0
