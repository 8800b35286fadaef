"""pydantic's validation errors as one per mistake, before they become findings: the errors of a value that
fits no member of a union (`targetPort: [8080, 8081]`) as one, and an unknown key standing where a required
key is missing (`existing: {address: ...}`) as one. Pure: no Pulumi import."""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel

from ..core.spelling import closest

Loc = tuple[int | str, ...]


def nested_model(annotation: Any) -> type[BaseModel] | None:
    """The BaseModel inside `X | None`, `list[X]`, `dict[str, X]`, `Annotated[X, ...]`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is None:
        return None
    for arg in typing.get_args(annotation):
        if origin is typing.Annotated or origin in (typing.Union, types.UnionType, list, dict):
            found = nested_model(arg)
            if found:
                return found
    return None


def keys_of(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def allowed_keys(root: type[BaseModel], parent: Loc) -> list[str]:
    model: type[BaseModel] | None = root
    for part in parent:
        if model is None:
            return []
        if isinstance(part, int):
            continue
        by_key = {info.alias or name: info for name, info in model.model_fields.items()}
        by_key.update(model.model_fields)
        info = by_key.get(part)
        model = nested_model(info.annotation) if info else None
    return keys_of(model) if model else []


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
        model = nested_model(info.annotation)
    return None


def _value_at(data: Any, loc: Loc) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def one_per_union(
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


def unknown_for_missing(root: type[BaseModel], errors: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Where a mapping has exactly one unknown key that resembles no key of its own, and exactly one required
    key missing, the unknown key was written for the missing one: one error, the unknown key's, which names
    the key it stands for (`instead_of`). Two separate mistakes would still both be named in it."""
    errors = list(errors)
    unknown: dict[Loc, list[dict[str, Any]]] = {}
    absent: dict[Loc, list[dict[str, Any]]] = {}
    for err in errors:
        loc: Loc = tuple(err["loc"])
        if err["type"] == "extra_forbidden" and closest(str(loc[-1]), allowed_keys(root, loc[:-1])) is None:
            unknown.setdefault(loc[:-1], []).append(err)
        elif err["type"] == "missing":
            absent.setdefault(loc[:-1], []).append(err)
    merged: set[int] = set()
    for parent, extras in unknown.items():
        missing = absent.get(parent, [])
        if len(extras) == 1 and len(missing) == 1:
            extras[0]["instead_of"] = str(tuple(missing[0]["loc"])[-1])
            merged.add(id(missing[0]))
    return [err for err in errors if id(err) not in merged]
