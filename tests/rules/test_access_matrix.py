"""The access matrix against CCE's own words: cce_10_0355 (pass-through) and cce_10_0249's table of
failures under `externalTrafficPolicy: Local`, one test per documented row and cell."""

import itertools
from dataclasses import replace

import pytest

from cce_passthrough.rules.access import AccessInputs, access_matrix
from cce_passthrough.rules.access_pages import (
    LOCAL_TABLE,
    LOCAL_TABLE_COLUMNS,
    PASS_THROUGH_PAGE,
    SERVICE_OVERVIEW_PAGE,
    Address,
    Client,
    Route,
    node_port_outcomes,
)

STANDARD_SHARED_PASS_THROUGH = AccessInputs(
    flavor="standard",
    kube_proxy_mode="iptables",
    network_model="vpc",
    dedicated=False,
    pass_through=True,
    traffic_policy="Cluster",
    host_network=False,
    public_address=True,
)
IN_CLUSTER = [client for client in Client if client.in_cluster]
IN_CLUSTER_PODS = [Client.POD_ON_BACKEND_NODE, Client.POD_ON_OTHER_NODE]
IN_CLUSTER_NODES = [Client.BACKEND_NODE, Client.OTHER_NODE]


def standard(**changes: object) -> AccessInputs:
    return replace(STANDARD_SHARED_PASS_THROUGH, **changes)  # type: ignore[arg-type]


def turbo(**changes: object) -> AccessInputs:
    return replace(STANDARD_SHARED_PASS_THROUGH, flavor="turbo", network_model="cloud-native-2.0", **changes)  # type: ignore[arg-type]


def quotes(cell_because: tuple[object, ...]) -> str:
    return " ".join(statement.quote for statement in cell_because)  # type: ignore[attr-defined]


# --- cce_10_0355: CCE clusters ---------------------------------------------------------------------


@pytest.mark.parametrize("client", IN_CLUSTER, ids=lambda c: c.value)
@pytest.mark.parametrize("address", list(Address), ids=lambda a: a.value)
def test_cce_cluster_by_default_in_cluster_access_is_forwarded_by_iptables_ipvs(client, address):
    """cce_10_0355: "When a LoadBalancer Service is accessed within the cluster, the access is forwarded
    to the backend pods using iptables/IPVS by default." """
    cell = access_matrix(standard(pass_through=False)).cell(client, address)
    assert cell.route is Route.SHORT_CIRCUITED
    assert "by default" in quotes(cell.because)


@pytest.mark.parametrize("client", IN_CLUSTER, ids=lambda c: c.value)
@pytest.mark.parametrize("address", list(Address), ids=lambda a: a.value)
def test_cce_cluster_with_pass_through_access_is_first_forwarded_to_the_load_balancer(client, address):
    """cce_10_0355: "When a LoadBalancer Service (configured with elb.pass-through) is accessed within the
    cluster, the access is first forwarded to the load balancer, then the nodes, ..." (shared ELB)."""
    cell = access_matrix(standard()).cell(client, address)
    assert cell.route is Route.THROUGH_ELB
    assert cell.because[0].page == PASS_THROUGH_PAGE


@pytest.mark.parametrize("client", [Client.BACKEND_NODE, Client.POD_ON_BACKEND_NODE], ids=lambda c: c.value)
def test_standard_cluster_dedicated_elb_private_ip_cannot_be_accessed_from_the_workload_node_or_its_pods(
    client,
):
    """cce_10_0355: "In a CCE standard cluster, after passthrough networking is configured using a dedicated
    load balancer, the private IP address of the load balancer cannot be accessed from the node where the
    workload pod resides or other pods on the same node as the workload." """
    matrix = access_matrix(standard(dedicated=True))
    assert matrix.cell(client, Address.PRIVATE).route is Route.FAILS
    assert "cannot be accessed from the node where the workload pod resides" in quotes(
        matrix.cell(client, Address.PRIVATE).because
    )
    # The limitation names the private IP only.
    assert matrix.cell(client, Address.PUBLIC).route is Route.THROUGH_ELB


