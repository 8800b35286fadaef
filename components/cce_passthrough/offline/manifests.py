"""Kubernetes objects from planned resource inputs, and their check against the Kubernetes OpenAPI schema."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from ..core.model import integral_to_int
from ..core.names import is_dns_1123_label, port_name_problem
from ..core.versions import CceVersion

KUBERNETES_TYPES = {
    "kubernetes:apps/v1:Deployment": ("apps/v1", "Deployment"),
    "kubernetes:core/v1:Service": ("v1", "Service"),
}


class ManifestError(ValueError):
    pass


def is_kubernetes_object(type_: str) -> bool:
    """A `kubernetes:<group>/<version>:<Kind>` resource: one object `kubectl apply` takes (not a
    provider, not a `kubernetes:yaml`/`helm` component)."""
    parts = type_.split(":")
    return len(parts) == 3 and parts[0] == "kubernetes" and "/" in parts[1] and parts[2][:1].isupper()


def api_version_kind(type_: str) -> tuple[str, str]:
    """`kubernetes:apps/v1:Deployment` -> ("apps/v1", "Deployment"); the core group has no prefix."""
    if type_ in KUBERNETES_TYPES:
        return KUBERNETES_TYPES[type_]
    if not is_kubernetes_object(type_):
        raise ManifestError(f"{type_} is not a Kubernetes object")
    _, group_version, kind = type_.split(":")
    group, version = group_version.split("/", 1)
    return (version if group == "core" else f"{group}/{version}"), kind


def to_manifest(type_: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The object `kubectl apply` takes: apiVersion, kind, metadata first, integral floats back to ints."""
    api_version, kind = api_version_kind(type_)
    body = {k: _ints(v) for k, v in inputs.items() if k not in ("apiVersion", "kind")}
    head = {"metadata": body.pop("metadata")} if "metadata" in body else {}
    return {"apiVersion": api_version, "kind": kind, **head, **body}


