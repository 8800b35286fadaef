"""What a production stack creates in the cloud stays protected (PT218): Pulumi's `protect` makes the
engine refuse to delete the ELB, EIP and bandwidth, so no plan can release the ELB's address by accident."""

from __future__ import annotations

from collections.abc import Iterator

from ...core.diagnostics import Diagnostic, shown
from ...core.model import ServiceConfig
from ...core.paths import join
from ..catalogue import rule


def check_production_protection(
    services: list[ServiceConfig], paths: dict[str, str], production: bool
) -> Iterator[Diagnostic]:
    if not production:
        return
    for service in services:
        managed = service.elb.managed
        if managed is not None and not managed.protect:
            yield rule("PT218").finding(
                service.name,
                join(paths.get(service.name, ""), "elb.managed.protect"),
                "this production stack leaves the ELB, EIP and bandwidth Pulumi creates unprotected: "
                "pulumi destroy, removing the service or replacing the ELB would delete them and release "
                "the address.",
                "Remove protect: false from elb.managed, or set cce-passthrough:production: false if this "
                "stack may be destroyed.",
            )


def unprotected_by_plan(service: str | None, path: str | None, resource: str) -> Diagnostic:
    """PT218: the previous state protected `resource` and this plan does not."""
    field = join(path, "elb.managed.protect") if path is not None else "services"
    return rule("PT218").finding(
        service,
        field,
        f"{shown(resource)} is protected in the previous state and this plan unprotects it: the next "
        "change that drops or replaces it deletes it.",
        "Keep elb.managed.protect: true (it is the default in a production stack).",
    )
