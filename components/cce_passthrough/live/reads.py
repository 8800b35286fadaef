"""The live reads of `doctor` (and `preview --live`): CCE ShowCluster (or ListClusters by name), ELB v3
ShowLoadBalancer and ListListeners once per ELB the stack lands on, every Service and Ingress in all
namespaces, the events of the namespaces of pending stack Services. All read-only, each bounded by the
clients' timeouts; each failure is recorded as a `LiveError`, so that one denied call does not hide
what the others found."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..rules.config import ParsedStack
from .errors import LiveError
from .events import is_pending
from .members import deployed_services, dig, stack_elb_ids


@dataclass(frozen=True)
class LiveElb:
    """What ShowLoadBalancer and ListListeners say about one ELB."""

    id: str
    name: str
    dedicated: bool
    vpc_id: str | None
    zones: tuple[str, ...]
    l4_flavor_id: str | None
    l7_flavor_id: str | None
    listeners: tuple[tuple[str, str, int], ...]  # (name or id, protocol, port)
    listeners_complete: bool = True  # False when a page was not read (the page bound, or a failed call)

    @property
    def elb_class(self) -> str:
        return "dedicated" if self.dedicated else "shared"


@dataclass
class LiveReads:
    """Everything doctor read, as plain data; `errors` holds each read that failed."""

    cluster: dict[str, Any] | None = None
    elbs: dict[str, LiveElb] = field(default_factory=dict)
    services: list[dict[str, Any]] = field(default_factory=list)
    ingresses: list[dict[str, Any]] = field(default_factory=list)
    deployments: list[dict[str, Any]] = field(default_factory=list)
    events: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # namespace -> events
    errors: list[tuple[str, LiveError]] = field(default_factory=list)  # (field, error)


def cluster_from_api(cluster: Mapping[str, Any]) -> dict[str, Any]:
    """CCE's cluster JSON (ShowCluster, or an item of ListClusters) as the facts reconcile reads."""
    spec = dig(cluster, "spec") or {}
    return {
        "name": dig(cluster, "metadata", "name"),
        "cluster_version": dig(spec, "version"),
        "category": dig(spec, "category"),
        "kube_proxy_mode": dig(spec, "kubeProxyMode"),
        "vpc_id": dig(spec, "hostNetwork", "vpc"),
        "container_network_type": dig(spec, "containerNetwork", "mode"),
    }


def elb_from_api(
    loadbalancer: Mapping[str, Any], listeners: Sequence[Mapping[str, Any]], complete: bool = True
) -> LiveElb:
    return LiveElb(
        id=str(loadbalancer.get("id") or ""),
        name=str(loadbalancer.get("name") or ""),
        # ELB v3: `guaranteed` is true for dedicated (performance-guaranteed) load balancers
        dedicated=bool(loadbalancer.get("guaranteed")),
        vpc_id=loadbalancer.get("vpc_id") or None,
        zones=tuple(loadbalancer.get("availability_zone_list") or ()),
        l4_flavor_id=loadbalancer.get("l4_flavor_id") or None,
        l7_flavor_id=loadbalancer.get("l7_flavor_id") or None,
        listeners=tuple(
            (
                str(item.get("name") or item.get("id")),
                str(item.get("protocol")),
                int(item.get("protocol_port") or 0),
            )
            for item in listeners
        ),
        listeners_complete=complete,
    )


# ListListeners' largest page (limit 0-2000), and how many pages one ELB may take before the rest is
# left unread (a finding says so): 20,000 listeners, far past the listener quota of one ELB.
LISTENER_PAGE = 2000
LISTENER_PAGES = 10


