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

# The other documented keys a user may set through `annotations` (cce-elb-annotations.md §1).
LB_ALGORITHM = f"{PREFIX}lb-algorithm"
SESSION_AFFINITY_MODE = f"{PREFIX}session-affinity-mode"
SESSION_AFFINITY_OPTION = f"{PREFIX}session-affinity-option"
HEALTH_CHECK_FLAG = f"{PREFIX}health-check-flag"
HEALTH_CHECK_OPTION = f"{PREFIX}health-check-option"
HEALTH_CHECK_OPTIONS = f"{PREFIX}health-check-options"
CERT_ID = f"{PREFIX}cert-id"
CLIENT_CA_CERT_ID = f"{PREFIX}client-ca-cert-id"
TLS_CERTIFICATE_IDS = f"{PREFIX}tls-certificate-ids"
HTTP2_ENABLE = f"{PREFIX}http2-enable"
KEEPALIVE_TIMEOUT = f"{PREFIX}keepalive_timeout"
CLIENT_TIMEOUT = f"{PREFIX}client_timeout"
MEMBER_TIMEOUT = f"{PREFIX}member_timeout"
ADAPTIVE_WEIGHT = f"{PREFIX}adaptive-weight"
ACL_ID = f"{PREFIX}acl-id"
ACL_STATUS = f"{PREFIX}acl-status"
ACL_TYPE = f"{PREFIX}acl-type"
TRANSPARENT_CLIENT_IP = f"{PREFIX}transparent-client-ip"
TAGS = f"{PREFIX}tags"
ENTERPRISE_ID = f"{PREFIX}enterpriseID"
CUSTOM_EIP_ID = f"{PREFIX}custom-eip-id"
SUBNET_ID = f"{PREFIX}subnet-id"
EIP_ID = f"{PREFIX}eip-id"
CUSTOM_EIP_STATUS = f"{PREFIX}custom-eip-status"
INSTANCE_RECLAIM_POLICY = f"{PREFIX}instance-reclaim-policy"
MARK = f"{PREFIX}mark"
# On an Ingress, not a Service: the ELB listeners CCE makes for it.
INGRESS_PORT = f"{PREFIX}port"
INGRESS_LISTEN_PORTS = f"{PREFIX}listen-ports"
# Written by CCE onto Services it manages (eip-id and custom-eip-status with an autocreated public ELB
# [OTC-EIP], mark on the Services read back in field reports); a manifest that carries them was read back.
CCE_WRITTEN = (EIP_ID, CUSTOM_EIP_STATUS, MARK)
# Older keys that current CCE pages replaced, with the key that replaced them.
LEGACY_KEYS = {"kubernetes.io/session-affinity-mode": SESSION_AFFINITY_MODE}

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
# The values of elb.pass-through that turn it on: the documented "true", and the "onlyLocal" CCE writes
# itself under externalTrafficPolicy: Local.
PASS_THROUGH_ON = frozenset({"true", ONLY_LOCAL})


def pass_through_value(service: ServiceConfig) -> str | None:
    """The value CCE keeps: with Local CCE rewrites any value to onlyLocal, so we send that ourselves."""
    if service.external_traffic_policy == "Local":
        return ONLY_LOCAL
    return "true" if service.pass_through else None


def pass_through_on(service: ServiceConfig) -> bool:
    return pass_through_value(service) is not None


# The key order of `kubernetes.io/elb.autocreate` as CCE's documentation writes the object. CCE and
# Pulumi compare this immutable annotation as a string: another order for the same object replaces the
# Service (and CCE then deletes its ELB and releases its EIP). So the order is fixed here, never taken
# from the model, and reproduces the documented examples byte for byte:
AUTOCREATE_KEY_ORDER = (
    # the CCE pass-through page (seed) and every shared example of cce_10_0385 / cce_10_0924
    "type",
    "bandwidth_name",
    "bandwidth_chargemode",
    "bandwidth_size",
    "bandwidth_sharetype",
    "eip_type",
    "name",
    # the dedicated examples of cce_10_0924 and cce_10_0385, which go on in this order
    "available_zone",
    "elb_virsubnet_ids",
    "l7_flavor_name",
    "l4_flavor_name",
    "vip_subnet_cidr_id",
    # in no example: the order of the autocreate field table (cce_10_0385 table 15), then the
    # Huawei-only fields alphabetically
    "ipv6_vip_virsubnet_id",
    "vip_address",
    "ipv6_bandwidth_id",
    "l4_flavor_id",
    "l7_flavor_id",
)
# Separators as in the documented examples: no spaces.
AUTOCREATE_SEPARATORS = (",", ":")


def autocreate_text(fields: dict[str, object]) -> str:
    """The annotation text of an autocreate object: documented key order, documented separators."""
    rank = {key: index for index, key in enumerate(AUTOCREATE_KEY_ORDER)}
    ordered = dict(sorted(fields.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0])))
    return json.dumps(ordered, separators=AUTOCREATE_SEPARATORS)


def autocreate_value(service: ServiceConfig) -> str | None:
    autocreate = service.elb.autocreate
    if autocreate is None:
        return None
    if service.elb.autocreate_json is not None:
        return service.elb.autocreate_json  # the annotation's own bytes, as the Service already has them
    return autocreate_text(autocreate.to_annotation_object())


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
