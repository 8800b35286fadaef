"""Values as the plan holds them: unknowns as COMPUTED, integral floats (protobuf numbers) as ints, every
secret masked wherever it shows."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any

import pulumi
from pulumi.output import Unknown
from pulumi.runtime import rpc

from ..core.model import integral_to_int
from ..core.secrets import SECRET, Masker
from .plan import COMPUTED, PlanResult


def plain(value: Any, secrets: set[str] | None = None, sort_keys: bool = False) -> Any:
    """Inputs as data: unknowns as COMPUTED, integral floats (protobuf numbers) as ints, secrets as
    SECRET (their plain text added to `secrets`, so that it can be masked wherever else it shows).

    `sort_keys`: mappings with their keys sorted, at every depth, in the same pass: inputs cross the
    monitor as protobuf Structs, whose key order is not stable from run to run."""
    if isinstance(value, Unknown) or value is rpc.UNKNOWN:
        return COMPUTED
    if isinstance(value, float):
        return integral_to_int(value)
    if isinstance(value, Mapping):
        if value.get(rpc._special_sig_key) == rpc._special_secret_sig:
            if secrets is not None:
                secrets.update(secret_strings(value.get("value")))
            return _secret_shape(value.get("value"), sort_keys)
        return {str(k): plain(value[k], secrets, sort_keys) for k in _keys(value, sort_keys)}
    if isinstance(value, (list, tuple)):
        return [plain(v, secrets, sort_keys) for v in value]
    if isinstance(value, pulumi.Resource):
        return f"<resource {type(value).__name__}>"
    return value


def _keys(mapping: Mapping[Any, Any], sort_keys: bool) -> Iterable[Any]:
    return sorted(mapping, key=str) if sort_keys else mapping


def _secret_shape(value: Any, sort_keys: bool) -> Any:
    """A secret as SECRET; a secret mapping or list keeps its shape with SECRET at every leaf, so that a
    rendered object still has the type its schema wants (`data:` of a ConfigMap is an object)."""
    if isinstance(value, Mapping) and value.get(rpc._special_sig_key) == rpc._special_secret_sig:
        return _secret_shape(value.get("value"), sort_keys)
    if isinstance(value, Mapping):
        return {str(k): _secret_shape(value[k], sort_keys) for k in _keys(value, sort_keys)}
    if isinstance(value, (list, tuple)):
        return [_secret_shape(v, sort_keys) for v in value]
    return SECRET


def secret_strings(value: Any) -> Iterator[str]:
    """Every string leaf of a (deserialized) value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from secret_strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from secret_strings(item)


def mask(value: Any, secrets: set[str]) -> Any:
    """`value` with every secret, and every part of one worth masking, replaced by SECRET."""
    return Masker(secrets)(value)


def mask_result(result: PlanResult) -> None:
    masker = Masker(result.secrets)
    if not masker:
        return
    for resource in result.resources:
        # Names and URNs too (a service named after a secret): masked alike everywhere, so that parents,
        # providers and dependencies still point at the resources they name.
        resource.inputs = masker(resource.inputs)
        resource.name = masker.text(resource.name)
        resource.urn = masker.text(resource.urn)
        resource.parent = None if resource.parent is None else masker.text(resource.parent)
        resource.provider = None if resource.provider is None else masker.text(resource.provider)
        resource.dependencies = masker(resource.dependencies)
        resource.property_dependencies = masker(resource.property_dependencies)
    result.outputs = masker(result.outputs)
    result.diagnostics = [
        replace(
            d,
            resource=None if d.resource is None else masker.text(d.resource),
            field=masker.text(d.field),
            message=masker.text(d.message),
            fix=masker.text(d.fix),
        )
        for d in result.diagnostics
    ]
