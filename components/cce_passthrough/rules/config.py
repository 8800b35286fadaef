"""Stack config (or component args) -> typed model, with every shape problem as a coded diagnostic.

Each service is parsed on its own, so one broken service does not hide the findings of the others.
"""

from __future__ import annotations

import copy
import re
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from ..core.diagnostics import MAX_FIELD, Diagnostic, cut, shown
from ..core.model import ClusterConfig, ServiceConfig
from ..core.paths import from_location
from ..core.spelling import closest, did_you_mean
from .catalogue import rule
from .checks.elb_source import elb_class_problem
from .checks.new_elb import autocreate_problem
from .checks.spec import duplicate_name
from .config_words import missing_key, wrong_value

Loc = tuple[int | str, ...]


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    """The BaseModel inside `X | None`, `list[X]`, `dict[str, X]`, `Annotated[X, ...]`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is None:
        return None
    for arg in typing.get_args(annotation):
        if origin is typing.Annotated or origin in (typing.Union, types.UnionType, list, dict):
            found = _nested_model(arg)
            if found:
                return found
    return None


def _keys_of(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _allowed_keys(root: type[BaseModel], parent: Loc) -> list[str]:
    model: type[BaseModel] | None = root
    for part in parent:
        if model is None:
            return []
        if isinstance(part, int):
            continue
        by_key = {info.alias or name: info for name, info in model.model_fields.items()}
        by_key.update(model.model_fields)
        info = by_key.get(part)
        model = _nested_model(info.annotation) if info else None
    return _keys_of(model) if model else []


def _snake(key: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key).lower()


def _rejected_paths(root: type[BaseModel], errors: Iterable[Mapping[str, Any]]) -> frozenset[str]:
    """What each shape finding already covers, as service-relative snake_case paths: the rejected value,
    and for a misspelt key the key it was meant to be (a `klass` is the missing `class`)."""
    paths: set[str] = set()
    for err in errors:
        loc: Loc = tuple(err["loc"])
        covered = [loc]
        if err["type"] == "extra_forbidden":
            meant = closest(str(loc[-1]), _allowed_keys(root, loc[:-1]))
            if meant is not None:
                covered.append((*loc[:-1], meant))
        for item in covered:
            paths.add(from_location("", (_snake(p) if isinstance(p, str) else p for p in item)))
    return frozenset(paths)


def wrong_type(resource: str | None, where: str, message: str, fix: str | None = None) -> Diagnostic:
    """PT902: a value of the wrong type, or one that cannot be read."""
    return rule("PT902").finding(resource, where, message, fix)


def missing(resource: str | None, where: str, message: str, fix: str | None = None) -> Diagnostic:
    """PT903: a required key is missing."""
    return rule("PT903").finding(resource, where, message, fix)


def _diagnostic(
    root: type[BaseModel], prefix: str, resource: str | None, err: Mapping[str, Any]
) -> Diagnostic:
    loc: Loc = tuple(err["loc"])
    path = from_location(prefix, loc)
    kind = err["type"]
    names = [p for p in loc if isinstance(p, str)]
    if "autocreate" in names and names[-1] != "autocreate":
        if kind == "extra_forbidden":
            allowed = _allowed_keys(root, loc[:-1])
            hint = did_you_mean(str(loc[-1]), allowed)
            return autocreate_problem(
                resource,
                path,
                f"autocreate has no field {shown(loc[-1])}.{hint}",
                f"Remove {shown(loc[-1])}; autocreate fields are: {', '.join(allowed)}.",
            )
        return autocreate_problem(resource, path, *wrong_value(err))
    if names and names[-1] == "class" and "elb" in names:
        return elb_class_problem(resource, path, *wrong_value(err))
    if kind == "extra_forbidden":
        allowed = _allowed_keys(root, loc[:-1])
        hint = did_you_mean(str(loc[-1]), allowed)
        return rule("PT901").finding(
            resource,
            path,
            f"unknown key {shown(loc[-1])}.{hint}",
            f"Remove or rename {shown(loc[-1])}; allowed here: {', '.join(allowed)}." if allowed else None,
        )
    if kind == "missing":
        return missing(resource, path, *missing_key(loc))
    return wrong_type(resource, path, *wrong_value(err))


def _validate(
    model: type[BaseModel], raw: object, prefix: str, resource: str | None
) -> tuple[Any, list[Diagnostic]]:
    """The model and every shape finding. When only some values are bad, those values are dropped
    and the rest parsed again, so the rules still see (and report on) everything that is valid."""
    try:
        return model.model_validate(raw), []
    except ValidationError as exc:
        problems = _one_per_union(model, raw, exc.errors())
        diags = [_diagnostic(model, prefix, resource, err) for err in problems]
        rejected = _rejected_paths(model, problems)
        pruned = copy.deepcopy(raw)
        for _ in range(5):
            if not all(_prune(pruned, tuple(err["loc"])) for err in problems):
                return None, diags
            try:
                parsed = model.model_validate(pruned)
            except ValidationError as again:
                problems = _one_per_union(model, pruned, again.errors())
                continue
            if isinstance(parsed, (ServiceConfig, ClusterConfig)):
                parsed = parsed.with_rejected(rejected)
            return parsed, diags
        return None, diags


def _several_types(annotation: Any) -> bool:
    """`int | str`, `str | SharedElbRef | None`: pydantic reports each member's error under its own tag."""
    if typing.get_origin(annotation) not in (typing.Union, types.UnionType):
        return False
    return sum(arg is not type(None) for arg in typing.get_args(annotation)) > 1


