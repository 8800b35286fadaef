"""Cluster facts the checks rest on, from the declared config and, when lookup is on, from
`huaweicloud.cce.get_cluster`. Pure: the invoke itself lives in wiring/lookup.py, behind `Cloud`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core.diagnostics import Diagnostic
from ..core.model import TURBO_NETWORK_TYPE, ClusterConfig, ClusterFacts, Flavor
from ..core.versions import CceVersion, VersionError
from .catalogue import rule
from .cloud import Cloud, CloudLookupError
from .config import missing, wrong_type


def _version(text: str, field: str) -> tuple[CceVersion | None, list[Diagnostic]]:
    try:
        return CceVersion.parse(text), []
    except VersionError as exc:
        return None, [
            wrong_type(
                None,
                field,
                f"{exc}.",
                "Write the version as the console shows it, e.g. version: v1.28 or v1.28.3-r0.",
            )
        ]


def cluster_facts(
    cluster: ClusterConfig, cloud: Cloud | None, prefix: str = "cluster"
) -> tuple[ClusterFacts | None, list[Diagnostic]]:
    """The facts the rules rest on: looked up once per stack when lookup is on, else as declared."""
    if not cluster.lookup:
        return declared_facts(cluster, prefix)
    if cloud is None:
        raise ValueError("cluster.lookup is on: evaluating this stack needs a Cloud to read")
    if not cluster.name:
        if cluster.rejected("name"):
            return None, []  # its shape finding says what is wrong with it
        return None, [
            missing(None, f"{prefix}.name", "cluster.name is required when cluster.lookup is true.")
        ]
    try:
        found = cloud.cluster(cluster.name)
    except CloudLookupError as exc:
        return None, [
            rule("PT904").finding(
                None, f"{prefix}.name", f"looking up cluster {cluster.name!r} failed: {exc}"
            )
        ]
    return reconcile(cluster, found, prefix)


def declared_facts(
    cluster: ClusterConfig, prefix: str = "cluster"
) -> tuple[ClusterFacts | None, list[Diagnostic]]:
    """Facts from config alone (lookup off): version, flavor and kubeProxyMode are required."""
    diags: list[Diagnostic] = []
    for key, value in (("version", cluster.version), ("flavor", cluster.flavor)):
        if value is None and not cluster.rejected(key):
            diags.append(
                missing(
                    None,
                    f"{prefix}.{key}",
                    f"{key} is required when cluster.lookup is false.",
                    f"Declare cluster.{key}, or set cluster.lookup: true with cluster.name.",
                )
            )
    diags += _require_kube_proxy_mode(cluster, prefix)
    version, found = _version(cluster.version, f"{prefix}.version") if cluster.version else (None, [])
    diags += found
    if cluster.flavor is not None:
        diags += _network_matches_flavor(cluster, cluster.flavor, prefix)
    if diags or version is None or cluster.flavor is None or cluster.kube_proxy_mode is None:
        return None, diags
    network = cluster.container_network_type or (TURBO_NETWORK_TYPE if cluster.flavor == "turbo" else None)
    return ClusterFacts(
        cluster.name, version, cluster.flavor, cluster.kube_proxy_mode, cluster.vpc_id, network
    ), []


def _network_matches_flavor(cluster: ClusterConfig, flavor: Flavor, prefix: str) -> list[Diagnostic]:
    """CCE Turbo clusters run Cloud Native 2.0 (eni); CCE Standard clusters a tunnel or VPC network."""
    declared = cluster.container_network_type
    if declared is None or (declared == TURBO_NETWORK_TYPE) == (flavor == "turbo"):
        return []
    expected = TURBO_NETWORK_TYPE if flavor == "turbo" else "overlay_l2 or vpc-router"
    return [
        rule("PT120").finding(
            None,
            f"{prefix}.containerNetworkType",
            f"a CCE {flavor.capitalize()} cluster does not use container network type {declared!r}.",
            f"Set cluster.containerNetworkType to {expected} (CCE console: cluster > Networking), or "
            "correct cluster.flavor.",
        )
    ]


def _require_kube_proxy_mode(cluster: ClusterConfig, prefix: str) -> list[Diagnostic]:
    if cluster.kube_proxy_mode is not None or cluster.rejected("kube_proxy_mode"):
        return []
    return [
        missing(
            None,
            f"{prefix}.kubeProxyMode",
            "kubeProxyMode is required: the cluster data source cannot tell iptables from ipvs.",
            "Declare cluster.kubeProxyMode: iptables or ipvs (CCE console: cluster > Networking).",
        )
    ]


def reconcile(
    cluster: ClusterConfig, found: Mapping[str, Any], prefix: str = "cluster"
) -> tuple[ClusterFacts | None, list[Diagnostic]]:
    """Facts from a `get_cluster` result (snake_case keys), checked against what config declares.
    CCE's own ShowCluster (the live doctor) also gives `kube_proxy_mode`; the data source does not."""
    live_mode = found.get("kube_proxy_mode") or None
    kube_proxy_mode = cluster.kube_proxy_mode or (live_mode if live_mode in ("iptables", "ipvs") else None)
    diags = [] if kube_proxy_mode else _require_kube_proxy_mode(cluster, prefix)
    raw_version = str(found.get("cluster_version") or "")
    looked_up_version, bad = _version(raw_version, f"{prefix}.version")
    if bad:
        return None, [
            rule("PT904").finding(
                None,
                f"{prefix}.version",
                f"the lookup returned an unreadable cluster_version {raw_version!r}.",
            )
        ]
    assert looked_up_version is not None
    flavor: Flavor = "turbo" if found.get("container_network_type") == TURBO_NETWORK_TYPE else "standard"
    vpc_id = found.get("vpc_id") or None

    def contradiction(key: str, declared: object, actual: object) -> Diagnostic:
        return rule("PT904").finding(
            None,
            f"{prefix}.{key}",
            f"declared {key} {declared!r} but cluster {cluster.name!r} reports {actual!r}.",
            f"Set cluster.{key} to {actual!r}, or remove it and rely on the lookup.",
        )

    if cluster.version:
        declared_version, bad = _version(cluster.version, f"{prefix}.version")
        diags += bad
        if declared_version and not _same_version(declared_version, looked_up_version):
            diags.append(contradiction("version", cluster.version, raw_version))
    if cluster.flavor and cluster.flavor != flavor:
        diags.append(contradiction("flavor", cluster.flavor, flavor))
    if cluster.vpc_id and vpc_id and cluster.vpc_id != vpc_id:
        diags.append(contradiction("vpcId", cluster.vpc_id, vpc_id))
    if cluster.kube_proxy_mode and live_mode and cluster.kube_proxy_mode != live_mode:
        diags.append(contradiction("kubeProxyMode", cluster.kube_proxy_mode, live_mode))
    network = found.get("container_network_type") or None
    if cluster.container_network_type and network and cluster.container_network_type != network:
        diags.append(contradiction("containerNetworkType", cluster.container_network_type, network))
    if diags or kube_proxy_mode is None:
        return None, diags
    facts = ClusterFacts(
        cluster.name,
        looked_up_version,
        flavor,
        kube_proxy_mode,
        vpc_id or cluster.vpc_id,
        network or cluster.container_network_type,
    )
    return facts, []


def _same_version(declared: CceVersion, actual: CceVersion) -> bool:
    """`v1.28` agrees with `v1.28.3-r0`; a declared patch must match exactly."""
    if declared.minor_key != actual.minor_key:
        return False
    if declared.patch is None or actual.patch is None:
        return True
    return (declared.patch, declared.release or 0) == (actual.patch, actual.release or 0)
