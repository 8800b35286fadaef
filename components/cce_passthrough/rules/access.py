"""Who reaches a Service's ELB address from where, and which way: the access matrix.

For each client location and each ELB address, the route a request takes (through the ELB, short-circuited
by kube-proxy, fails, or not documented) and the documented sentences it comes from (`access_pages.py`).
Nothing is guessed: where the pages are silent, the cell says so.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from ..core.model import ClusterFacts, KubeProxyMode, NetworkModel, ServiceConfig
from .access_pages import (
    LOCAL_SETS_ONLY_LOCAL,
    OUTSIDE_THROUGH_ELB,
    STANDARD_DEDICATED_LIMIT,
    STANDARD_DEFAULT,
    STANDARD_PASS_THROUGH,
    TURBO_LOCAL_NEEDS_HOST_NETWORK,
    TURBO_NODE_DEFAULT,
    TURBO_POD_DEFAULT,
    UNLISTED_IS_NORMAL,
    Address,
    Client,
    Route,
    Statement,
    local_table_failure,
)


def local_turns_pass_through_on(pass_through: bool, traffic_policy: str) -> bool:
    """LOCAL_SETS_ONLY_LOCAL: under Local CCE writes onlyLocal itself, whatever the user asked (PT110)."""
    return traffic_policy == "Local" and not pass_through


def turbo_local_without_host_network(flavor: str, traffic_policy: str, host_network: bool) -> bool:
    """TURBO_LOCAL_NEEDS_HOST_NETWORK: Local on CCE Turbo is documented only with hostNetwork backends
    (PT105); the matrix says `not documented` for everything else."""
    return flavor == "turbo" and traffic_policy == "Local" and not host_network


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
        return self.pass_through or local_turns_pass_through_on(self.pass_through, self.traffic_policy)


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
    if turbo_local_without_host_network(inputs.flavor, inputs.traffic_policy, inputs.host_network):
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


def stack_access(services: list[ServiceConfig], cluster: ClusterFacts) -> dict[str, AccessMatrix]:
    """The matrix of every service of a stack, by service name."""
    owners = {service.name: service for service in services}
    return {service.name: service_access(service, cluster, owners) for service in services}
