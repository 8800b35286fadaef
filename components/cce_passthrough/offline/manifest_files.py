"""`preview --render DIR`: every planned Kubernetes object as a `kubectl apply`-ready file, validated.

One file per object, `NN-<namespace>-<kind>-<name>.yaml`, numbered in plan order (parent first, then
type and name), so a directory rendered twice from the same stack holds the same bytes. Each object is
checked against the Kubernetes OpenAPI schema of the cluster's version before anything is written; one
failure writes nothing. The Huawei Cloud resources Pulumi would create are listed with their planned
inputs in `huaweicloud-resources.yaml`.

A value Pulumi only knows after `pulumi up` (the id of an ELB it creates, for instance) is rendered as
the string "(computed)", which keeps the file valid YAML and the object valid against the schema, and
the file's header names every such field: replace them, or let `pulumi up` apply the object. Secrets are
"[secret]", as everywhere in the preview.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..core.text import printable
from ..core.versions import CceVersion, VersionError
from .manifests import ManifestError, is_kubernetes_object, schema_version, to_manifest, validate
from .plan import COMPUTED, PlannedResource, PlanResult
from .render_dir import write_set

MARKER = "# Rendered by `cce-passthrough preview --render`"
SUMMARY = "huaweicloud-resources.yaml"


class ManifestFilesError(Exception):
    """An object that fails the schema: nothing was written (exit 1)."""


class NoSchemaError(ManifestFilesError):
    """The stack declares no usable cluster version to pick a schema by: the command cannot run (exit 2)."""


@dataclass(frozen=True)
class Rendered:
    path: Path
    kind: str
    name: str
    computed: tuple[str, ...]


# libyaml's emitter writes a fleet's files about five times faster than PyYAML's pure-Python one (most of
# what --render added to a preview) and the same bytes: lists at their key's indent, as `kubectl get -o
# yaml` prints them. PyYAML built without libyaml falls back to its own emitter.
_DUMPER: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _dump(data: Any) -> str:
    """Block style, keys in the order given, long strings (JSON annotations) kept on one line."""
    return yaml.dump(data, Dumper=_DUMPER, sort_keys=False, default_flow_style=False, width=10**6)


def _computed_paths(value: Any, path: str = "") -> Iterator[str]:
    if value == COMPUTED:
        yield path or "(root)"
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _computed_paths(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _computed_paths(item, f"{path}[{index}]")


_UNSAFE = re.compile(r"[^a-z0-9.-]+")


def _slug(text: str) -> str:
    return _UNSAFE.sub("-", text.lower()).strip("-") or "x"


def _cluster_version(result: PlanResult) -> CceVersion:
    if result.cluster_version is None:
        raise NoSchemaError(
            "cannot choose a Kubernetes schema for --render: the stack declares no "
            f"{result.project}:cluster.version (e.g. v1.28)"
        )
    try:
        return CceVersion.parse(result.cluster_version)
    except VersionError as exc:
        raise NoSchemaError(f"cannot choose a Kubernetes schema for --render: {exc}") from None


def _objects(result: PlanResult) -> list[tuple[PlannedResource, dict[str, Any]]]:
    objects = [
        (resource, to_manifest(resource.type, resource.inputs))
        for resource in result.ordered()
        if resource.custom and is_kubernetes_object(resource.type)
    ]
    # `kubectl apply -f DIR` takes the files in name order: a namespace must come before what lives in it.
    return sorted(objects, key=lambda pair: pair[1]["kind"] != "Namespace")


def _header(result: PlanResult, resource: PlannedResource, schema: str, computed: list[str]) -> str:
    lines = [
        MARKER,
        f"# stack {result.project}/{result.stack}, resource {resource.urn}",
        f"# valid against the Kubernetes {schema} OpenAPI schema (kubernetes-validate, strict) and the API "
        "server's port-name rules",
    ]
    if computed:
        lines.append(
            f"# known only after `pulumi up`, rendered as {COMPUTED!r}: replace before `kubectl apply`:"
        )
        lines += [f"#   {path}" for path in computed]
    return "\n".join(lines) + "\n"


def _summary(result: PlanResult) -> str:
    resources = [
        {
            "type": r.type,
            "name": r.name,
            "urn": r.urn,
            "action": r.action,
            "protect": r.protect,
            "dependencies": r.dependencies,
            "inputs": r.inputs,
        }
        for r in result.ordered()
        if r.custom and r.type.startswith("huaweicloud:")
    ]
    header = [
        MARKER,
        f"# stack {result.project}/{result.stack}: the Huawei Cloud resources Pulumi would create, with their",
        f"# planned inputs ({COMPUTED!r}: known after `pulumi up`). Not Kubernetes objects: not for kubectl.",
    ]
    if not resources:
        header.append("# None: CCE creates or an existing ELB serves every load balancer of this stack.")
    return "\n".join(header) + "\n" + _dump({"resources": resources})


def write_manifests(result: PlanResult, directory: Path) -> list[Rendered]:
    """Validate every Kubernetes object, then write them and the Huawei Cloud summary to `directory`.

    The files go in through `render_dir.write_set`: inside `directory` only, never through a link, in
    place of what an earlier render wrote there (its files no longer planned are removed, so that
    `kubectl apply -f DIR` never picks up an object the stack no longer plans) and never over anything
    else. Raises ManifestFilesError (a schema failure: nothing written), RenderRefusedError (DIR cannot
    be written safely: nothing written) and OSError (a write failed: the earlier files are put back)."""
    objects = _objects(result)
    cluster = _cluster_version(result) if objects else None
    schema = schema_version(cluster) if cluster is not None else ""
    failures: list[str] = []
    files: list[tuple[Rendered, str]] = []
    width = max(2, len(str(len(objects))))
    for index, (resource, manifest) in enumerate(objects, start=1):
        metadata = manifest.setdefault("metadata", {})
        computed = list(_computed_paths(manifest))
        if not metadata.get("name"):
            # Pulumi auto-names it (`<name>-<random>`) at apply time.
            metadata["name"] = resource.name
            computed.append("metadata.name (auto-named by Pulumi; rendered with the resource name)")
        assert cluster is not None
        try:
            validate(manifest, cluster)
        except ManifestError as exc:
            failures.append(printable(f"{resource.type} {resource.name}: {exc}"))
            continue
        namespace = metadata.get("namespace")
        parts = [
            f"{index:0{width}d}",
            *([str(namespace)] if namespace else []),
            manifest["kind"],
            metadata["name"],
        ]
        path = directory / ("-".join(_slug(str(p)) for p in parts) + ".yaml")
        rendered = Rendered(path, str(manifest["kind"]), str(metadata["name"]), tuple(computed))
        files.append((rendered, _header(result, resource, schema, computed) + _dump(manifest)))
    if failures:
        raise ManifestFilesError(
            f"{len(failures)} object(s) fail the Kubernetes {schema} schema, nothing written:\n  "
            + "\n  ".join(failures)
        )
    texts = {rendered.path.name: text for rendered, text in files}
    write_set(directory, {**texts, SUMMARY: _summary(result)}, MARKER)
    return [rendered for rendered, _ in files]
