"""Stack outputs as the preview prints them: every export read exactly as the SDK's `Output.from_input`
unwraps it (nested outputs, unknowns, secrets), without the output per key and depth that `from_input`
makes (issue 13: a few dozen per service at fleet scale)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pulumi
import pytest
from pulumi.output import UNKNOWN

from cce_passthrough.core.secrets import SECRET
from cce_passthrough.offline.exports import _resolve
from cce_passthrough.offline.values import plain, secret_strings


async def through_the_sdk(value: Any, secrets: set[str]) -> Any:
    """What the preview printed before: the export through `Output.from_input`."""
    output = pulumi.Output.from_input(value)
    if await output.is_secret():
        secrets.update(secret_strings(await output.future()))
        return SECRET
    return plain(await output.future(with_unknowns=True), secrets)


def unknown() -> pulumi.Output[Any]:
    """An output a preview cannot know (a computed field of a resource not yet created)."""

    async def value() -> Any:
        return None

    async def known() -> bool:
        return False

    return pulumi.Output(set(), value(), known())


EXPORTS: dict[str, Callable[[], Any]] = {
    "a plain string": lambda: "web",
    "an empty mapping": lambda: {},
    "an output of a string": lambda: pulumi.Output.from_input("web"),
    "an unknown output": unknown,
    "a mapping of outputs, one unknown": lambda: {
        "service_name": pulumi.Output.from_input("web"),
        "elb_id": unknown(),
        "public_ip": pulumi.Output.from_input(None),
    },
    "an output whose value holds outputs": lambda: pulumi.Output.from_input("x").apply(
        lambda _: {"inner": pulumi.Output.from_input(["a", pulumi.Output.from_input(2.0)])}
    ),
    "a tuple and a list": lambda: {"t": ("a", pulumi.Output.from_input(1)), "l": [True, None]},
    "a secret inside a mapping": lambda: {
        "name": "web",
        "token": pulumi.Output.secret("canary-token-3e1d"),
    },
    "a secret next to an unknown": lambda: [pulumi.Output.secret("canary-token-9a7c"), unknown()],
    "an output of a mapping with an unknown value": lambda: pulumi.Output.from_input(
        {"annotations": {"kubernetes.io/elb.id": UNKNOWN}}
    ),
}


@pytest.mark.parametrize("case", EXPORTS, ids=list(EXPORTS))
def test_an_export_reads_as_the_sdk_unwraps_it(case: str) -> None:
    async def both() -> tuple[Any, set[str], Any, set[str]]:
        expected_secrets: set[str] = set()
        expected = await through_the_sdk(EXPORTS[case](), expected_secrets)
        secrets: set[str] = set()
        found = await _resolve(EXPORTS[case](), secrets)
        return expected, expected_secrets, found, secrets

    loop = asyncio.new_event_loop()
    try:
        expected, expected_secrets, found, secrets = loop.run_until_complete(both())
    finally:
        loop.close()
    assert found == expected
    assert secrets == expected_secrets
