"""Who reaches a Service's ELB address from where, and which way: CCE's own documentation as data.

Two pages decide it. The pass-through page (cce_10_0355) says how in-cluster requests to the ELB address
travel with and without `kubernetes.io/elb.pass-through`, for CCE Standard and CCE Turbo, and when they
fail. "Why a Service Fails to Be Accessed from Within the Cluster" (cce_10_0249) tabulates the failures
with `externalTrafficPolicy: Local` by container network model and kube-proxy mode, and says that a
scenario it does not list works. Every cell of a matrix quotes the sentence it comes from; where the
pages are silent, the cell says so instead of guessing.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Literal

from ..core.model import ClusterFacts, KubeProxyMode, NetworkModel, ServiceConfig


class Client(Enum):
    """Where the request starts, in the order a matrix shows them."""

    POD_ON_BACKEND_NODE = "pod on a backend node"
    POD_ON_OTHER_NODE = "pod on another node"
    BACKEND_NODE = "backend node itself"
    OTHER_NODE = "another node"
    OUTSIDE = "outside the cluster"

    @property
    def in_cluster(self) -> bool:
        return self is not Client.OUTSIDE

    @property
    def is_pod(self) -> bool:
        return self in (Client.POD_ON_BACKEND_NODE, Client.POD_ON_OTHER_NODE)

    @property
    def on_backend_node(self) -> bool:
        return self in (Client.POD_ON_BACKEND_NODE, Client.BACKEND_NODE)


class Address(Enum):
    PRIVATE = "private"
    PUBLIC = "public"


class Route(Enum):
    THROUGH_ELB = "through the ELB"
    SHORT_CIRCUITED = "short-circuited by kube-proxy"
    FAILS = "fails"
    NOT_DOCUMENTED = "not documented"


@dataclass(frozen=True)
class Page:
    title: str
    url: str


PASS_THROUGH_PAGE = Page(
    "Configuring Passthrough Networking for a LoadBalancer Service (cce_10_0355)",
    "https://support.huaweicloud.com/intl/en-us/usermanual-cce/cce_10_0355.html",
)
SERVICE_OVERVIEW_PAGE = Page(
    "Service Overview: Why a Service Fails to Be Accessed from Within the Cluster (cce_10_0249)",
    "https://support.huaweicloud.com/intl/en-us/usermanual-cce/cce_10_0249.html",
)
LOADBALANCER_PAGE = Page(
    "LoadBalancer (cce_10_0014)",
    "https://support.huaweicloud.com/intl/en-us/usermanual-cce/cce_10_0014.html",
)


@dataclass(frozen=True)
class Statement:
    """One sentence of the documentation, quoted as the page words it."""

    page: Page
    quote: str


# --- cce_10_0355, the pass-through page -------------------------------------------------------------
STANDARD_DEFAULT = Statement(
    PASS_THROUGH_PAGE,
    "When a LoadBalancer Service is accessed within the cluster, the access is forwarded to the backend "
    "pods using iptables/IPVS by default.",
)
STANDARD_PASS_THROUGH = Statement(
    PASS_THROUGH_PAGE,
    "When a LoadBalancer Service (configured with elb.pass-through) is accessed within the cluster, the "
    "access is first forwarded to the load balancer, then the nodes, and finally to the backend pods using "
    "iptables/IPVS.",
)
TURBO_NODE_DEFAULT = Statement(
    PASS_THROUGH_PAGE,
    "If a node accesses a LoadBalancer Service from within the cluster, the request will be forwarded to "
    "the backend containers based on the service forwarding rule (iptables or IPVS) by default.",
)
TURBO_POD_DEFAULT = Statement(
    PASS_THROUGH_PAGE,
    "If a container accesses a LoadBalancer Service from within the cluster, passthrough will be used by "
    "default. The client will access the private network IP address of the load balancer and then directly "
    "access containers through the load balancer.",
)
STANDARD_DEDICATED_LIMIT = Statement(
    PASS_THROUGH_PAGE,
    "In a CCE standard cluster, after passthrough networking is configured using a dedicated load balancer, "
    "the private IP address of the load balancer cannot be accessed from the node where the workload pod "
    "resides or other pods on the same node as the workload.",
)
LOCAL_SETS_ONLY_LOCAL = Statement(
    PASS_THROUGH_PAGE,
    "If node-level (local) service affinity is used, kubernetes.io/elb.pass-through is automatically set to "
    "onlyLocal to enable pass-through.",
)
# --- cce_10_0249 -------------------------------------------------------------------------------------
UNLISTED_IS_NORMAL = Statement(
    SERVICE_OVERVIEW_PAGE,
    "The table lists only the scenarios where the access may fail. Other scenarios that are not listed in "
    "the table indicate that the access is normal.",
)
TURBO_LOCAL_NEEDS_HOST_NETWORK = Statement(
    SERVICE_OVERVIEW_PAGE,
    "In a CCE Turbo cluster that utilizes a Cloud Native 2.0 network model, node-level affinity is supported "
    "only when the Service backend is connected to a HostNetwork pod.",
)
# --- cce_10_0014 -------------------------------------------------------------------------------------
OUTSIDE_THROUGH_ELB = Statement(
    LOADBALANCER_PAGE,
    "In this access mode, requests are transmitted through an ELB load balancer to a node and then forwarded "
    "to the destination pod through the Service.",
)

DOCUMENTED_FIXES: tuple[Statement, ...] = (
    Statement(
        SERVICE_OVERVIEW_PAGE,
        "(Recommended) In the cluster, use the ClusterIP Service or service domain name for access.",
    ),
    Statement(
        SERVICE_OVERVIEW_PAGE,
        "Set externalTrafficPolicy of the Service to Cluster, which means cluster-level service affinity. "
        "Note that this affects source address persistence.",
    ),
    Statement(
        SERVICE_OVERVIEW_PAGE,
        "Leveraging the pass-through feature of the Service, kube-proxy is bypassed when the ELB address is "
        "used for access.",
    ),
)


# --- cce_10_0249's table of failures with externalTrafficPolicy: Local, row by row -------------------
# Columns, in the page's order.
LOCAL_TABLE_COLUMNS: tuple[tuple[NetworkModel, KubeProxyMode], ...] = (
    ("tunnel", "ipvs"),
    ("vpc", "ipvs"),
    ("tunnel", "iptables"),
    ("vpc", "iptables"),
)
NODE_PORT_HERE_OK = (
    "Access the IP address and NodePort on the node where the server is located: The access is successful."
)
NODE_PORT_ELSEWHERE_FAILS = (
    "Access the IP address and NodePort on a node other than the node where the server is located: "
    "The access failed."
)
SUCCESSFUL = "The access is successful."
FAILED = "The access failed."


@dataclass(frozen=True)
class LocalTableRow:
    """One row of the table: the Service type, the access type, where the client is, and per column
    (network model, kube-proxy mode) the page's words."""

    service_type: str
    access_type: str
    client_location: str
    cells: tuple[tuple[str, ...], ...]

    def outcome(self, network: NetworkModel, mode: KubeProxyMode) -> tuple[str, ...]:
        return self.cells[LOCAL_TABLE_COLUMNS.index((network, mode))]


