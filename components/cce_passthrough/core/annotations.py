"""The `kubernetes.io/elb.*` annotations of a service, built from the typed model, never by pasting strings."""

from __future__ import annotations

import json

from .model import ServiceConfig

PREFIX = "kubernetes.io/elb."
CLASS = "kubernetes.io/elb.class"
ID = "kubernetes.io/elb.id"
AUTOCREATE = "kubernetes.io/elb.autocreate"
PASS_THROUGH = "kubernetes.io/elb.pass-through"
HOST_NETWORK = "kubernetes.io/hws-hostNetwork"

# CCE refuses to change these after creation: a change must replace the Service, not patch it.
IMMUTABLE = (CLASS, ID, AUTOCREATE)
# Keys the component owns; setting them through `annotations` would fight the typed model.
OWNED = (*IMMUTABLE, PASS_THROUGH)

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
    """Pulumi property paths of the immutable annotations, for `replace_on_changes`."""
    return [f'metadata.annotations["{key}"]' for key in IMMUTABLE]
