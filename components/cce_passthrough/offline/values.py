"""Values as the plan holds them: unknowns as COMPUTED, integral floats (protobuf numbers) as ints, every
secret masked wherever it shows."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

import pulumi
from pulumi.output import Unknown
from pulumi.runtime import rpc

from ..core.model import integral_to_int
from ..core.secrets import SECRET
from .plan import COMPUTED, PlanResult


def plain(value: Any, secrets: set[str] | None = None) -> Any:
    """Inputs as data: unknowns as COMPUTED, integral floats (protobuf numbers) as ints, secrets as
    SECRET (their plain text added to `secrets`, so that it can be masked wherever else it shows)."""
    if isinstance(value, Unknown) or value is rpc.UNKNOWN:
        return COMPUTED
    if isinstance(value, float):
        return integral_to_int(value)
    if isinstance(value, Mapping):
        if value.get(rpc._special_sig_key) == rpc._special_secret_sig:
            if secrets is not None:
                secrets.update(secret_strings(value.get("value")))
            return _secret_shape(value.get("value"))
        return {str(k): plain(v, secrets) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v, secrets) for v in value]
    if isinstance(value, pulumi.Resource):
        return f"<resource {type(value).__name__}>"
    return value


def _secret_shape(value: Any) -> Any:
    """A secret as SECRET; a secret mapping or list keeps its shape with SECRET at every leaf, so that a
    rendered object still has the type its schema wants (`data:` of a ConfigMap is an object)."""
    if isinstance(value, Mapping) and value.get(rpc._special_sig_key) == rpc._special_secret_sig:
        return _secret_shape(value.get("value"))
    if isinstance(value, Mapping):
        return {str(k): _secret_shape(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_secret_shape(v) for v in value]
    return SECRET


def canonical(value: Any) -> Any:
    """Mappings with their keys sorted, at every depth: inputs cross the monitor as protobuf Structs,
    whose key order is not stable from run to run."""
    if isinstance(value, Mapping):
        return {k: canonical(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    return value


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


# A secret this long is also masked inside longer strings (a token in a URL, a key in a JSON text);
# a shorter one only where a value equals it, so that a secret "prod" does not mangle "production".
SUBSTRING_MASK_MIN = 8


def mask(value: Any, secrets: set[str]) -> Any:
    """`value` with every string equal to, or (for long ones) containing, a secret replaced by SECRET."""
    if not secrets:
        return value
    # Longest first, so that a secret containing another is masked whole, whatever the set's order.
    long = sorted((s for s in secrets if len(s) >= SUBSTRING_MASK_MIN), key=lambda s: (-len(s), s))

    def masked(item: Any) -> Any:
        if isinstance(item, str):
            if item in secrets:
                return SECRET
            for secret in long:
                item = item.replace(secret, SECRET)
            return item
        if isinstance(item, Mapping):
            return {masked(k): masked(v) for k, v in item.items()}
        if isinstance(item, list):
            return [masked(v) for v in item]
        return item

    return masked(value)


def mask_result(result: PlanResult) -> None:
    secrets = {s for s in result.secrets if s and s != SECRET}
    if not secrets:
        return
    for resource in result.resources:
        resource.inputs = mask(resource.inputs, secrets)
    result.outputs = mask(result.outputs, secrets)
    result.diagnostics = [
        replace(d, field=mask(d.field, secrets), message=mask(d.message, secrets), fix=mask(d.fix, secrets))
        for d in result.diagnostics
    ]
