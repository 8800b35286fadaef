"""The `kubernetes.io/elb.*` annotations of a service, built from the typed model, never by pasting strings."""

from __future__ import annotations

import json

from .model import ServiceConfig

PREFIX = "kubernetes.io/elb."
CLASS = "kubernetes.io/elb.class"
ID = "kubernetes.io/elb.id"
AUTOCREATE = "kubernetes.io/elb.autocreate"
PASS_THROUGH = "kubernetes.io/elb.pass-through"
PROTOCOL_PORT = "kubernetes.io/elb.protocol-port"
HOST_NETWORK = "kubernetes.io/hws-hostNetwork"

# CCE refuses to change these after creation: a change must replace the Service, not patch it.
IMMUTABLE = (CLASS, ID, AUTOCREATE)
# Keys the component owns; setting them through `annotations` would fight the typed model.
OWNED = (*IMMUTABLE, PASS_THROUGH)

# Why each field is planned as a replacement of the Service rather than a patch CCE would refuse or
# half-apply. Replacing a Service whose ELB CCE autocreated deletes that ELB (and its EIP) with it.
REPLACE_ON_CHANGE: dict[str, str] = {
    f'metadata.annotations["{CLASS}"]': "CCE refuses to change kubernetes.io/elb.class after creation",
    f'metadata.annotations["{ID}"]': "CCE refuses to change kubernetes.io/elb.id after creation",
    f'metadata.annotations["{AUTOCREATE}"]': "CCE refuses to change kubernetes.io/elb.autocreate after creation",
    f'metadata.annotations["{PROTOCOL_PORT}"]': "CCE takes kubernetes.io/elb.protocol-port only when the "
    "Service is created, never on an update",
    "spec.externalTrafficPolicy": "a changed service affinity keeps the old connection-tracking entries; CCE's "
    "docs say to create the Service again instead",
}

ONLY_LOCAL = "onlyLocal"


def pass_through_value(service: ServiceConfig) -> str | None:
    """The value CCE keeps: with Local CCE rewrites any value to onlyLocal, so we send that ourselves."""
    if service.external_traffic_policy == "Local":
        return ONLY_LOCAL
    return "true" if service.pass_through else None


def pass_through_on(service: ServiceConfig) -> bool:
    return pass_through_value(service) is not None


def autocreate_value(service: ServiceConfig) -> str | None:
    autocreate = service.elb.autocreate
    if autocreate is None:
        return None
    if service.elb.autocreate_json is not None:
        return service.elb.autocreate_json  # the annotation's own bytes, as the Service already has them
    return json.dumps(autocreate.to_annotation_object(), separators=(",", ":"))


def static_annotations(service: ServiceConfig) -> dict[str, str]:
    """Every annotation known from config alone; `elb.id` of a managed or shared ELB is added by the
    component once the id exists."""
    result = {key: value for key, value in service.annotations.items() if key not in OWNED}
    elb_class = service.elb.annotation_class
    if elb_class:
        result[CLASS] = elb_class
    autocreate = autocreate_value(service)
    if autocreate is not None:
        result[AUTOCREATE] = autocreate
    existing = service.elb.existing
    if existing is not None and isinstance(existing.id, str):
        result[ID] = existing.id
    pass_through = pass_through_value(service)
    if pass_through is not None:
        result[PASS_THROUGH] = pass_through
    if service.host_network:
        # CCE must know the backends listen on the node itself (documented for host-network pods).
        result.setdefault(HOST_NETWORK, "true")
    return result


def replace_on_changes_paths() -> list[str]:
    """Pulumi property paths of the fields CCE takes only at creation, for `replace_on_changes`."""
    return list(REPLACE_ON_CHANGE)


def short_field_name(path: str) -> str:
    """`metadata.annotations["kubernetes.io/elb.class"]` -> `elb.class`; `spec.externalTrafficPolicy` ->
    `externalTrafficPolicy`: how the tree names a replacement trigger."""
    if path.startswith('metadata.annotations["') and path.endswith('"]'):
        return path[len('metadata.annotations["') : -2].removeprefix("kubernetes.io/")
    return path.removeprefix("spec.")
