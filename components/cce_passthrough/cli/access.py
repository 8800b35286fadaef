"""The access matrix for people and machines: a compact summary under each Service of the preview tree,
a full table with its reasons and the documented fixes (`cce-passthrough access`), and JSON."""

import textwrap
from typing import Any

from ..rules.access import AccessMatrix, Cell
from ..rules.access_pages import (
    DOCUMENTED_FIXES,
    STANDARD_DEDICATED_LIMIT,
    Address,
    Client,
    Route,
    Statement,
    node_port_outcomes,
)

ADDRESS_HEADINGS = {Address.PRIVATE: "private ELB address", Address.PUBLIC: "public ELB address"}


def _clients(cells: list[Cell]) -> str:
    names = [cell.client.value for cell in cells]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def address_summary(matrix: AccessMatrix, address: Address) -> str:
    """`fails from a pod on a backend node and backend node itself; through the ELB from elsewhere`: the
    route most client locations take is said once, the others by name."""
    cells = [cell for cell in matrix.cells if cell.address is address]
    routes = [cell.route for cell in cells]
    usual = max(dict.fromkeys(routes), key=routes.count)
    parts = []
    for route in dict.fromkeys(routes):
        if route is not usual:
            parts.append(f"{route.value} from {_clients([c for c in cells if c.route is route])}")
    everywhere = "everywhere" if not parts else "elsewhere"
    parts.append(f"{usual.value} from {everywhere}")
    heading = ADDRESS_HEADINGS[address]
    if address is Address.PUBLIC and matrix.inputs.public_address is None:
        heading += " (if the ELB has one)"
    return f"{heading}: {'; '.join(parts)}"


def compact_lines(matrix: AccessMatrix) -> list[str]:
    return [address_summary(matrix, address) for address in matrix.addresses]


def _statement_json(statement: Statement) -> dict[str, str]:
    return {"quote": statement.quote, "title": statement.page.title, "url": statement.page.url or ""}


def matrix_json(matrix: AccessMatrix) -> dict[str, Any]:
    """Every cell with the sentences it comes from, in the matrix's order."""
    return {
        "addresses": [address.value for address in matrix.addresses],
        "cells": [
            {
                "client": cell.client.value,
                "address": cell.address.value,
                "route": cell.route.value,
                "because": [_statement_json(s) for s in cell.because],
            }
            for cell in matrix.cells
        ],
    }


def _footnotes(matrix: AccessMatrix) -> tuple[dict[Statement, int], list[str]]:
    numbers: dict[Statement, int] = {}
    for cell in matrix.cells:
        for statement in cell.because:
            numbers.setdefault(statement, len(numbers) + 1)
    notes = [f"  [{n}] {s.quote}\n      {s.page}" for s, n in numbers.items()]
    return numbers, notes


def table(service: str, matrix: AccessMatrix) -> str:
    """The full matrix of one service: a row per client location, a column per ELB address, each cell
    with the numbers of the sentences it comes from; then those sentences and the documented fixes."""
    numbers, notes = _footnotes(matrix)

    def cell_text(cell: Cell) -> str:
        refs = "".join(f"[{numbers[s]}]" for s in cell.because)
        return f"{cell.route.value} {refs}".rstrip()

    headings = ["client \\ address", *(ADDRESS_HEADINGS[a] for a in matrix.addresses)]
    rows = [
        [client.value, *(cell_text(matrix.cell(client, address)) for address in matrix.addresses)]
        for client in Client
    ]
    widths = [max(len(row[i]) for row in [headings, *rows]) for i in range(len(headings))]
    lines = [f"Who reaches the ELB address of service {service}, and which way:", ""]
    for row in [headings, *rows]:
        lines.append(
            "  " + "  ".join(text.ljust(width) for text, width in zip(row, widths, strict=True)).rstrip()
        )
    inputs = matrix.inputs
    facts = (
        f"From: CCE {inputs.flavor.capitalize()} cluster, kube-proxy {inputs.kube_proxy_mode}, "
        f"network {inputs.network_model or 'not declared'}, {'dedicated' if inputs.dedicated else 'shared'} ELB, "
        f"pass-through {'on' if inputs.pass_through else 'off'}, externalTrafficPolicy {inputs.traffic_policy}"
        f"{', hostNetwork pods' if inputs.host_network else ''}."
    )
    lines += ["", *textwrap.wrap(facts, 100, subsequent_indent="      "), "", "Sources:", *notes]
    network = inputs.network_model
    if inputs.traffic_policy == "Local" and network in ("tunnel", "vpc") and inputs.flavor == "standard":
        lines += ["", "Node ports under Local (NodeIP:NodePort of this Service), per cce_10_0249:"]
        lines += [
            f"  {client.value}: {s.quote}"
            for client, s in node_port_outcomes(network, inputs.kube_proxy_mode)
        ]
    if any(cell.route is Route.NOT_DOCUMENTED for cell in matrix.cells):
        lines.append(
            "  (not documented: no CCE page says what happens; check it with `cce-passthrough verify`)"
        )
    if matrix.failing() or any(cell.route is Route.SHORT_CIRCUITED for cell in matrix.cells):
        lines += ["", "Documented ways out (cce_10_0249):"]
        lines += [f"  - {fix.quote}" for fix in DOCUMENTED_FIXES]
    if any(STANDARD_DEDICATED_LIMIT in cell.because for cell in matrix.failing()):
        lines.append(
            "  - A shared ELB (elb.class: shared): the limitation quoted above is documented for dedicated "
            "load balancers only (cce_10_0355)."
        )
    return "\n".join(lines) + "\n"
