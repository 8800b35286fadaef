"""Every rule that reads one service and the cluster facts, in the order their findings are reported."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ...core.diagnostics import Diagnostic
from ...core.model import ClusterFacts, ServiceConfig
from .annotation_conflicts import check_annotation_conflicts
from .annotation_key_syntax import check_annotation_key_syntax
from .annotation_keys import check_annotation_keys
from .annotation_no_effect import check_annotations_without_effect
from .cluster_support import check_cluster_support, check_local_pass_through
from .elb_location import check_existing, check_managed_vpc
from .elb_source import check_elb_source
from .new_elb import check_autocreate, check_l7_flavor, check_managed
from .spec import check_protocols, check_spec
from .workload import check_labels, check_resources

Check = Callable[[ServiceConfig, ClusterFacts | None, str], Iterator[Diagnostic]]

SERVICE_CHECKS: tuple[Check, ...] = (
    check_spec,
    check_protocols,
    check_local_pass_through,
    check_elb_source,
    check_autocreate,
    check_existing,
    check_managed,
    check_l7_flavor,
    check_managed_vpc,
    check_cluster_support,
    check_annotation_key_syntax,
    check_annotation_keys,
    check_annotation_conflicts,
    check_annotations_without_effect,
    check_labels,
    check_resources,
)


def check_service(service: ServiceConfig, cluster: ClusterFacts | None, prefix: str = "") -> list[Diagnostic]:
    """Every single-service finding; cluster rules are skipped when the facts are unknown (already reported)."""
    return [finding for check in SERVICE_CHECKS for finding in check(service, cluster, prefix)]
