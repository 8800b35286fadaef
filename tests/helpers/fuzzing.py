"""Property-based fuzzing: one knob for the example count of every target, the figures of a run, and
what the targets share: hostile values, the edits a careless author makes, the canary secrets.

``CCE_PASSTHROUGH_FUZZ_EXAMPLES`` sets the examples per property for every fuzzed target (stack files,
component args, the state backend); unset, each property runs its small CI count, derandomized so that
a CI run is reproducible. ``CCE_PASSTHROUGH_FUZZ_FIGURES=FILE`` appends one JSON line per property when
the run ends (and ``FILE.progress`` every 100 examples while it runs): examples run, the longest one,
and the process's peak memory (docs/reliability.md "Fuzzing" quotes them).
"""

from __future__ import annotations

import atexit
import copy
import functools
import json
import os
import re
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from cce_passthrough.rules.catalogue import CATALOGUE

EXAMPLES_VARIABLE = "CCE_PASSTHROUGH_FUZZ_EXAMPLES"
FIGURES_VARIABLE = "CCE_PASSTHROUGH_FUZZ_FIGURES"
# What a property may do that Hypothesis warns about: slow examples (a whole preview), large inputs
# (they are the point), fixtures shared across examples (a server, a directory: reset by the test).
SUPPRESSED = [
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.filter_too_much,
    HealthCheck.function_scoped_fixture,
]

# A public ELB CCE creates with its EIP, every field the page requires: one valid value both fuzzers edit.
PUBLIC_AUTOCREATE = {
    "type": "public",
    "bandwidth_name": "bw",
    "bandwidth_chargemode": "bandwidth",
    "bandwidth_size": 5,
    "bandwidth_sharetype": "PER",
    "eip_type": "5_bgp",
}


def long_run() -> bool:
    return bool(os.environ.get(EXAMPLES_VARIABLE))


def examples(ci_count: int) -> int:
    """The examples per property: the knob's value, else this property's CI count."""
    value = os.environ.get(EXAMPLES_VARIABLE)
    return int(value) if value else ci_count


def fuzz_settings(ci_count: int) -> settings:
    """No deadline (the engine's own limits bound an example, not a timer), no example database (a
    clean clone runs what CI runs), derandomized unless the knob asks for a long run."""
    return settings(
        max_examples=examples(ci_count),
        deadline=None,
        database=None,
        derandomize=not long_run(),
        suppress_health_check=SUPPRESSED,
    )


@dataclass
class Figures:
    test: str
    examples: int = 0
    longest_seconds: float = 0.0
    total_seconds: float = 0.0
    started: float = field(default_factory=time.monotonic)

    def line(self) -> str:
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return json.dumps(
            {
                "test": self.test,
                "examples": self.examples,
                "longest_example_seconds": round(self.longest_seconds, 3),
                "seconds_in_examples": round(self.total_seconds, 2),
                "peak_rss_mib": round(peak_kib / 1024, 1),
            }
        )


_FIGURES: list[Figures] = []
F = TypeVar("F", bound=Callable[..., Any])


def _write_figures() -> None:
    path = os.environ.get(FIGURES_VARIABLE)
    if path:
        with Path(path).open("a", encoding="utf-8") as out:
            out.writelines(f"{figures.line()}\n" for figures in _FIGURES if figures.examples)


def _write_progress() -> None:
    """`FILE.progress`, rewritten every 100 examples: the figures so far of a long run still going."""
    path = os.environ.get(FIGURES_VARIABLE)
    if path:
        lines = "".join(f"{figures.line()}\n" for figures in _FIGURES if figures.examples)
        Path(f"{path}.progress").write_text(lines, encoding="utf-8")


atexit.register(_write_figures)


def measured(test: F) -> F:
    """Counts the examples of `test` and times the longest (put it between `@given` and the function)."""
    figures = Figures(f"{test.__module__}::{test.__name__}")
    _FIGURES.append(figures)

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return test(*args, **kwargs)
        finally:
            elapsed = time.perf_counter() - start
            figures.examples += 1
            figures.total_seconds += elapsed
            figures.longest_seconds = max(figures.longest_seconds, elapsed)
            if figures.examples % 100 == 0:
                _write_progress()

    return run  # type: ignore[return-value]


