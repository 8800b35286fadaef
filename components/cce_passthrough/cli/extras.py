"""The optional parts of the package (pyproject.toml's extras). A command that needs a missing one stops
before it runs anything, with one line that names the pip command installing exactly that extra.

The package metadata and shlex are read only to write that line: `preview` imports this module on
every run."""

from __future__ import annotations

import importlib
import sys

# flag -> (module it imports, extra that installs the module)
EXTRAS = {
    "--policy-pack": ("pulumi_policy", "policy"),
    "--render": ("kubernetes_validate", "render"),
    # the extra installs the kubernetes client and the Huawei SDKs together
    "verify": ("kubernetes", "live"),
}


def extra_requirements(extra: str) -> list[str]:
    """The extra's requirements as the installed metadata lists them: pyproject.toml writes them once."""
    from importlib.metadata import PackageNotFoundError, requires

    try:
        declared = requires("cce-passthrough") or []
    except PackageNotFoundError:
        return []
    found: list[str] = []
    for line in declared:
        requirement, _, marker = line.partition(";")
        if marker.replace("'", '"').replace(" ", "") == f'extra=="{extra}"':
            found.append(requirement.strip())
    return found


def missing_extra(flag: str) -> str | None:
    """None when what `flag` needs imports; else the one-line error for it."""
    module, extra = EXTRAS[flag]
    try:
        importlib.import_module(module)
    except ModuleNotFoundError:  # the module, or one of its own dependencies: either way, not installed
        import shlex

        requirements = extra_requirements(extra) or [module]
        command = shlex.join([sys.executable, "-m", "pip", "install", *requirements])
        return (
            f"cce-passthrough: error: {flag} needs the `{extra}` extra ({', '.join(requirements)}), "
            f"which is not installed here; install it with: {command}"
        )
    return None
