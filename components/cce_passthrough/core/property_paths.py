"""Property paths in the engine's syntax, as `ignoreChanges`, `replaceOnChanges` and the provider's diff
spell them: `metadata.annotations["kubernetes.io/elb.id"]`, `spec.ports[0].nodePort`, `a[*].b`."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

PropertyPath = tuple[str | int, ...]

# What `value_at` gives for a path with an absent part: a value of its own, unequal to anything else.
ABSENT: Any = object()

_SEGMENT = re.compile(r'\.?([A-Za-z0-9_$*-]+)|\[(\d+|\*)\]|\["((?:[^"\\]|\\.)*)"\]')


def parse_path(text: str) -> PropertyPath:
    """`metadata.annotations["x.y"]` -> ("metadata", "annotations", "x.y"); `a[0]` -> ("a", 0)."""
    parts: list[str | int] = []
    position = 0
    while position < len(text):
        match = _SEGMENT.match(text, position)
        if match is None or match.end() == position:
            raise ValueError(f"not a property path: {text!r}")
        name, index, quoted = match.groups()
        if name is not None:
            parts.append(name)
        elif index is not None:
            parts.append("*" if index == "*" else int(index))
        else:
            parts.append(quoted.replace('\\"', '"'))
        position = match.end()
    return tuple(parts)


def format_path(path: Sequence[str | int]) -> str:
    """The provider's spelling of a diff path: `.` between plain keys, `["..."]` for keys with `.`, `"`,
    `[` or `]`, `[N]` for indexes."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif any(c in part for c in '."[]'):
            escaped = part.replace('"', '\\"')
            text += f'["{escaped}"]'
        else:
            text += f".{part}" if text else part
    return text


def value_at(value: Any, path: str) -> Any:
    """The value at a property path of `value`, or ABSENT when any part of it is absent."""
    for part in parse_path(path):
        in_list = isinstance(part, int) and isinstance(value, list) and part < len(value)
        in_mapping = isinstance(part, str) and isinstance(value, Mapping) and part in value
        if not (in_list or in_mapping):
            return ABSENT
        value = value[part]
    return value