# Canary secrets: a run hands them to the program as secrets; no part of one may reach an output.
TOKEN = "k8sTokenCanary0123456789abcdefZZ"
ACCESS_KEY = "AKCanary9Q2x7Z"
KUBECONFIG = (
    "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://192.0.2.9:5443\n"
    f"users:\n- name: u\n  user:\n    token: {TOKEN}\n"
    "contexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n"
)
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
canary_texts = st.sampled_from([TOKEN, ACCESS_KEY, f"Bearer {TOKEN}", KUBECONFIG, f"registry/{ACCESS_KEY}:1"])
hostile_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([2**31 - 1, 2**31, -(2**31) - 1, 2**63, 2**64, -1, 0, 65536, 10**40]),
    st.floats(),
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "\x1b]0;pwned\x07\x1b[2J",
            "\u202eevil",
            "line\nforged: true",
            "\r\n",
            "null",
            "~",
            "yes",
            "0x10",
            "1e400",
            "-.inf",
            "v1.28 ",
            "V1.28",
            "1.28",
            "x" * 300,
            "é" * 70,
            "\U0001d518\U0001d52b\U0001d526",  # mathematical letters outside the BMP
            "../../etc/passwd",
            "${HOME}",
            "x" * 200_000,
        ]
    ),
    canary_texts,
    st.just({"secure": "v1:AAAAcipher"}),
)
NO_NEW_KEYS: st.SearchStrategy[Any] = st.nothing()
key_typos = st.sampled_from(["upper", "space", "drop", "double", "snake"])


def _typo(key: str, kind: str) -> Any:
    if not key:
        return "x"
    return {
        "upper": key.upper(),
        "space": f"{key} ",
        "drop": key[:-1] or "_",
        "double": key + key[-1],
        "snake": re.sub(r"([A-Z])", r"_\1", key).lower(),
    }[kind]


def _slots(node: Any) -> list[tuple[Any, Any]]:
    """Every (container, key or index) of the document, depth first."""
    found: list[tuple[Any, Any]] = []
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, child in list(children):
        found.append((node, key))
        found += _slots(child)
    return found


def mutate(
    data: st.DataObject,
    document: dict[str, Any],
    values: st.SearchStrategy[Any] = hostile_scalars,
    new_keys: st.SearchStrategy[Any] = NO_NEW_KEYS,
) -> None:
    """Up to four edits a careless or hostile author makes: a value replaced by one of `values`, a key
    dropped, misspelt or added (named by `new_keys` or any text, number or boolean), a value wrapped in
    a list or emptied."""
    for _ in range(data.draw(st.integers(0, 4), label="mutations")):
        slots = _slots(document)
        if not slots:
            return
        container, key = data.draw(st.sampled_from(slots), label="slot")
        action = data.draw(st.sampled_from(["value", "value", "delete", "typo", "add", "wrap", "empty"]))
        if action == "value":
            container[key] = copy.deepcopy(data.draw(values))
        elif action == "delete":
            del container[key]
        elif action == "typo" and isinstance(container, dict) and isinstance(key, str):
            container[_typo(key, data.draw(key_typos))] = container.pop(key)
        elif action == "add" and isinstance(
            container.get(key) if isinstance(container, dict) else None, dict
        ):
            name = data.draw(st.one_of(st.text(max_size=12), st.integers(), st.booleans(), new_keys))
            container[key][name] = copy.deepcopy(data.draw(values))
        elif action == "wrap":
            container[key] = [container[key]]
        elif action == "empty":
            container[key] = copy.deepcopy(data.draw(st.sampled_from([{}, [], {"": None}])))


def assert_no_secret(text: str, canaries: tuple[str, ...] = (TOKEN, ACCESS_KEY)) -> None:
    """No 10 characters in a row of a canary, compared without case (a secret lower-cased into a
    suggested name counts too)."""
    lowered = text.lower()
    parts = {canary[i : i + 10].lower() for canary in canaries for i in range(len(canary) - 9)}
    leaked = sorted(part for part in parts if part in lowered)
    assert not leaked, leaked


def assert_coded(diagnostics: list[dict[str, Any]]) -> None:
    for diagnostic in diagnostics:
        assert diagnostic["code"] in CATALOGUE, diagnostic
        assert diagnostic["field"] and diagnostic["fix"] and diagnostic["message"], diagnostic
        assert diagnostic["severity"] in ("error", "warning", "info"), diagnostic
