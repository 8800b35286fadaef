"""Serves `PassThroughService` to Pulumi programs in any language (component provider host)."""

from pulumi.provider.experimental import component_provider_host

from cce_passthrough import PassThroughService
from cce_passthrough.wiring.schema import PACKAGE

if __name__ == "__main__":
    component_provider_host(name=PACKAGE, components=[PassThroughService])
