"""What a `verify` run is told: the timing, the user's options and what the stack declares about the
cluster, and the callback that reports progress."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from . import probe


@dataclass(frozen=True)
class Timing:
    """Seconds. Injectable so that tests run the whole flow against the fakes in a second or two."""

    poll_interval: float = 15.0
    baseline_window: float = 600.0
    sample_interval: float = 60.0  # Cloud Eye's raw period for ELB metrics, when the data cannot tell
    schedule_grace: float = 120.0
    pause: float = 1.0  # between two requests of the probe


@dataclass(frozen=True)
class Options:
    stack: str
    services: tuple[str, ...] = ()
    requests: int = 10
    timeout: float = 300.0
    node: str | None = None
    image: str = probe.DEFAULT_IMAGE
    timing: Timing = field(default_factory=Timing)


@dataclass(frozen=True)
class ClusterFacts:
    """What the stack declares about the cluster (the live API cannot tell Turbo or the proxy mode)."""

    version: str | None = None
    flavor: str | None = None  # standard | turbo
    kube_proxy_mode: str | None = None


Progress = Callable[[str], None]