_NODE_PORT_BOTH = (NODE_PORT_HERE_OK, NODE_PORT_ELSEWHERE_FAILS)
LOCAL_TABLE: tuple[LocalTableRow, ...] = (
    LocalTableRow(
        "NodePort Service", "Public/Private network", "Same node as the service pod", (_NODE_PORT_BOTH,) * 4
    ),
    LocalTableRow(
        "NodePort Service",
        "Public/Private network",
        "Different nodes from the service pod",
        (_NODE_PORT_BOTH, _NODE_PORT_BOTH, (SUCCESSFUL,), (SUCCESSFUL,)),
    ),
    LocalTableRow(
        "NodePort Service",
        "Public/Private network",
        "Other containers on the same node as the service pod",
        (_NODE_PORT_BOTH, (FAILED,), _NODE_PORT_BOTH, (FAILED,)),
    ),
    LocalTableRow(
        "NodePort Service",
        "Public/Private network",
        "Other containers on different nodes from the service pod",
        (_NODE_PORT_BOTH,) * 4,
    ),
    LocalTableRow(
        "LoadBalancer Service using a dedicated load balancer",
        "Private network",
        "Same node as the service pod",
        ((FAILED,),) * 4,
    ),
    LocalTableRow(
        "LoadBalancer Service using a dedicated load balancer",
        "Private network",
        "Other containers on the same node as the service pod",
        ((FAILED,),) * 4,
    ),
)

