"""What a program's stack exports, as the engine reads them once the program has run."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
from pulumi.output import UNKNOWN, contains_unknowns

from ..core.secrets import SECRET
from .values import plain, secret_strings

_PROMPT = (str, int, float, bool, type(None))


async def _settled(value: Any) -> tuple[Any, bool]:
    """`value` with every output in it awaited, as `Output.from_input` unwraps it (an unknown output as
    UNKNOWN), and whether any part of it is secret. `from_input` itself makes an output and a task for
    every key and item at every depth: for the stack's exports, a few dozen per service (bench/)."""
    if isinstance(value, _PROMPT):
        return value, False
    if isinstance(value, pulumi.Output):
        secret, known = await value.is_secret(), await value.is_known()
        inner = await value.future(with_unknowns=True)
        if not known and not contains_unknowns(inner):
            return UNKNOWN, secret
        settled, inner_secret = await _settled(inner)
        return settled, secret or inner_secret
    if isinstance(value, dict) and value:
        items = [(key, await _settled(item)) for key, item in value.items()]
        return {key: item for key, (item, _) in items}, any(secret for _, (_, secret) in items)
    if isinstance(value, (list, tuple)) and value:
        parts = [await _settled(item) for item in value]
        settled = [item for item, _ in parts]
        return (tuple(settled) if isinstance(value, tuple) else settled), any(s for _, s in parts)
    # Anything else (an args class, an awaitable) as the SDK unwraps it.
    output = pulumi.Output.from_input(value)
    return await output.future(with_unknowns=True), await output.is_secret()


async def _resolve(value: Any, secrets: set[str]) -> Any:
    settled, secret = await _settled(value)
    if secret:
        # As `Output.future()` gives it: nothing while any part is unknown.
        secrets.update(secret_strings(None if contains_unknowns(settled) else settled))
        return SECRET
    return plain(settled, secrets)


async def stack_outputs(root: pulumi.Resource, secrets: set[str]) -> dict[str, Any]:
    exported: Mapping[str, Any] = getattr(root, "outputs", {}) or {}
    return {key: await _resolve(value, secrets) for key, value in exported.items()}
