"""Reads of the real cloud at preview time (`lookup: true`): the cluster and existing ELBs, as data.

Invokes are called with plain arguments, so they run synchronously during preview. What the data means
(PT904, PT209, PT210) is decided by the rules; a provider failure reaches them as `CloudLookupError` carrying
the provider's own message, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pulumi

from ..rules.cloud import CloudLookupError, FoundElb

GET_CLUSTER = "huaweicloud:Cce/getCluster:getCluster"
GET_SHARED_ELB = "huaweicloud:Elb/getLoadbalancer:getLoadbalancer"
GET_DEDICATED_ELBS = "huaweicloud:DedicatedElb/getLoadbalancers:getLoadbalancers"


def _provider_message(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _run_cache(opts: pulumi.InvokeOptions | None) -> dict[tuple[Any, ...], Any]:
    """Answers already read in this Pulumi run, through this provider. One read per object whatever the
    number of services or components: the cache lives on the run's resource monitor (one per `pulumi up`,
    a new one per offline preview), keyed by the provider the invoke goes through."""
    monitor = pulumi.runtime.settings.get_monitor()
    cache: dict[tuple[Any, ...], Any] | None = getattr(monitor, "_cce_passthrough_reads", None)
    if cache is None:
        cache = {}
        try:
            monitor._cce_passthrough_reads = cache  # type: ignore[union-attr]
        except AttributeError:  # a monitor that takes no attribute: this run reads without sharing
            return {}
    return cache


def _provider_of(opts: pulumi.InvokeOptions | None) -> int | None:
    if opts is None:
        return None
    provider = opts.provider
    if provider is None and opts.parent is not None:
        provider = opts.parent.get_provider(GET_CLUSTER)
    return id(provider) if provider is not None else None


class PulumiCloud:
    """`rules.cloud.Cloud` through pulumi-huaweicloud's data sources, each object read once per run."""

    def __init__(self, opts: pulumi.InvokeOptions | None) -> None:
        self._opts = opts

    def _once(self, key: tuple[Any, ...], read: Callable[[], Any]) -> Any:
        cache = _run_cache(self._opts)
        full_key = (*key, _provider_of(self._opts))
        if full_key not in cache:
            try:
                cache[full_key] = read()
            except CloudLookupError as exc:
                cache[full_key] = exc
        found = cache[full_key]
        if isinstance(found, CloudLookupError):
            raise found
        return found

    def cluster(self, name: str) -> Mapping[str, Any]:
        found: Mapping[str, Any] = self._once(("cluster", name), lambda: self._read_cluster(name))
        return found

    def elb(self, elb_id: str, dedicated: bool) -> FoundElb:
        found: FoundElb = self._once(("elb", elb_id, dedicated), lambda: self._read_elb(elb_id, dedicated))
        return found

    def _read_cluster(self, name: str) -> Mapping[str, Any]:
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

    def _read_elb(self, elb_id: str, dedicated: bool) -> FoundElb:
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
        if not isinstance(matches, (list, tuple)):
            raise CloudLookupError(
                f"the provider answered with no list of load balancers ({type(matches).__name__})"
            )
        # A partial answer (an entry without vpc_id) leaves the VPC unknown: the VPC check then waits.
        first = matches[0]
        vpc_id = (
            first.get("vpc_id", first.get("vpcId"))
            if isinstance(first, Mapping)
            else getattr(first, "vpc_id", None)
        )
        return FoundElb(vpc_id=vpc_id if isinstance(vpc_id, str) else None)
