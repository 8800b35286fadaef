"""What the rules read from the cloud when `cluster.lookup` is on, as plain data. The reads themselves are
Pulumi invokes (wiring/lookup.py); the rules only see this interface, so they stay pure and testable."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol


class CloudLookupError(Exception):
    """A read failed; the message is the provider's own (not found, authentication, region)."""


@dataclass(frozen=True)
class FoundElb:
    vpc_id: str | None
    """The VPC of a dedicated ELB; None where the data source does not say (shared ELBs)."""


class Cloud(Protocol):
    def cluster(self, name: str) -> Mapping[str, Any]:
        """`cluster_version`, `container_network_type` and `vpc_id` of the named cluster (CloudLookupError)."""
        ...

    def elb(self, elb_id: str, dedicated: bool) -> FoundElb:
        """The ELB of this id and class (CloudLookupError when there is none)."""
        ...
