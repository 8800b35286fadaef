"""cce-passthrough: a Kubernetes workload on Huawei Cloud CCE behind an ELB with pass-through, every
documented constraint checked at preview time.

The root is a lazy face: the public names load their layer on first use, so importing the pure layers
(`cce_passthrough.core`, `cce_passthrough.rules`) never loads Pulumi.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    __version__: str
    from .core.diagnostics import Diagnostic, Severity
    from .wiring.args import PassThroughServiceArgs
    from .wiring.component import PassThroughService
    from .wiring.publish import ConstraintViolation

__all__ = ["ConstraintViolation", "Diagnostic", "PassThroughService", "PassThroughServiceArgs", "Severity"]


def _installed_version() -> str:
    # pyproject.toml is the one place the version is written; the installed metadata carries it here,
    # to `cce-passthrough --version` and to the schema the provider serves. Read on first use: reading
    # package metadata costs more than the rest of `cce-passthrough rules` together.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cce-passthrough")
    except PackageNotFoundError:  # imported from a source tree that was never installed
        return "0.0.0+unknown"


_HOMES = {
    "ConstraintViolation": ".wiring.publish",
    "Diagnostic": ".core.diagnostics",
    "PassThroughService": ".wiring.component",
    "PassThroughServiceArgs": ".wiring.args",
    "Severity": ".core.diagnostics",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        globals()[name] = _installed_version()
        return globals()[name]
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
