"""Property-based fuzzing: one knob for the example count of every target, and the figures of a run.

``CCE_PASSTHROUGH_FUZZ_EXAMPLES`` sets the examples per property for every fuzzed target (stack files,
component args, the state backend); unset, each property runs its small CI count, derandomized so that
a CI run is reproducible. ``CCE_PASSTHROUGH_FUZZ_FIGURES=FILE`` appends one JSON line per property when
the run ends: examples run, the longest one, and the process's peak memory (docs/reliability.md
"Fuzzing" quotes them).
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from hypothesis import HealthCheck, settings

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

    return run  # type: ignore[return-value]