def _ints(value: Any) -> Any:
    # Numbers cross Pulumi's protobuf Struct as floats; a manifest needs integers.
    if isinstance(value, float):
        return integral_to_int(value)
    if isinstance(value, Mapping):
        return {k: _ints(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_ints(v) for v in value]
    return value


@cache
def _available_schema_versions() -> tuple[tuple[int, int], ...]:
    import kubernetes_validate.utils as kv_utils

    versions = set()
    for text in kv_utils.all_versions():
        major, minor = text.split(".")[:2]
        versions.add((int(major), int(minor)))
    return tuple(sorted(versions))


def schema_version(cluster: CceVersion) -> str:
    """The schema release matching the cluster's minor, else the nearest one kubernetes-validate ships."""
    available = _available_schema_versions()
    wanted = cluster.minor_key
    chosen = min(available, key=lambda v: (abs(v[1] - wanted[1]) if v[0] == wanted[0] else 1000, v))
    return f"{chosen[0]}.{chosen[1]}.0"


@cache
def _schema(directory: str, name: str, version: str) -> Any:
    from kubernetes_validate.utils import schema_contents

    return schema_contents(f"kubernetes-json-schema/{directory}/{name}.json", version)


# The API server stores these formats in Go's int32 / int64: a larger number is rejected at `pulumi up`.
INTEGER_FORMATS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


@cache
def _formats() -> Any:
    """A format checker for int32 and int64. kubernetes-validate's validator has none, and JSON Schema
    2020-12 makes `format` an annotation unless one is given: `{type: integer, format: int32}` passed any
    integer there (replicas: 3000000000 was rendered as schema-checked)."""
    import jsonschema

    checker = jsonschema.FormatChecker(formats=())
    for name, (low, high) in INTEGER_FORMATS.items():
        checker.checks(name)(
            lambda value, low=low, high=high: not isinstance(value, int) or low <= value <= high
        )
    return checker


def _message(error: Any) -> str:
    if error.validator == "format" and error.validator_value in INTEGER_FORMATS:
        low, high = INTEGER_FORMATS[error.validator_value]
        return f"{error.instance} is outside {error.validator_value} ({low} to {high}), as the API server stores it"
    return str(error.message)


def integer_format_problems(manifest: Mapping[str, Any], version: str) -> list[tuple[str, str]]:
    """(path, problem) for every integer outside the range of its int32/int64 format."""
    validator = _validator(version, str(manifest.get("kind")), str(manifest.get("apiVersion")))
    return [
        (".".join(str(p) for p in error.path) or "(root)", _message(error))
        for error in validator.iter_errors(dict(manifest))
        if error.validator == "format" and error.validator_value in INTEGER_FORMATS
    ]


@cache
def _validator(version: str, kind: str, api_version: str) -> Any:
    """The strict validator kubernetes-validate builds for this kind, API version and schema release,
    built once: building one reads and resolves the release's definitions (milliseconds per object),
    validating with it takes a fraction of that. The files and the choice of release are the library's."""
    import jsonschema
    import kubernetes_validate
    from kubernetes_validate.utils import all_versions, major_minor
    from referencing import Registry, Resource

    release = [v for v in all_versions() if major_minor(v) <= major_minor(version)][-1]
    directory = f"v{release}-local-strict"
    # rbac.authorization.k8s.io/v1 -> rbac-v1, as the library names its files
    group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    try:
        schema = _schema(directory, f"{kind.lower()}-{group_version}", version)
    except FileNotFoundError:
        raise kubernetes_validate.SchemaNotFoundError(
            version=major_minor(version), kind=kind, api_version=api_version
        ) from None
    definitions = _schema(directory, "_definitions", version)
    registry = Resource.from_contents(definitions) @ (Resource.from_contents(schema) @ Registry())
    return jsonschema.validators.Draft202012Validator(
        _inlined(schema, definitions), registry=registry, format_checker=_formats()
    )


# Keywords whose value is one subschema, a list of them, or a mapping of names to them (JSON Schema 2020-12,
# with `definitions` and `additionalItems` of the drafts kubernetes-validate's files were converted from).
_SUBSCHEMA = frozenset(
    (
        "additionalProperties",
        "additionalItems",
        "items",
        "not",
        "if",
        "then",
        "else",
        "contains",
        "propertyNames",
        "unevaluatedItems",
        "unevaluatedProperties",
    )
)
_SUBSCHEMAS = frozenset(("allOf", "anyOf", "oneOf", "prefixItems"))
_NAMED_SUBSCHEMAS = frozenset(("properties", "patternProperties", "$defs", "definitions", "dependentSchemas"))


def _annotation(keyword: str) -> bool:
    """A keyword that describes and never validates: beside a `$ref`, it can go when the ref is inlined."""
    return keyword in ("description", "title", "default", "example", "examples") or keyword.startswith("x-")


def _inlined(schema: Any, definitions: Mapping[str, Any]) -> Any:
    """`schema` with each reference into the release's definitions replaced by the definition, itself
    inlined, built once and shared wherever it is referenced.

    The validator then walks the schema without a lookup in the registry per reference and per object
    (most of what validating a Deployment cost, bench/). It is the same schema: the errors, their instance
    paths and messages are those of the library's own validator (a test compares them). A reference back
    into a definition still being inlined (a recursive type), or one beside a keyword that validates, is
    kept, made absolute, and resolved by the registry as before."""
    base = str(definitions.get("$id", ""))
    named: Mapping[str, Any] = definitions.get("$defs") or {}
    done: dict[str, Any] = {}
    in_progress: set[str] = set()

    def definition_name(ref: str) -> str | None:
        document, _, fragment = ref.partition("#")
        if (document and not document.endswith("_definitions.json")) or not fragment.startswith("/$defs/"):
            return None
        name = fragment.removeprefix("/$defs/")
        return name if name in named else None

    def inline(node: Any) -> Any:
        if not isinstance(node, Mapping):
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in _SUBSCHEMA:
                out[key] = inline(value)
            elif key in _SUBSCHEMAS and isinstance(value, list):
                out[key] = [inline(item) for item in value]
            elif key in _NAMED_SUBSCHEMAS and isinstance(value, Mapping):
                out[key] = {name: inline(item) for name, item in value.items()}
            else:
                out[key] = value
        ref = out.get("$ref")
        name = definition_name(ref) if isinstance(ref, str) else None
        if name is None:
            return out
        if name in in_progress or not all(_annotation(key) for key in out if key != "$ref"):
            out["$ref"] = f"{base}#/$defs/{name}"
            return out
        if name not in done:
            in_progress.add(name)
            done[name] = inline(named[name])
            in_progress.discard(name)
        return done[name]

    return inline(schema)


def validate(manifest: Mapping[str, Any], cluster: CceVersion) -> None:
    """Raises ManifestError naming the failing path when the object breaks the schema, or a name rule
    of the API server that the schema does not carry."""
    import jsonschema

    validator = _validator(
        schema_version(cluster), str(manifest.get("kind")), str(manifest.get("apiVersion"))
    )
    try:
        validator.validate(dict(manifest))
    except jsonschema.ValidationError as exc:
        where = ".".join(str(p) for p in exc.path) or "(root)"
        raise ManifestError(f"{manifest.get('kind')} {where}: {_message(exc)}") from None
    for where, problem in apiserver_name_problems(manifest):
        raise ManifestError(f"{manifest.get('kind')} {where}: {problem}")


def _pod_spec(manifest: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]] | None:
    spec = manifest.get("spec")
    if not isinstance(spec, Mapping):
        return None
    if manifest.get("kind") == "Pod":
        return "spec", spec
    template = spec.get("template")
    pod = template.get("spec") if isinstance(template, Mapping) else None
    return ("spec.template.spec", pod) if isinstance(pod, Mapping) else None


def apiserver_name_problems(manifest: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Port names as the API server checks them. The OpenAPI schema types them as plain strings (the
    IANA_SVC_NAME and DNS_LABEL rules live only in its prose), so a schema-valid object can still be
    rejected at `pulumi up`: a container port name of 16 characters passed `kubernetes-validate`."""
    problems: list[tuple[str, str]] = []
    found = _pod_spec(manifest)
    if found is not None:
        prefix, pod = found
        seen: set[str] = set()
        for group in ("initContainers", "containers"):
            for c_index, container in enumerate(pod.get(group) or []):
                for p_index, port in enumerate((container or {}).get("ports") or []):
                    name = (port or {}).get("name")
                    if not isinstance(name, str):
                        continue
                    where = f"{prefix}.{group}.{c_index}.ports.{p_index}.name"
                    if problem := port_name_problem(name):
                        problems.append(
                            (where, f"container port name {name!r} is not an IANA_SVC_NAME: {problem}.")
                        )
                    elif name in seen:
                        problems.append((where, f"container port name {name!r} is used twice in the pod."))
                    seen.add(name)
    if manifest.get("kind") == "Service":
        spec = manifest.get("spec") or {}
        for index, port in enumerate(spec.get("ports") or [] if isinstance(spec, Mapping) else []):
            name = (port or {}).get("name")
            if isinstance(name, str) and not is_dns_1123_label(name):
                problems.append(
                    (f"spec.ports.{index}.name", f"Service port name {name!r} is not a DNS-1123 label.")
                )
    return problems
