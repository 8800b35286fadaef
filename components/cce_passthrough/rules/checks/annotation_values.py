"""The documented value forms of `kubernetes.io/elb.*` annotations: each validator returns the problems of
one value (a suffix of the annotation's field path, what is wrong); the findings are made by the checker."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from ...core.model import UUID
from ...core.spelling import did_you_mean


class Problem(NamedTuple):
    suffix: str
    """Appended to the annotation's field path, e.g. `[0].delay`."""
    message: str
    unknown_field: bool = False
    """A field the documentation does not name (a warning: CCE's pages are silent on what it does)."""


Validator = Callable[[str], list[Problem]]


def one_of(*allowed: str) -> Validator:
    def check(value: str) -> list[Problem]:
        if value in allowed:
            return []
        shown = " | ".join(repr(a) for a in allowed)
        return [Problem("", f"{value!r} is not one of {shown}.")]

    return check


BOOLEAN = one_of("true", "false")


def integer(low: int, high: int, unit: str = "") -> Validator:
    def check(value: str) -> list[Problem]:
        problem = integer_problem(value, low, high, unit)
        return [Problem("", problem)] if problem else []

    return check


def integer_problem(
    value: object, low: int, high: int, unit: str = "", strings_only: bool = True
) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return f"{value!r} is not a whole number in {low}-{high}{unit}."
    if isinstance(value, int):
        if strings_only:
            return f'{value!r} must be a string ("{value}"), as every value of this JSON is.'
        number = value
    elif re.fullmatch(r"[0-9]+", value.strip()):  # ASCII only: CCE reads no other digits
        number = int(value)
    else:
        return f"{value!r} is not a whole number in {low}-{high}{unit}."
    if not low <= number <= high:
        return f"{number} is outside {low}-{high}{unit}."
    return None


def text(low: int, high: int) -> Validator:
    def check(value: str) -> list[Problem]:
        if low <= len(value) <= high:
            return []
        return [Problem("", f"{len(value)} characters; {low}-{high} are allowed.")]

    return check


def id_list(most: int | None, allow_empty: bool = False) -> Validator:
    """Comma-separated ids, no blanks; `allow_empty`: the empty string itself means something."""

    def check(value: str) -> list[Problem]:
        if value == "":
            return [] if allow_empty else [Problem("", "the value is empty.")]
        ids = [part.strip() for part in value.split(",")]
        problems: list[Problem] = []
        if any(not part for part in ids):
            problems.append(Problem("", f"{value!r} has an empty entry between commas."))
        if most is not None and len(ids) > most:
            problems.append(Problem("", f"{len(ids)} ids; at most {most} are allowed."))
        return problems

    return check


def uuid_or_zero(value: str) -> list[Problem]:
    if value == "0" or UUID.match(value):
        return []
    return [Problem("", f"{value!r} is neither an enterprise project id (a UUID) nor '0'.")]


def tags(value: str) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for entry in value.split(","):
        key, sep, _ = entry.partition("=")
        if not sep or not key.strip():
            problems.append(Problem("", f"{entry!r} is not key=value."))
        elif key.strip() in seen:
            problems.append(Problem("", f"tag key {key.strip()!r} appears twice."))
        seen.add(key.strip())
    return problems


_PROTOCOL_PORT = re.compile(r"^(?P<proto>[A-Za-z]+):(?P<port>\d+)$")


LISTENER_PROTOCOLS = ("http", "https", "tls")


def protocol_ports(value: str) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[int] = set()
    for entry in value.split(","):
        match = _PROTOCOL_PORT.match(entry.strip())
        if not match:
            problems.append(Problem("", f"{entry!r} is not proto:port (e.g. http:80)."))
            continue
        proto, port = match["proto"], int(match["port"])
        if proto not in LISTENER_PROTOCOLS:
            problems.append(Problem("", f"protocol {proto!r} in {entry!r} is not one of http, https, tls."))
        if port in seen:
            problems.append(Problem("", f"port {port} is listed twice."))
        seen.add(port)
    return problems


def parse_protocol_ports(value: str | None) -> dict[int, str]:
    """Port -> listener protocol (upper case), for the well-formed entries only (the rest is PT404)."""
    result: dict[int, str] = {}
    for entry in (value or "").split(","):
        match = _PROTOCOL_PORT.match(entry.strip())
        if match and match["proto"] in LISTENER_PROTOCOLS:
            result.setdefault(int(match["port"]), match["proto"].upper())
    return result


@dataclass(frozen=True)
class JsonField:
    check: Callable[[object], str | None]
    required: bool = False


