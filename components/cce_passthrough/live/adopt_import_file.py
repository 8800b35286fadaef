"""The `pulumi import --file` document for an adopted Service and its Deployment: built from the resources
the program plans, so that names, parents and the provider match the program's own."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

DEPLOYMENT_TYPE = "kubernetes:apps/v1:Deployment"
SERVICE_TYPE = "kubernetes:core/v1:Service"
COMPONENT_TYPE = "cce-passthrough:index:PassThroughService"


@dataclass(frozen=True)
class PlannedObject:
    """What the import file needs of a planned resource: its type, name, URN, parent and provider."""

    type: str
    name: str
    urn: str
    parent: str | None
    provider: str | None


_STACK_TYPE_PREFIX = "pulumi:pulumi:Stack$"


def engine_urn(urn: str) -> str:
    """The URN the engine gives: the SDK's mock monitor qualifies top-level types with the root stack's
    (`pulumi:pulumi:Stack$...`), the engine does not."""
    parts = urn.split("::")
    if len(parts) >= 4 and parts[2].startswith(_STACK_TYPE_PREFIX):
        parts[2] = parts[2][len(_STACK_TYPE_PREFIX) :]
    return "::".join(parts)


def import_document(
    component: PlannedObject, children: Sequence[PlannedObject], ids: Mapping[str, str]
) -> dict[str, Any]:
    """`pulumi import --file` input: the component (no id, `component: true`) and its Deployment and Service
    under it, with the program's Kubernetes provider, so that the imported state is the program's own.
    `ids`: resource name -> `namespace/name`."""
    name_table: dict[str, str] = {}
    resources: list[dict[str, Any]] = [{"type": component.type, "name": component.name, "component": True}]
    if component.parent and "::pulumi:pulumi:Stack::" not in component.parent:
        name_table["parent"] = engine_urn(component.parent)
        resources[0]["parent"] = "parent"
    for child in children:
        item: dict[str, Any] = {
            "type": child.type,
            "name": child.name,
            "id": ids[child.name],
            "parent": component.name,
        }
        if child.provider:
            urn = child.provider.split("::")[:-1]
            provider_urn = "::".join(urn) if urn and urn[0].startswith("urn:pulumi:") else child.provider
            provider_urn = engine_urn(provider_urn)
            provider_name = provider_urn.rsplit("::", 1)[-1]
            name_table.setdefault(provider_name, provider_urn)
            item["provider"] = provider_name
        resources.append(item)
    document: dict[str, Any] = {"resources": resources}
    if name_table:
        document["nameTable"] = name_table
    return document
