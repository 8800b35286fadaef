"""Config paths, as every finding names its field: `services[1].elb.autocreate.bandwidth_size`."""

from __future__ import annotations

from collections.abc import Iterable


def join(prefix: str, tail: str) -> str:
    """`services[0]` + `elb.class`; a component's own args have the empty prefix."""
    if not prefix:
        return tail
    return f"{prefix}{tail}" if tail.startswith("[") else f"{prefix}.{tail}"


def from_location(prefix: str, location: Iterable[int | str]) -> str:
    """The path of a pydantic error location (`("ports", 0, "port")`) under `prefix`."""
    path = prefix
    for part in location:
        # An empty key would vanish from the path (found by fuzzing: a finding without a field).
        path = join(path, f"[{part}]" if isinstance(part, int) else str(part) or '[""]')
    return path
