"""What the repository's top-level `__main__.py` runs. Pulumi's Python language host starts that directory in
two roles, and only one of them comes with a resource monitor:

- `pulumi up` / `pulumi preview` in the directory: the host's program runner (`pulumi-language-python-exec`)
  configures the SDK with the engine's resource monitor, then runs `__main__.py`: the Pulumi program.
- `pulumi package add <this repository>` (and, later, the `pulumi up` of the program that added it): the host
  runs the plugin as `python <plugin directory> <engine address> [flags]` from the plugin's virtualenv, with no
  monitor (`RunPlugin` in sdk/python/cmd/pulumi-language-python/main.go; the engine passes "." as the entry
  point and ignores a `main:` in PulumiPlugin.yaml): the component provider serves `PassThroughService`.
"""

from __future__ import annotations

import pulumi.runtime.settings


def launched_as_plugin() -> bool:
    """No resource monitor configured: nobody is running a deployment, so this is the plugin launch."""
    return pulumi.runtime.settings.get_monitor() is None


def serve_provider() -> None:
    """The component provider: prints its port, then answers GetSchema, Construct... until the engine stops it."""
    from pulumi.provider.experimental import component_provider_host

    from .. import __version__
    from .component import PassThroughService
    from .schema import PACKAGE

    component_provider_host(name=PACKAGE, components=[PassThroughService], version=__version__)


def main() -> None:
    if launched_as_plugin():
        serve_provider()
        return
    from .program import main as run_program

    run_program()