# The table's client locations, as this module names them.
CLIENT_OF_TABLE_LOCATION: dict[str, Client] = {
    "Same node as the service pod": Client.BACKEND_NODE,
    "Different nodes from the service pod": Client.OTHER_NODE,
    "Other containers on the same node as the service pod": Client.POD_ON_BACKEND_NODE,
    "Other containers on different nodes from the service pod": Client.POD_ON_OTHER_NODE,
}


def _table_quote(row: LocalTableRow, network: NetworkModel, mode: KubeProxyMode) -> Statement:
    network_words = "Tunnel" if network == "tunnel" else "VPC"
    column = f"{network_words} Network Cluster ({'IPVS' if mode == 'ipvs' else 'iptables'})"
    words = " ".join(row.outcome(network, mode))
    return Statement(
        SERVICE_OVERVIEW_PAGE,
        f"{row.service_type} / {row.access_type} / {row.client_location} / {column}: {words}",
    )


def local_table_failure(
    client: Client, dedicated: bool, network: NetworkModel | None, mode: KubeProxyMode
) -> Statement | None:
    """The row of cce_10_0249's table that makes an ELB private-address request fail under Local. With the
    network model unknown (a Standard cluster: tunnel or VPC), a row counts when both columns agree."""
    if not dedicated or network == "cloud-native-2.0":
        return None
    networks: tuple[NetworkModel, ...] = (network,) if network is not None else ("tunnel", "vpc")
    for row in LOCAL_TABLE:
        at_client = CLIENT_OF_TABLE_LOCATION[row.client_location] is client
        if not row.service_type.startswith("LoadBalancer") or not at_client:
            continue
        if all(FAILED in row.outcome(each, mode) for each in networks):
            return _table_quote(row, networks[0], mode)
    return None


def node_port_outcomes(network: NetworkModel, mode: KubeProxyMode) -> Iterator[tuple[Client, Statement]]:
    """Under Local, what cce_10_0249 says of NodeIP:NodePort requests from each in-cluster location."""
    for row in LOCAL_TABLE:
        if row.service_type == "NodePort Service":
            yield CLIENT_OF_TABLE_LOCATION[row.client_location], _table_quote(row, network, mode)


# --- the matrix ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccessInputs:
    """The facts the documentation's answer depends on."""

    flavor: Literal["standard", "turbo"]
    kube_proxy_mode: KubeProxyMode
    network_model: NetworkModel | None
    dedicated: bool
    pass_through: bool
    traffic_policy: Literal["Cluster", "Local"]
    host_network: bool
    public_address: bool | None  # None: not known at preview (an existing ELB)

    @property
    def effective_pass_through(self) -> bool:
        """CCE turns pass-through on by itself under Local (it writes onlyLocal)."""
        return self.pass_through or self.traffic_policy == "Local"


@dataclass(frozen=True)
class Cell:
    client: Client
    address: Address
    route: Route
    because: tuple[Statement, ...]

    @property
    def cited(self) -> bool:
        return bool(self.because) or self.route is Route.NOT_DOCUMENTED


@dataclass(frozen=True)
class AccessMatrix:
    inputs: AccessInputs
    addresses: tuple[Address, ...]
    cells: tuple[Cell, ...]

    def cell(self, client: Client, address: Address) -> Cell:
        for cell in self.cells:
            if cell.client is client and cell.address is address:
                return cell
        raise KeyError((client, address))

    def failing(self) -> tuple[Cell, ...]:
        return tuple(cell for cell in self.cells if cell.route is Route.FAILS)


