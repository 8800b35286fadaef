"""How a shape finding speaks: the stack file's own key names and an example of a valid value for each
key, never a class of the model (`ElbConfig`) or a validator's jargon."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core.diagnostics import shown

# An example of each key as a stack file writes it (camelCase, autocreate's own snake_case).
EXAMPLES: dict[str, str] = {
    "cluster": "cluster: {version: v1.28, flavor: standard, kubeProxyMode: iptables}",
    "services": "services: [{name: web, image: nginx:latest, ports: [{name: http, port: 80}], "
    "elb: {class: shared, autocreate: {type: inner, name: web-elb}}}]",
    "createNamespaces": "createNamespaces: true",
    "production": "production: true",
    # cluster
    "lookup": "lookup: false",
    "version": "version: v1.28",
    "flavor": "flavor: standard",
    "kubeProxyMode": "kubeProxyMode: iptables",
    "vpcId": "vpcId: 3b6c7a52-2f6e-4d0b-9a4c-5b0d7f0c1e21",
    "containerNetworkType": "containerNetworkType: vpc-router",
    # a service
    "name": "name: web",
    "namespace": "namespace: default",
    "image": "image: nginx:latest",
    "replicas": "replicas: 2",
    "ports": "ports: [{name: http, port: 80, targetPort: 80, protocol: TCP}]",
    "port": "port: 80",
    "targetPort": "targetPort: 8080",
    "protocol": "protocol: TCP",
    "nodePort": "nodePort: 30080",
    "resources": "resources: {requests: {cpu: 100m, memory: 200Mi}, limits: {cpu: 100m, memory: 200Mi}}",
    "requests": "requests: {cpu: 100m, memory: 200Mi}",
    "limits": "limits: {cpu: 100m, memory: 200Mi}",
    "imagePullSecrets": "imagePullSecrets: [default-secret]",
    "externalTrafficPolicy": "externalTrafficPolicy: Cluster",
    "passThrough": "passThrough: true",
    "hostNetwork": "hostNetwork: false",
    "annotations": "annotations: {kubernetes.io/elb.lb-algorithm: ROUND_ROBIN}",
    "labels": "labels: {app: web}",
    "serviceLabels": "serviceLabels: {app: web}",
    "deploymentLabels": "deploymentLabels: {app: web}",
    "selector": "selector: {app: web}",
    "containerName": "containerName: container-0",
    "containerPorts": "containerPorts: true",
    # elb
    "elb": "elb: {class: shared, autocreate: {type: inner, name: web-elb}}",
    "class": "class: shared",
    "autocreate": "autocreate: {type: inner, name: web-elb}",
    "autocreateJson": """autocreateJson: '{"type":"inner","name":"web-elb"}'""",
    "existing": "existing: {id: 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d}",
    "id": "id: 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
    "shareWith": "shareWith: web",
    "managed": "managed: {subnetId: 5c1e0f7a-9d2b-4e83-a6f4-0b7c3d2e1f90}",
    "subnetId": "subnetId: 5c1e0f7a-9d2b-4e83-a6f4-0b7c3d2e1f90",
    "ipv4SubnetId": "ipv4SubnetId: 5c1e0f7a-9d2b-4e83-a6f4-0b7c3d2e1f90",
    "availabilityZones": "availabilityZones: [cn-north-4a]",
    "l4FlavorId": "l4FlavorId: <id from dedicatedelb.get_flavors>",
    "l7FlavorId": "l7FlavorId: <id from dedicatedelb.get_flavors>",
    "eip": "eip: {type: 5_bgp, bandwidth: {shareType: PER, name: web-bandwidth, size: 5}}",
    "bandwidth": "bandwidth: {shareType: PER, name: web-bandwidth, size: 5}",
    "shareType": "shareType: PER",
    "size": "size: 5",
    "chargeMode": "chargeMode: traffic",
    "protect": "protect: true",
    # autocreate, CCE's own keys
    "type": "type: public",
    "bandwidth_name": "bandwidth_name: cce-bandwidth",
    "bandwidth_chargemode": "bandwidth_chargemode: bandwidth",
    "bandwidth_size": "bandwidth_size: 5",
    "bandwidth_sharetype": "bandwidth_sharetype: PER",
    "eip_type": "eip_type: 5_bgp",
    "vip_subnet_cidr_id": "vip_subnet_cidr_id: 5c1e0f7a-9d2b-4e83-a6f4-0b7c3d2e1f90",
    "vip_address": "vip_address: 192.168.0.10",
    "ipv6_vip_virsubnet_id": "ipv6_vip_virsubnet_id: <network id>",
    "ipv6_bandwidth_id": "ipv6_bandwidth_id: <shared bandwidth id>",
    "elb_virsubnet_ids": "elb_virsubnet_ids: [<network id>]",
    "available_zone": "available_zone: [cn-north-4a]",
    "l4_flavor_name": "l4_flavor_name: L4_flavor.elb.s1.small",
    "l7_flavor_name": "l7_flavor_name: L7_flavor.elb.s1.small",
    "l4_flavor_id": "l4_flavor_id: <id from dedicatedelb.get_flavors>",
    "l7_flavor_id": "l7_flavor_id: <id from dedicatedelb.get_flavors>",
}
# Where a key means something else under another parent.
_BY_PARENT: dict[tuple[str, str], str] = {
    ("eip", "type"): "type: 5_bgp",
    ("bandwidth", "name"): "name: web-bandwidth",
    ("bandwidth", "id"): "id: <shared bandwidth id>",
    ("managed", "name"): "name: web-elb",
    ("autocreate", "name"): "name: web-elb",
    ("ports", "name"): "name: http",
}
# One item of a list, by the list's key.
_ITEMS: dict[str, str] = {
    "services": "{name: web, image: nginx:latest, ports: [{name: http, port: 80}], elb: {class: shared, "
    "autocreate: {type: inner}}}",
    "ports": "{name: http, port: 80, targetPort: 80, protocol: TCP}",
    "imagePullSecrets": "default-secret",
    "availabilityZones": "cn-north-4a",
    "available_zone": "cn-north-4a",
    "elb_virsubnet_ids": "<network id>",
}


def example(loc: tuple[int | str, ...]) -> str | None:
    """An example of a valid value at `loc`, written as in a stack file."""
    keys = [part for part in loc if isinstance(part, str)]
    if not keys:
        return None
    if isinstance(loc[-1], int):
        item = _ITEMS.get(keys[-1])
        return f"- {item} (an item of {keys[-1]})" if item else None
    key, parent = keys[-1], keys[-2] if len(keys) > 1 else ""
    return _BY_PARENT.get((parent, key)) or EXAMPLES.get(key)


def _what(loc: tuple[int | str, ...]) -> str:
    if not loc:
        return "the value"
    if isinstance(loc[-1], int):
        keys = [part for part in loc if isinstance(part, str)]
        return f"each item of {keys[-1]}" if keys else "each item"
    return str(loc[-1])


_KINDS = {
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "list_type": "a list",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "string_type": "text",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
}


def wrong_value(err: Mapping[str, Any]) -> tuple[str, str]:
    """(message, fix) for a value of the wrong type or outside its choices."""
    loc: tuple[int | str, ...] = tuple(err["loc"])
    what, given, kind = _what(loc), err.get("input"), err["type"]
    if kind == "literal_error":
        expected = str((err.get("ctx") or {}).get("expected", "")).replace("'", "")
        message = f"{what} must be {expected} (got {shown(given)})."
    elif kind == "union_type":
        kinds = dict.fromkeys(_KINDS.get(k, "another type") for k in err["ctx"]["kinds"])
        message = f"{what} must be {' or '.join(kinds)} (got {shown(given)})."
    elif kind in _KINDS:
        message = f"{what} must be {_KINDS[kind]} (got {shown(given)})."
        if kind.startswith("int") and isinstance(given, str) and given.strip().lstrip("-").isdigit():
            message = f"{what} must be a whole number, not the text {shown(given)}: write it without quotes."
    else:
        message = f"{what}: {err['msg']} (got {shown(given)})."
    sample = example(loc)
    fix = (
        f"Write it as in this example: {sample}."
        if sample
        else "Give it the type the README's table documents."
    )
    return message, fix


def missing_key(loc: tuple[int | str, ...]) -> tuple[str, str]:
    key = _what(loc)
    sample = example(loc)
    fix = f"Add {key}, e.g. {sample}." if sample else f"Add {key} (see the README's configuration table)."
    return f"required key {key!r} is missing.", fix
