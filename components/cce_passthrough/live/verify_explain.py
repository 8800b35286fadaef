"""Why a probe's traffic did not reach the ELB, or could not connect at all: the annotation or cluster fact
that explains it, with the CCE page that documents it."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

from ..core import annotations as ann
from ..core.versions import CceVersion, VersionError
from .errors import LiveError
from .kube import Kube
from .verify_settings import ClusterFacts
from .verify_targets import Target

PASS_THROUGH_PAGE = "https://support.huaweicloud.com/intl/en-us/usermanual-cce/cce_10_0355.html"


def explain_not_reached(target: Target, cluster: ClusterFacts, same_elb: Sequence[Any]) -> str:
    """The annotation or cluster fact that lets kube-proxy answer in-cluster requests to the address."""
    value = target.annotations.get(ann.PASS_THROUGH)
    if value not in ann.PASS_THROUGH_ON:
        shown = "is not set" if value is None else f'is "{value}"'
        return (
            f"{ann.PASS_THROUGH} {shown} on the live Service, so kube-proxy answers in-cluster requests to "
            f"{target.address} on the node itself ({PASS_THROUGH_PAGE})"
        )
    if cluster.version:
        try:
            version = CceVersion.parse(cluster.version)
        except VersionError:
            version = None
        if version is not None and not version.at_least_minor(1, 19):
            return (
                f"the cluster runs {cluster.version}; pass-through needs v1.19 or later ({PASS_THROUGH_PAGE})"
            )
    if cluster.kube_proxy_mode == "ipvs" and same_elb:
        names = ", ".join(f"{s.metadata.namespace}/{s.metadata.name}" for s in same_elb)
        return (
            f"kube-proxy runs in IPVS mode and {names} on the same ELB has no pass-through: IPVS binds the "
            f"ELB address on every node for all Services of that ELB ({PASS_THROUGH_PAGE})"
        )
    return (
        f"{ann.PASS_THROUGH} is {value!r} and no cluster fact explains it: check that CCE applied the "
        "annotation (the Service's events) and that nothing else on the nodes routes the address"
    )


def same_elb_without_pass_through(kube: Kube, target: Target) -> list[Any]:
    if not target.elb_id:
        return []
    try:
        services = kube.call("list Services", kube.core.list_service_for_all_namespaces).items
    except LiveError:
        return []  # an explanation is a bonus: a denied list must not cost the verdict
    found = []
    for service in services:
        annotations = service.metadata.annotations or {}
        if annotations.get(ann.ID) != target.elb_id:
            continue
        if (service.metadata.namespace, service.metadata.name) == (target.namespace, target.service):
            continue
        if annotations.get(ann.PASS_THROUGH) not in ann.PASS_THROUGH_ON:
            found.append(service)
    return found


def explain_unreachable(target: Target, node: str | None, busy: set[str], public: bool) -> str:
    if target.dedicated and node is not None and node in busy:
        return (
            f"the probe ran on node {node}, which hosts a backend pod: with a dedicated ELB on a CCE Standard "
            f"cluster the ELB's private IP is unreachable from such a node ({PASS_THROUGH_PAGE}); run without --node"
        )
    if public:
        return (
            f"{target.address} is a public address: with pass-through the request leaves the VPC, so the node "
            "needs an egress route (NAT gateway or EIP); also check the listener and security group"
        )
    return (
        f"nothing answered on {target.address}:{target.port}: check the ELB's listener and the security group"
    )


def is_public(address: str | None) -> bool:

    try:
        return address is not None and ipaddress.ip_address(address).is_global
    except ValueError:
        return False
