"""The offline engine runs a program as the Pulumi language host's `pulumi-language-python-exec` runs it:
the program directory as `__main__` inside the root stack that `run_in_stack` makes, then the entrypoint
the program gave `pulumi.run` (Pulumi 3.254 on), awaited on the same event loop. The SDK's own mocks
finish their root stack at once, and such a stack refuses `pulumi.run`."""

from __future__ import annotations

from pathlib import Path

from cce_passthrough.offline.engine import OfflineMocks, run_program
from cce_passthrough.offline.plan import STACK_TYPE

PROGRAM = """
import asyncio

import pulumi


class Thing(pulumi.CustomResource):
    def __init__(self, name):
        super().__init__("test:index:Thing", name, {"size": 1})


pulumi.export("at_module", "a")


async def main():
    await asyncio.sleep(0)
    Thing("inside")
    pulumi.export("inside", "b")
    return {"returned": "c"}


pulumi.run(main)
"""


def _no_invokes(token: str, args: object) -> dict[str, object]:
    raise LookupError(token)


def test_an_entrypoint_given_to_pulumi_run_runs_in_the_stack_and_its_mapping_is_exported(
    tmp_path: Path,
) -> None:
    main = tmp_path / "__main__.py"
    main.write_text(PROGRAM)
    result = run_program(main, "launch", "dev", {}, [], OfflineMocks(_no_invokes))
    assert [d.render() for d in result.diagnostics] == []
    assert result.outputs == {"at_module": "a", "inside": "b", "returned": "c"}
    stacks = result.by_type(STACK_TYPE)
    assert len(stacks) == 1
    assert result.resource("inside").parent == stacks[0].urn