class Reader:
    """The live reads through `kube.Kube` and `huawei.HuaweiCloud`; each failure is recorded, not raised,
    so that one denied call does not hide what the others found."""

    def __init__(
        self,
        kube: Any,
        cloud: Any,
        cluster_id: str | None,
        *,
        listener_page: int = LISTENER_PAGE,
        listener_pages: int = LISTENER_PAGES,
    ) -> None:
        self.kube = kube
        self.cloud = cloud
        self.cluster_id = cluster_id
        self.listener_page = listener_page
        self.listener_pages = listener_pages

    def _attempt(self, reads: LiveReads, where: str, call: Callable[..., Any], *args: Any) -> Any:
        try:
            return call(*args)
        except LiveError as exc:
            reads.errors.append((where, exc))
            return None

    def _cluster(self, name: str | None) -> dict[str, Any] | None:
        from huaweicloudsdkcce.v3.model import ListClustersRequest, ShowClusterRequest

        cce = self.cloud.cce
        if self.cluster_id:
            request = ShowClusterRequest(cluster_id=self.cluster_id)
            response = self.cloud.call(
                "cce", f"show cluster {self.cluster_id}", lambda: cce().show_cluster_invoker(request)
            )
            metadata = {"name": response.metadata.name if response.metadata else None}
            return cluster_from_api({"metadata": metadata, "spec": _camel(response.spec)})
        listed = self.cloud.call(
            "cce", "list clusters", lambda: cce().list_clusters_invoker(ListClustersRequest())
        )
        for item in listed.items or []:
            if item.metadata is not None and item.metadata.name == name:
                return cluster_from_api({"metadata": {"name": name}, "spec": _camel(item.spec)})
        from .errors import Failure

        raise LiveError(
            Failure.NOT_FOUND, "cce", "list clusters", f"no cluster named {name!r} in this project"
        )

    def _elb(self, reads: LiveReads, elb_id: str) -> LiveElb:
        """ShowLoadBalancer, then ListListeners page by page (`limit`, and `marker` = the page_info
        next_marker of the page before) until a page comes back short or the page bound is reached. A
        failed page keeps what the pages before it gave, marked incomplete, and its own finding."""
        from huaweicloudsdkelb.v3.model import ListListenersRequest, ShowLoadBalancerRequest

        elb = self.cloud.elb
        shown = self.cloud.call(
            "elb",
            f"show load balancer {elb_id}",
            lambda: elb().show_load_balancer_invoker(ShowLoadBalancerRequest(loadbalancer_id=elb_id)),
        )
        listeners: list[dict[str, Any]] = []
        marker: str | None = None
        for page in range(1, self.listener_pages + 1):
            request = ListListenersRequest(loadbalancer_id=[elb_id], limit=self.listener_page, marker=marker)
            operation = f"list the listeners of load balancer {elb_id}" + (
                f" (page {page})" if page > 1 else ""
            )
            try:
                listed = self.cloud.call(
                    "elb", operation, lambda request=request: elb().list_listeners_invoker(request)
                )
            except LiveError as exc:
                reads.errors.append((f"elb {elb_id}", exc))
                return elb_from_api(shown.loadbalancer.to_dict(), listeners, complete=False)
            items = [item.to_dict() for item in listed.listeners or []]
            listeners += items
            marker = listed.page_info.next_marker if listed.page_info is not None else None
            if len(items) < self.listener_page or not marker:
                return elb_from_api(shown.loadbalancer.to_dict(), listeners)
        return elb_from_api(shown.loadbalancer.to_dict(), listeners, complete=False)

    def read(self, stack: ParsedStack) -> LiveReads:
        reads = LiveReads()
        kube = self.kube
        sanitize = kube.api_client.sanitize_for_serialization
        if stack.cluster is not None:
            name = stack.cluster.name
            reads.cluster = self._attempt(reads, "cluster", lambda: self._cluster(name))
        listed = self._attempt(
            reads,
            "services",
            lambda: kube.call("list Services in all namespaces", kube.core.list_service_for_all_namespaces),
        )
        reads.services = list(sanitize(listed).get("items") or []) if listed is not None else []
        ingresses = self._attempt(
            reads,
            "ingresses",
            lambda: kube.call(
                "list Ingresses in all namespaces", kube.networking.list_ingress_for_all_namespaces
            ),
        )
        reads.ingresses = list(sanitize(ingresses).get("items") or []) if ingresses is not None else []
        if deployed_services(stack.services, reads.services):
            listed_deployments = self._attempt(
                reads,
                "deployments",
                lambda: kube.call(
                    "list Deployments in all namespaces", kube.apps.list_deployment_for_all_namespaces
                ),
            )
            if listed_deployments is not None:
                reads.deployments = list(sanitize(listed_deployments).get("items") or [])
        deployed = deployed_services(stack.services, reads.services)
        for elb_id in sorted(stack_elb_ids(stack.services, deployed)):
            found = self._attempt(reads, f"elb {elb_id}", self._elb, reads, elb_id)
            if found is not None:
                reads.elbs[elb_id] = found
        for namespace in sorted(
            {s.namespace for s in stack.services if is_pending(deployed.get(s.name) or {})}
        ):
            events = self._attempt(
                reads,
                f"events {namespace}",
                kube.call,
                f"list events in {namespace}",
                kube.core.list_namespaced_event,
                namespace,
            )
            reads.events[namespace] = list(sanitize(events).get("items") or []) if events is not None else []
        return reads


def _camel(model: Any) -> dict[str, Any]:
    """An SDK model back to the API's own JSON keys (what `cluster_from_api` reads)."""
    if model is None:
        return {}
    result: dict[str, Any] = {}
    for attribute, key in model.attribute_map.items():
        value = getattr(model, attribute, None)
        if hasattr(value, "attribute_map"):
            value = _camel(value)
        result[key] = value
    return result
