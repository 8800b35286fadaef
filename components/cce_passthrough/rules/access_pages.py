"""What CCE's documentation says about in-cluster calls to a LoadBalancer Service's ELB address, as data.

Two pages decide it. The pass-through page (cce_10_0355) says how in-cluster requests to the ELB address
travel with and without `kubernetes.io/elb.pass-through`, for CCE Standard and CCE Turbo, and when they
fail. "Why a Service Fails to Be Accessed from Within the Cluster" (cce_10_0249) tabulates the failures
with `externalTrafficPolicy: Local` by container network model and kube-proxy mode, and says that a
scenario it does not list works. Each sentence here is quoted as the page words it; `access.py` builds
the matrix from them.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

from ..core.model import KubeProxyMode, NetworkModel
from .sources import OTC_CREATE, OTC_OVERVIEW, OTC_PT, Source


class Client(Enum):
    """Where the request starts, in the order a matrix shows them."""

    POD_ON_BACKEND_NODE = "a pod on a backend node"
    POD_ON_OTHER_NODE = "a pod on another node"
    BACKEND_NODE = "the backend node itself"
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


# The pages quoted below, as the rule catalogue cites them (Open Telekom Cloud's text of the Huawei pages).
PASS_THROUGH_PAGE = OTC_PT
SERVICE_OVERVIEW_PAGE = OTC_OVERVIEW
LOADBALANCER_PAGE = OTC_CREATE


@dataclass(frozen=True)
class Statement:
    """One sentence of the documentation, quoted as the page words it."""

    page: Source
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

# Every sentence a cell of the matrix may quote (the table rows are quoted as rows, below).
ACCESS_STATEMENTS: tuple[Statement, ...] = (
    STANDARD_DEFAULT,
    STANDARD_PASS_THROUGH,
    TURBO_NODE_DEFAULT,
    TURBO_POD_DEFAULT,
    STANDARD_DEDICATED_LIMIT,
    LOCAL_SETS_ONLY_LOCAL,
    UNLISTED_IS_NORMAL,
    TURBO_LOCAL_NEEDS_HOST_NETWORK,
    OUTSIDE_THROUGH_ELB,
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


def _table_quote(row: LocalTableRow, networks: tuple[NetworkModel, ...], mode: KubeProxyMode) -> Statement:
    """The row and column(s) in the page's words; several networks when the cells agree across them."""
    names = " and ".join("Tunnel" if network == "tunnel" else "VPC" for network in networks)
    plural = "s" if len(networks) > 1 else ""
    column = f"{names} Network Cluster{plural} ({'IPVS' if mode == 'ipvs' else 'iptables'})"
    words = " ".join(row.outcome(networks[0], mode))
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
            return _table_quote(row, networks, mode)
    return None


def node_port_outcomes(network: NetworkModel, mode: KubeProxyMode) -> Iterator[tuple[Client, Statement]]:
    """Under Local, what cce_10_0249 says of NodeIP:NodePort requests from each in-cluster location."""
    for row in LOCAL_TABLE:
        if row.service_type == "NodePort Service":
            yield CLIENT_OF_TABLE_LOCATION[row.client_location], _table_quote(row, (network,), mode)
