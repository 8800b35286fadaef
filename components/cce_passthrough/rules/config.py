"""Stack config (or component args) -> typed model, with every shape problem as a coded diagnostic.

Each service is parsed on its own, so one broken service does not hide the findings of the others.
"""

from __future__ import annotations

import re
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
from .shape_errors import Loc, allowed_keys, one_per_union, unknown_for_missing


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
            meant = err.get("instead_of") or closest(str(loc[-1]), allowed_keys(root, loc[:-1]))
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
            allowed = allowed_keys(root, loc[:-1])
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
    if kind == "extra_forbidden" and err.get("instead_of"):
        meant = str(err["instead_of"])
        return rule("PT901").finding(
            resource,
            path,
            f"unknown key {shown(loc[-1])} where the required key {shown(meant)} is missing.",
            f"Replace {shown(loc[-1])} with {missing_key((*loc[:-1], meant))[1].removeprefix('Add ')}",
        )
    if kind == "extra_forbidden":
        allowed = allowed_keys(root, loc[:-1])
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
        problems = unknown_for_missing(model, one_per_union(model, raw, exc.errors()))
        diags = [_diagnostic(model, prefix, resource, err) for err in problems]
        rejected = _rejected_paths(model, problems)
        pruned = _containers_copied(raw)
        for _ in range(5):
            if not all(_prune(pruned, tuple(err["loc"])) for err in problems):
                return None, diags
            try:
                parsed = model.model_validate(pruned)
            except ValidationError as again:
                problems = unknown_for_missing(model, one_per_union(model, pruned, again.errors()))
                continue
            if isinstance(parsed, (ServiceConfig, ClusterConfig)):
                parsed = parsed.with_rejected(rejected)
            return parsed, diags
        return None, diags


def _containers_copied(value: Any) -> Any:
    """`value` with each dict and list copied and every other value shared: pruning edits only the
    containers, and a value of the caller's (a Pulumi Output, an object of its own) may refuse to be
    copied (found by fuzzing: an Output among component args with a misspelt key failed the program)."""
    if isinstance(value, dict):
        return {key: _containers_copied(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_containers_copied(inner) for inner in value]
    return value


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


# Every key of the `cce-passthrough:` config namespace the program reads, and then those only the live
# commands read (`clusterId`: the CCE cluster doctor and preview --live show).
NAMESPACE_KEYS = ("cluster", "services", "createNamespaces", "production", "kubeconfig")
LIVE_KEYS = ("clusterId",)


def check_namespace_keys(keys: Iterable[str]) -> list[Diagnostic]:
    """PT901 for each key of the namespace that the program does not read (`kubeConfig`, `clustr`):
    a misspelt key would be ignored, and its value with it."""
    findings = []
    for key in sorted(set(keys) - set(NAMESPACE_KEYS) - set(LIVE_KEYS)):
        hint = did_you_mean(key, NAMESPACE_KEYS)
        findings.append(
            rule("PT901").finding(
                None,
                cut(key, MAX_FIELD) or "cce-passthrough:",  # the empty key, named as written
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
    # A misspelt `clustr` or `service` has its PT901 with did-you-mean: the key it meant is not missing too.
    meant = {
        closest(key, NAMESPACE_KEYS) for key in set(namespace_keys) - set(NAMESPACE_KEYS) - set(LIVE_KEYS)
    }
    parsed_cluster: ClusterConfig | None = None
    if cluster is None:
        if "cluster" not in meant:
            diags.append(missing(None, "cluster", *missing_key(("cluster",))))
    else:
        parsed_cluster, found = parse_cluster(cluster)
        diags += found
    parsed: list[ServiceConfig] = []
    paths: dict[str, str] = {}
    if services is None:
        if "services" not in meant:
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
