"""Label syntax of the workload's label maps and the quantities of its resources: the API server refuses a
Deployment or Service whose labels, selector or resource quantities break it, at `pulumi up`; here it is a
finding at preview."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from ...core.diagnostics import Diagnostic, shown
from ...core.model import ClusterFacts, ServiceConfig
from ...core.paths import join as _path
from .spec import invalid_spec

# https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set
LABEL_NAME = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")
LABEL_PREFIX = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")

# https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/: a signed decimal number,
# then a binary-SI suffix, a decimal-SI one (n and u as the API server's parser also reads them) or an
# exponent. `512MB`, `1.5 GiB` and `100 m` are not quantities.
QUANTITY = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$")
_QUANTITY_EXAMPLE = {"cpu": "500m", "memory": "512Mi", "ephemeral-storage": "1Gi"}

# config key -> model field: every label map a stack can give
LABEL_MAPS = {
    "labels": "labels",
    "serviceLabels": "service_labels",
    "deploymentLabels": "deployment_labels",
    "selector": "selector",
}


def _label_problem(key: str, value: str) -> str | None:
    prefix, slash, name = key.rpartition("/")
    if slash and (not prefix or len(prefix) > 253 or not LABEL_PREFIX.match(prefix)):
        return f"the prefix {prefix!r} of label key {key!r} is not a DNS subdomain"
    if not LABEL_NAME.match(name):
        return (
            f"label key {key!r} is not a label name (1-63 letters, digits, '-', '_', '.', starting and "
            "ending with a letter or digit, after an optional DNS-subdomain prefix and '/')"
        )
    if value and not LABEL_NAME.match(value):
        return (
            f"label value {value!r} of {key!r} is not a label value (empty, or 1-63 letters, digits, '-', "
            "'_', '.', starting and ending with a letter or digit)"
        )
    return None


def check_labels(service: ServiceConfig, _cluster: ClusterFacts | None, prefix: str) -> Iterator[Diagnostic]:
    for config_key, field in LABEL_MAPS.items():
        labels: dict[str, str] | None = getattr(service, field)
        for key, value in (labels or {}).items():
            problem = _label_problem(key, value)
            if problem is not None:
                yield invalid_spec(
                    service.name,
                    _path(prefix, f"{config_key}[{json.dumps(key, ensure_ascii=False)}]"),
                    f"{problem}.",
                    f"Use Kubernetes label syntax, e.g. {config_key}: {{app: {service.name}}}.",
                )


def check_resources(
    service: ServiceConfig, _cluster: ClusterFacts | None, prefix: str
) -> Iterator[Diagnostic]:
    if service.resources is None:
        return
    for group in ("requests", "limits"):
        for resource, quantity in (getattr(service.resources, group) or {}).items():
            if QUANTITY.match(quantity):
                continue
            key = (
                resource
                if re.fullmatch(r"[A-Za-z0-9_-]+", resource)
                else json.dumps(resource, ensure_ascii=False)
            )
            yield invalid_spec(
                service.name,
                _path(prefix, f"resources.{group}.{key}" if key == resource else f"resources.{group}[{key}]"),
                f"{shown(resource)}: {shown(quantity)} is not a Kubernetes quantity (a number, then an "
                "optional suffix: Ki, Mi, Gi, Ti, Pi, Ei or m, k, M, G, T, P, E).",
                f"Write it as a quantity, e.g. {resource}: {_QUANTITY_EXAMPLE.get(resource, '1')}.",
            )
