"""Reads of the real cloud at preview time (`lookup: true`): the cluster and existing ELBs.

Invokes are called with plain arguments, so they run synchronously during preview; a failure becomes
a PT904/PT209 finding carrying the provider's own message, never a traceback.
"""

from __future__ import annotations

import pulumi

from ..core.diagnostics import Diagnostic
from ..core.model import ClusterConfig
from ..rules.catalogue import rule
from ..rules.facts import ClusterFacts, reconcile

GET_CLUSTER = "huaweicloud:Cce/getCluster:getCluster"
GET_SHARED_ELB = "huaweicloud:Elb/getLoadbalancer:getLoadbalancer"
GET_DEDICATED_ELBS = "huaweicloud:DedicatedElb/getLoadbalancers:getLoadbalancers"


def _provider_message(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def lookup_cluster(
    cluster: ClusterConfig, opts: pulumi.InvokeOptions | None, prefix: str = "cluster"
) -> tuple[ClusterFacts | None, list[Diagnostic]]:
    from pulumi_huaweicloud import cce

    if not cluster.name:
        return None, [
            rule("PT903").finding(
                None, f"{prefix}.name", "cluster.name is required when cluster.lookup is true."
            )
        ]
    try:
        found = cce.get_cluster(name=cluster.name, opts=opts)
    # The provider raises plain Exceptions; its message (not found, auth, region) is what the user needs.
    except Exception as exc:
        return None, [
            rule("PT904").finding(
                None,
                f"{prefix}.name",
                f"looking up cluster {cluster.name!r} failed: {_provider_message(exc)}",
            )
        ]
    facts = {
        "cluster_version": found.cluster_version,
        "container_network_type": found.container_network_type,
        "vpc_id": found.vpc_id,
    }
    return reconcile(cluster, facts, prefix)


def lookup_existing_elb(
    service: str,
    elb_id: str,
    dedicated: bool,
    cluster: ClusterFacts | None,
    opts: pulumi.InvokeOptions | None,
    where: str,
) -> list[Diagnostic]:
    """PT209 when the id names no ELB of the declared class, PT210 when it sits in another VPC."""
    from pulumi_huaweicloud import dedicatedelb, elb

    wanted, other = ("dedicated", "shared") if dedicated else ("shared", "dedicated")
    vpc_id: str | None = None
    try:
        if dedicated:
            matches = dedicatedelb.get_loadbalancers(loadbalancer_id=elb_id, opts=opts).loadbalancers
            if not matches:
                raise LookupError("no dedicated ELB has this id")
            vpc_id = matches[0].vpc_id
        else:
            elb.get_loadbalancer(id=elb_id, opts=opts)
    except Exception as exc:  # provider errors are plain Exceptions
        message = f"no {wanted} ELB {elb_id!r} was found ({_provider_message(exc)})"
        if _exists_as_other_class(elb_id, dedicated, opts):
            message = f"ELB {elb_id!r} is a {other} ELB, but elb.class says {wanted}"
        return [rule("PT209").finding(service, where, message + ".")]
    if cluster and cluster.vpc_id and vpc_id and vpc_id != cluster.vpc_id:
        return [
            rule("PT210").finding(
                service, where, f"ELB {elb_id!r} is in VPC {vpc_id!r}, the cluster in {cluster.vpc_id!r}."
            )
        ]
    return []


def _exists_as_other_class(elb_id: str, dedicated: bool, opts: pulumi.InvokeOptions | None) -> bool:
    from pulumi_huaweicloud import dedicatedelb, elb

    try:
        if dedicated:
            elb.get_loadbalancer(id=elb_id, opts=opts)
            return True
        return bool(dedicatedelb.get_loadbalancers(loadbalancer_id=elb_id, opts=opts).loadbalancers)
    except Exception:  # not there either: the first error stands
        return False