def _union_tag_index(root: type[BaseModel], loc: Loc) -> int | None:
    """Where in `loc` pydantic put the tag of a union's member (`function-before[...]`, `str`), if anywhere."""
    model: type[BaseModel] | None = root
    union_before = False
    for index, part in enumerate(loc):
        if isinstance(part, int):
            continue
        if union_before:
            return index
        fields = {info.alias or name: info for name, info in model.model_fields.items()} if model else {}
        info = fields.get(part) or (model.model_fields.get(part) if model else None)
        if info is None:
            model = None  # a key of a mapping, or an unknown key
            continue
        union_before = _several_types(info.annotation)
        model = _nested_model(info.annotation)
    return None


def _value_at(data: Any, loc: Loc) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _one_per_union(
    root: type[BaseModel], raw: Any, errors: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """pydantic's errors, those of a value that fits no member of a union merged into one at the value:
    `targetPort: [8080, 8081]` is one mistake, not one per type targetPort may have."""
    problems: list[dict[str, Any]] = []
    unions: dict[Loc, dict[str, Any]] = {}
    for err in errors:
        loc: Loc = tuple(err["loc"])
        tag = _union_tag_index(root, loc)
        if tag is None:
            problems.append(dict(err))
            continue
        at = loc[:tag]
        kind = err["type"] if len(loc) == tag + 1 else "model_type"
        if at in unions:
            unions[at]["ctx"]["kinds"].append(kind)
            continue
        unions[at] = {"loc": at, "type": "union_type", "input": _value_at(raw, at), "ctx": {"kinds": [kind]}}
        problems.append(unions[at])
    return problems


def _prune(data: Any, loc: Loc) -> bool:
    """Remove the value at `loc` (its default applies then); False when it cannot be removed."""
    if not loc:
        return False
    parent = data
    for part in loc[:-1]:
        try:
            parent = parent[part]
        except (KeyError, IndexError, TypeError):
            return True  # already gone with an enclosing value
    last = loc[-1]
    if isinstance(parent, dict) and last in parent:
        del parent[last]
        return True
    return isinstance(parent, dict)  # a missing key cannot be pruned into existence


def parse_cluster(raw: object, prefix: str = "cluster") -> tuple[ClusterConfig | None, list[Diagnostic]]:
    parsed, diags = _validate(ClusterConfig, raw, prefix, None)
    return parsed, diags


def parse_service(raw: object, prefix: str) -> tuple[ServiceConfig | None, list[Diagnostic]]:
    name = raw.get("name") if isinstance(raw, Mapping) else None
    parsed, diags = _validate(ServiceConfig, raw, prefix, name if isinstance(name, str) else None)
    return parsed, diags


@dataclass
class ParsedStack:
    """The typed model of what is evaluated: a stack's config, one component's args, or the Services of a
    plan. `diagnostics` are the shape findings; a service that could not be parsed is not in `services`."""

    cluster: ClusterConfig | None
    services: list[ServiceConfig]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # config path of each parsed service, e.g. services[1] (empty for a component's own args), by name
    paths: dict[str, str] = field(default_factory=dict)
    create_namespaces: bool | None = None
    """`createNamespaces`: True, the stack creates its services' namespaces; False, they exist already;
    None, not said (a preview then notes the namespaces the cluster must already have)."""
    production: bool = False
    """`production: true`: what the stack creates in the cloud is protected unless a service says not."""


# Every key of the `cce-passthrough:` config namespace the program reads.
NAMESPACE_KEYS = ("cluster", "services", "createNamespaces", "production", "kubeconfig")


def check_namespace_keys(keys: Iterable[str]) -> list[Diagnostic]:
    """PT901 for each key of the namespace that the program does not read (`kubeConfig`, `clustr`):
    a misspelt key would be ignored, and its value with it."""
    findings = []
    for key in sorted(set(keys) - set(NAMESPACE_KEYS)):
        hint = did_you_mean(key, NAMESPACE_KEYS)
        findings.append(
            rule("PT901").finding(
                None,
                cut(key, MAX_FIELD),
                f"unknown key {shown(key)} in the cce-passthrough namespace; the program never reads it.{hint}",
                f"Remove or rename {shown(key)}; the namespace's keys are: {', '.join(NAMESPACE_KEYS)}.",
            )
        )
    return findings


def parse_create_namespaces(raw: str | None) -> tuple[bool | None, list[Diagnostic]]:
    """`cce-passthrough:createNamespaces` as the program reads it: config text, `true` or `false`."""
    return _parse_flag(
        "createNamespaces",
        raw,
        "Write createNamespaces: true to have the stack create its namespaces, or false when they exist.",
    )


def parse_production(raw: str | None) -> tuple[bool, list[Diagnostic]]:
    """`cce-passthrough:production`: unset is false."""
    flag, diags = _parse_flag(
        "production",
        raw,
        "Write production: true for a stack whose ELB, EIP and bandwidth must be protected, else false.",
    )
    return bool(flag), diags


def _parse_flag(key: str, raw: str | None, fix: str) -> tuple[bool | None, list[Diagnostic]]:
    if raw is None:
        return None, []
    if raw in ("true", "false"):
        return raw == "true", []
    return None, [rule("PT902").finding(None, key, f"{key} must be true or false (got {raw!r}).", fix)]


def _protected_in_production(service: ServiceConfig) -> ServiceConfig:
    """A managed ELB whose stack is production is protected unless `protect` is said (PT218 if false)."""
    managed = service.elb.managed
    if managed is None or "protect" in managed.model_fields_set:
        return service
    elb = service.elb.model_copy(update={"managed": managed.model_copy(update={"protect": True})})
    return service.model_copy(update={"elb": elb})


def parse_stack(
    cluster: object,
    services: object,
    create_namespaces: str | None = None,
    namespace_keys: Iterable[str] = (),
    production: str | None = None,
) -> ParsedStack:
    """The `cce-passthrough:` config namespace (`cluster`, `services` as objects, `createNamespaces` as
    config text); None means the key is absent. `namespace_keys`: every key set in the namespace
    (without `cce-passthrough:`), each checked."""
    create, diags = parse_create_namespaces(create_namespaces)
    is_production, found_production = parse_production(production)
    diags = check_namespace_keys(namespace_keys) + diags + found_production
    parsed_cluster: ClusterConfig | None = None
    if cluster is None:
        diags.append(missing(None, "cluster", *missing_key(("cluster",))))
    else:
        parsed_cluster, found = parse_cluster(cluster)
        diags += found
    parsed: list[ServiceConfig] = []
    paths: dict[str, str] = {}
    if services is None:
        diags.append(missing(None, "services", *missing_key(("services",))))
    elif not isinstance(services, list):
        diags.append(
            wrong_type(
                None, "services", *wrong_value({"loc": ("services",), "type": "list_type", "input": services})
            )
        )
    else:
        for index, raw in enumerate(services):
            prefix = f"services[{index}]"
            service, found = parse_service(raw, prefix)
            diags += found
            if service is not None and service.name in paths:
                # Kept out of the model: every path is looked up by name, so its findings would land on
                # the first service of that name.
                diags.append(
                    duplicate_name(
                        service.name,
                        f"{prefix}.name",
                        f"{paths[service.name]} is already named {service.name!r}.",
                    )
                )
            elif service is not None:
                parsed.append(_protected_in_production(service) if is_production else service)
                paths[service.name] = prefix
    return ParsedStack(parsed_cluster, parsed, diags, paths, create, is_production)


def parse_component_args(name: str, args: Mapping[str, Any]) -> ParsedStack:
    """A component's args (snake_case, `cluster` inside) as a stack of one service at the empty path."""
    raw = dict(args)
    raw_cluster = raw.pop("cluster", None)
    raw["name"] = name
    service, diags = parse_service(raw, "")
    cluster, found = parse_cluster(raw_cluster if raw_cluster is not None else {})
    services = [service] if service is not None else []
    return ParsedStack(cluster, services, diags + found, {s.name: "" for s in services})