@pytest.mark.parametrize("client", [Client.OTHER_NODE, Client.POD_ON_OTHER_NODE], ids=lambda c: c.value)
def test_standard_cluster_dedicated_elb_private_ip_is_reached_through_the_elb_from_other_nodes(client):
    """The dedicated-ELB limitation is about the workload's node; elsewhere pass-through applies."""
    assert access_matrix(standard(dedicated=True)).cell(client, Address.PRIVATE).route is Route.THROUGH_ELB


def test_local_service_affinity_turns_pass_through_on_as_only_local():
    """cce_10_0355: "If node-level (local) service affinity is used, kubernetes.io/elb.pass-through is
    automatically set to onlyLocal to enable pass-through." """
    cell = access_matrix(standard(pass_through=False, traffic_policy="Local")).cell(
        Client.POD_ON_OTHER_NODE, Address.PRIVATE
    )
    assert cell.route is Route.THROUGH_ELB
    assert "onlyLocal" in quotes(cell.because)


# --- cce_10_0355: CCE Turbo clusters ---------------------------------------------------------------


@pytest.mark.parametrize("client", IN_CLUSTER_NODES, ids=lambda c: c.value)
@pytest.mark.parametrize("address", list(Address), ids=lambda a: a.value)
def test_turbo_a_node_accessing_a_loadbalancer_service_uses_the_service_forwarding_rule_by_default(
    client, address
):
    """cce_10_0355: "If a node accesses a LoadBalancer Service from within the cluster, the request will be
    forwarded to the backend containers based on the service forwarding rule (iptables or IPVS) by
    default." """
    cell = access_matrix(turbo(pass_through=False)).cell(client, address)
    assert cell.route is Route.SHORT_CIRCUITED
    assert "If a node accesses" in quotes(cell.because)


@pytest.mark.parametrize("client", IN_CLUSTER_PODS, ids=lambda c: c.value)
@pytest.mark.parametrize("pass_through", [True, False])
def test_turbo_a_container_accessing_a_loadbalancer_service_uses_passthrough_by_default(client, pass_through):
    """cce_10_0355: "If a container accesses a LoadBalancer Service from within the cluster, passthrough will
    be used by default. The client will access the private network IP address of the load balancer ..." """
    cell = access_matrix(turbo(pass_through=pass_through)).cell(client, Address.PRIVATE)
    assert cell.route is Route.THROUGH_ELB
    assert "passthrough will be used by default" in quotes(cell.because)


@pytest.mark.parametrize("client", IN_CLUSTER_PODS, ids=lambda c: c.value)
def test_turbo_a_container_calling_the_public_address_is_not_documented(client):
    """The Turbo paragraph names the load balancer's private address only."""
    cell = access_matrix(turbo()).cell(client, Address.PUBLIC)
    assert cell.route is Route.NOT_DOCUMENTED and cell.because == ()


@pytest.mark.parametrize("client", IN_CLUSTER_NODES, ids=lambda c: c.value)
def test_turbo_a_node_with_the_pass_through_annotation_is_not_documented(client):
    """The Turbo paragraph describes the default only, not what the annotation changes for a node."""
    assert access_matrix(turbo(pass_through=True)).cell(client, Address.PRIVATE).route is Route.NOT_DOCUMENTED


def test_turbo_local_is_documented_only_with_host_network_pods():
    """cce_10_0249: "In a CCE Turbo cluster that utilizes a Cloud Native 2.0 network model, node-level
    affinity is supported only when the Service backend is connected to a HostNetwork pod." """
    without = access_matrix(turbo(traffic_policy="Local"))
    assert {cell.route for cell in without.cells if cell.client.in_cluster} == {Route.NOT_DOCUMENTED}
    with_host_network = access_matrix(turbo(traffic_policy="Local", host_network=True))
    assert with_host_network.cell(Client.POD_ON_OTHER_NODE, Address.PRIVATE).route is Route.THROUGH_ELB


# --- cce_10_0249: the table of failures with externalTrafficPolicy: Local ---------------------------

LB_ROWS = [row for row in LOCAL_TABLE if row.service_type.startswith("LoadBalancer")]
NODE_PORT_ROWS = [row for row in LOCAL_TABLE if row.service_type == "NodePort Service"]


def column_id(column: tuple[str, str]) -> str:
    return f"{column[0]} network ({column[1]})"


