"""The package schema other Pulumi languages see, inferred from the component's typed args."""

import json
from typing import Any

PACKAGE = "cce-passthrough"


def package_schema(version: str) -> dict[str, Any]:
    from pulumi.provider.experimental.component import ComponentProvider

    from .component import PassThroughService

    provider = ComponentProvider([PassThroughService], PACKAGE, version=version)
    text = provider.schema
    if text is None:
        raise RuntimeError("the component provider produced no schema")
    schema: dict[str, Any] = json.loads(text)
    return schema
