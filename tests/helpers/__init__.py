"""What the tests build: stacks run through the real program offline (`stacks`), rule cases evaluated
purely (`rule_cases`), the Pulumi language host stand-in (`langhost`)."""

from .stacks import (
    FIXTURES,
    ROOT,
    STACKS,
    STANDARD_CLUSTER,
    FixtureInvokes,
    planned,
    run_stack,
    service,
    write_stack,
)

__all__ = [
    "FIXTURES",
    "ROOT",
    "STACKS",
    "STANDARD_CLUSTER",
    "FixtureInvokes",
    "planned",
    "run_stack",
    "service",
    "write_stack",
]