def _standard_cell(inputs: AccessInputs, client: Client, address: Address) -> Cell:
    if not inputs.effective_pass_through:
        return Cell(client, address, Route.SHORT_CIRCUITED, (STANDARD_DEFAULT,))
    why: tuple[Statement, ...] = (STANDARD_PASS_THROUGH,)
    if not inputs.pass_through:
        why = (LOCAL_SETS_ONLY_LOCAL, *why)
    if address is Address.PRIVATE and inputs.dedicated and client.on_backend_node:
        failures = [STANDARD_DEDICATED_LIMIT]
        if inputs.traffic_policy == "Local":
            row = local_table_failure(client, True, inputs.network_model, inputs.kube_proxy_mode)
            failures += [row] if row else []
        return Cell(client, address, Route.FAILS, tuple(failures))
    if inputs.traffic_policy == "Local" and inputs.network_model != "cloud-native-2.0":
        why += (UNLISTED_IS_NORMAL,)
    return Cell(client, address, Route.THROUGH_ELB, why)


def _turbo_cell(inputs: AccessInputs, client: Client, address: Address) -> Cell:
    if inputs.traffic_policy == "Local" and not inputs.host_network:
        # The page documents Local on Turbo only with hostNetwork backends (PT105 reports the error).
        return Cell(client, address, Route.NOT_DOCUMENTED, (TURBO_LOCAL_NEEDS_HOST_NETWORK,))
    if client.is_pod:
        if address is Address.PRIVATE:
            return Cell(client, address, Route.THROUGH_ELB, (TURBO_POD_DEFAULT,))
        return Cell(client, address, Route.NOT_DOCUMENTED, ())
    if inputs.effective_pass_through:
        # The Turbo paragraph describes the default only; the annotation's effect on node clients is not.
        return Cell(client, address, Route.NOT_DOCUMENTED, ())
    return Cell(client, address, Route.SHORT_CIRCUITED, (TURBO_NODE_DEFAULT,))


def access_matrix(inputs: AccessInputs) -> AccessMatrix:
    addresses = (Address.PRIVATE,) if inputs.public_address is False else (Address.PRIVATE, Address.PUBLIC)
    cells: list[Cell] = []
    for client in Client:
        for address in addresses:
            if not client.in_cluster:
                cells.append(Cell(client, address, Route.THROUGH_ELB, (OUTSIDE_THROUGH_ELB,)))
            elif inputs.flavor == "turbo":
                cells.append(_turbo_cell(inputs, client, address))
            else:
                cells.append(_standard_cell(inputs, client, address))
    return AccessMatrix(inputs, addresses, tuple(cells))


# --- from a service of the stack -------------------------------------------------------------------


def has_public_address(service: ServiceConfig, owners: Mapping[str, ServiceConfig]) -> bool | None:
    """Whether the service's ELB has a public address; None when only the cloud knows (an existing ELB).
    A `shareWith` service has the address of the ELB it shares."""
    elb = service.elb
    target = elb.share_with_service
    if target is not None:
        owner = owners.get(target)
        return None if owner is None or owner.elb.share_with_service else has_public_address(owner, owners)
    if elb.autocreate is not None:
        # CCE's default type is `inner`: no EIP unless the object says `public`.
        return elb.autocreate.type == "public"
    if elb.managed is not None:
        return elb.managed.eip is not None
    return None


def elb_is_dedicated(service: ServiceConfig, owners: Mapping[str, ServiceConfig]) -> bool:
    target = service.elb.share_with_service
    owner = owners.get(target) if target is not None else None
    if service.elb.annotation_class is None and owner is not None:
        return owner.elb.dedicated
    return service.elb.dedicated


def service_access(
    service: ServiceConfig, cluster: ClusterFacts, owners: Mapping[str, ServiceConfig]
) -> AccessMatrix:
    """The matrix of one service of a stack; `owners` maps service names to services (for shareWith)."""
    return access_matrix(
        AccessInputs(
            flavor=cluster.flavor,
            kube_proxy_mode=cluster.kube_proxy_mode,
            network_model=cluster.network_model,
            dedicated=elb_is_dedicated(service, owners),
            pass_through=service.pass_through,
            traffic_policy=service.external_traffic_policy,
            host_network=service.host_network,
            public_address=has_public_address(service, owners),
        )
    )
