"""Reads of the real cloud at preview time (`lookup: true`): the cluster and existing ELBs, as data.

Invokes are called with plain arguments, so they run synchronously during preview. What the data means
(PT904, PT209, PT210) is decided by the rules; a provider failure reaches them as `CloudLookupError` carrying
the provider's own message, never a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi

from ..rules.cloud import CloudLookupError, FoundElb

GET_CLUSTER = "huaweicloud:Cce/getCluster:getCluster"
GET_SHARED_ELB = "huaweicloud:Elb/getLoadbalancer:getLoadbalancer"
GET_DEDICATED_ELBS = "huaweicloud:DedicatedElb/getLoadbalancers:getLoadbalancers"


def _provider_message(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


class PulumiCloud:
    """`rules.cloud.Cloud` through pulumi-huaweicloud's data sources."""

    def __init__(self, opts: pulumi.InvokeOptions | None) -> None:
        self._opts = opts

    def cluster(self, name: str) -> Mapping[str, Any]:
        from pulumi_huaweicloud import cce

        try:
            found = cce.get_cluster(name=name, opts=self._opts)
        # The provider raises plain Exceptions; its message (not found, auth, region) is what the user needs.
        except Exception as exc:
            raise CloudLookupError(_provider_message(exc)) from exc
        return {
            "cluster_version": found.cluster_version,
            "container_network_type": found.container_network_type,
            "vpc_id": found.vpc_id,
        }

    def elb(self, elb_id: str, dedicated: bool) -> FoundElb:
        from pulumi_huaweicloud import dedicatedelb, elb

        try:
            if dedicated:
                matches = dedicatedelb.get_loadbalancers(
                    loadbalancer_id=elb_id, opts=self._opts
                ).loadbalancers
            else:
                elb.get_loadbalancer(id=elb_id, opts=self._opts)
                return FoundElb(vpc_id=None)
        except Exception as exc:  # provider errors are plain Exceptions
            raise CloudLookupError(_provider_message(exc)) from exc
        if not matches:
            raise CloudLookupError("no dedicated ELB has this id")
        return FoundElb(vpc_id=matches[0].vpc_id)