def _string_int(
    low: int, high: int, unit: str = "", strings_only: bool = True
) -> Callable[[object], str | None]:
    return lambda value: integer_problem(value, low, high, unit, strings_only)


def _json_enum(*allowed: str) -> Callable[[object], str | None]:
    return lambda value: None if value in allowed else f"{value!r} is not one of {', '.join(allowed)}."


def _json_text(low: int, high: int) -> Callable[[object], str | None]:
    def check(value: object) -> str | None:
        if isinstance(value, str) and low <= len(value) <= high:
            return None
        return f"{value!r} is not a string of {low}-{high} characters."

    return check


# `target_service_port` of a per-port health check: the Service port it checks, as PROTOCOL:port.
TARGET_SERVICE_PORT = re.compile(r"(TCP|UDP):([0-9]+)")


def _target_service_port(value: object) -> str | None:
    if isinstance(value, str) and TARGET_SERVICE_PORT.fullmatch(value):
        return None
    return f"{value!r} is not PROTOCOL:port (e.g. TCP:80, UDP:53)."


def _any_string(value: object) -> str | None:
    return None if isinstance(value, str) else f"{value!r} is not a string."


def _check_object(fields: Mapping[str, JsonField], data: object, suffix: str) -> list[Problem]:
    if not isinstance(data, dict):
        return [Problem(suffix, f"expected a JSON object, got {type(data).__name__}.")]
    problems: list[Problem] = []
    for key, value in data.items():
        spec = fields.get(key)
        if spec is None:
            hint = did_you_mean(str(key), list(fields))
            problems.append(Problem(f"{suffix}.{key}", f"unknown field {key!r}.{hint}", unknown_field=True))
            continue
        problem = spec.check(value)
        if problem:
            problems.append(Problem(f"{suffix}.{key}", problem))
    for key, spec in fields.items():
        if spec.required and key not in data:
            problems.append(Problem(f"{suffix}.{key}", f"required field {key!r} is missing."))
    return problems


def loaded_json(value: str | None) -> Any:
    """The JSON an annotation holds; None when it holds none or none that parses (that is PT404's)."""
    if value is None:
        return None
    data, problems = _loads(value)
    return None if problems else data


def _loads(value: str) -> tuple[Any, list[Problem]]:
    try:
        return json.loads(value), []
    except (ValueError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
        return None, [Problem("", f"not valid JSON ({exc}).")]


def json_object(fields: Mapping[str, JsonField]) -> Validator:
    def check(value: str) -> list[Problem]:
        data, problems = _loads(value)
        return problems or _check_object(fields, data, "")

    return check


def json_array(fields: Mapping[str, JsonField], unique: str) -> Validator:
    def check(value: str) -> list[Problem]:
        data, problems = _loads(value)
        if problems:
            return problems
        if not isinstance(data, list) or not data:
            return [Problem("", "expected a non-empty JSON array of objects, one per port.")]
        seen: set[object] = set()
        for index, item in enumerate(data):
            problems += _check_object(fields, item, f"[{index}]")
            key = item.get(unique) if isinstance(item, dict) else None
            if not isinstance(key, str):  # a non-string key is reported by the field check above
                continue
            if key in seen:
                problems.append(Problem(f"[{index}].{unique}", f"{key!r} is covered twice."))
            seen.add(key)
        return problems

    return check


HEALTH_CHECK_PROTOCOLS = ("TCP", "UDP", "HTTP")


SESSION_AFFINITY_FIELDS = {"persistence_timeout": JsonField(_string_int(1, 60, " minutes"), required=True)}


HEALTH_CHECK_FIELDS = {
    "delay": JsonField(_string_int(1, 50, " s")),
    "timeout": JsonField(_string_int(1, 50, " s")),
    "max_retries": JsonField(_string_int(1, 10)),
    "protocol": JsonField(_json_enum(*HEALTH_CHECK_PROTOCOLS)),
    "path": JsonField(_json_text(1, 80)),
}


# The per-port form's documented example writes numbers as strings too, but does not say they must be.
HEALTH_CHECK_PORT_FIELDS = {
    "target_service_port": JsonField(_target_service_port, required=True),
    "monitor_port": JsonField(_string_int(1, 65535, strings_only=False)),
    "delay": JsonField(_string_int(1, 50, " s", strings_only=False)),
    "timeout": JsonField(_string_int(1, 50, " s", strings_only=False)),
    "max_retries": JsonField(_string_int(1, 10, strings_only=False)),
    "protocol": JsonField(_json_enum(*HEALTH_CHECK_PROTOCOLS)),
    "path": JsonField(_json_text(1, 80)),
    "expected_codes": JsonField(_any_string),
}