@pytest.mark.parametrize(
    ("row", "column"),
    list(itertools.product(LB_ROWS, LOCAL_TABLE_COLUMNS)),
    ids=[
        f"{r.service_type} / {r.access_type} / {r.client_location} / {column_id(c)}: The access failed"
        for r, c in itertools.product(LB_ROWS, LOCAL_TABLE_COLUMNS)
    ],
)
def test_local_dedicated_load_balancer_private_network_row(row, column):
    network, mode = column
    inputs = standard(dedicated=True, traffic_policy="Local", network_model=network, kube_proxy_mode=mode)
    client = {"Same node as the service pod": Client.BACKEND_NODE}.get(
        row.client_location, Client.POD_ON_BACKEND_NODE
    )
    cell = access_matrix(inputs).cell(client, Address.PRIVATE)
    assert cell.route is Route.FAILS
    assert any(s.page == SERVICE_OVERVIEW_PAGE and row.client_location in s.quote for s in cell.because)


@pytest.mark.parametrize(
    ("row", "column"),
    list(itertools.product(NODE_PORT_ROWS, LOCAL_TABLE_COLUMNS)),
    ids=[
        f"{r.service_type} / {r.client_location} / {column_id(c)}"
        for r, c in itertools.product(NODE_PORT_ROWS, LOCAL_TABLE_COLUMNS)
    ],
)
def test_local_node_port_row(row, column):
    network, mode = column
    outcomes = dict(node_port_outcomes(network, mode))
    quoted = [s.quote for s in outcomes.values() if row.client_location in s.quote]
    assert len(quoted) == 1
    assert quoted[0].endswith(" ".join(row.outcome(network, mode)))


@pytest.mark.parametrize("column", LOCAL_TABLE_COLUMNS, ids=column_id)
@pytest.mark.parametrize("client", [Client.OTHER_NODE, Client.POD_ON_OTHER_NODE], ids=lambda c: c.value)
def test_local_scenarios_not_listed_in_the_table_are_normal(column, client):
    """cce_10_0249: "Other scenarios that are not listed in the table indicate that the access is normal." """
    network, mode = column
    inputs = standard(dedicated=True, traffic_policy="Local", network_model=network, kube_proxy_mode=mode)
    cell = access_matrix(inputs).cell(client, Address.PRIVATE)
    assert cell.route is Route.THROUGH_ELB
    assert "not listed in the table" in quotes(cell.because)


def test_local_table_does_not_cover_shared_load_balancers():
    inputs = standard(traffic_policy="Local", pass_through=False)
    assert access_matrix(inputs).failing() == ()


# --- every cell cites -------------------------------------------------------------------------------

ALL_INPUTS = [
    AccessInputs(flavor, mode, network, dedicated, pass_through, policy, host_network, public)
    for flavor, mode, network, dedicated, pass_through, policy, host_network, public in itertools.product(
        ("standard", "turbo"),
        ("iptables", "ipvs"),
        ("tunnel", "vpc", "cloud-native-2.0", None),
        (False, True),
        (False, True),
        ("Cluster", "Local"),
        (False, True),
        (True, False, None),
    )
]


def test_every_cell_cites_a_documented_sentence_or_says_not_documented():
    for inputs in ALL_INPUTS:
        for cell in access_matrix(inputs).cells:
            assert cell.cited, (inputs, cell)
            for statement in cell.because:
                assert statement.page.url.startswith("https://")


def test_a_service_without_a_public_address_shows_only_the_private_column():
    assert access_matrix(standard(public_address=False)).addresses == (Address.PRIVATE,)
    assert access_matrix(standard(public_address=None)).addresses == (Address.PRIVATE, Address.PUBLIC)


@pytest.mark.parametrize("address", list(Address), ids=lambda a: a.value)
def test_outside_the_cluster_requests_are_transmitted_through_an_elb(address):
    """cce_10_0014: "In this access mode, requests are transmitted through an ELB load balancer to a node
    and then forwarded to the destination pod through the Service." """
    for inputs in (standard(), turbo(), standard(pass_through=False)):
        assert access_matrix(inputs).cell(Client.OUTSIDE, address).route is Route.THROUGH_ELB
