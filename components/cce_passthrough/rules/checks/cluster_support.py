"""What the cluster supports for this service (PT101-PT106): pass-through, dedicated ELBs, Local on
CCE Turbo, what the access matrix says fails; and pass-through CCE turns on itself with Local (PT110)."""

from __future__ import annotations

from collections.abc import Iterator

from ...core.diagnostics import Diagnostic
from ...core.model import ClusterFacts, ServiceConfig
from ...core.paths import join as _path
from ..access import local_turns_pass_through_on, service_access, turbo_local_without_host_network
from ..catalogue import rule


def check_local_pass_through(
    service: ServiceConfig, _cluster: ClusterFacts | None, prefix: str
) -> Iterator[Diagnostic]:
    if local_turns_pass_through_on(service.pass_through, service.external_traffic_policy):
        yield rule("PT110").finding(
            service.name,
            _path(prefix, "passThrough"),
            "passThrough is false, but with externalTrafficPolicy: Local CCE sets kubernetes.io/elb.pass-through "
            "to onlyLocal: in-cluster calls to the ELB address go through the ELB. The component sends onlyLocal "
            "itself, so the Service does not drift.",
        )


def check_cluster_support(
    service: ServiceConfig, cluster: ClusterFacts | None, prefix: str
) -> Iterator[Diagnostic]:
    if cluster is None:
        return
    version = cluster.version
    elb_class_path = _path(prefix, "elb.class")
    # The version rules judge what the user asked for: with Local and passThrough: false, CCE itself
    # turns pass-through on (PT110), and an old cluster simply ignores it.
    if service.pass_through:
        where = _path(prefix, "passThrough")
        if not version.at_least_minor(1, 16):
            yield rule("PT101").finding(
                service.name, where, f"pass-through is not supported on cluster {version} (v1.15 or older)."
            )
        elif not version.at_least_minor(1, 19):
            yield rule("PT102").finding(
                service.name, where, f"pass-through on cluster {version}: current CCE docs require v1.19+."
            )
    if service.elb.dedicated and not version.at_least_minor(1, 17):
        yield rule("PT103").finding(
            service.name,
            elb_class_path,
            f"a dedicated ELB needs cluster v1.17 or later (cluster is {version}).",
        )
    if turbo_local_without_host_network(
        cluster.flavor, service.external_traffic_policy, service.host_network
    ):
        yield rule("PT105").finding(
            service.name,
            _path(prefix, "externalTrafficPolicy"),
            "CCE Turbo supports externalTrafficPolicy: Local only with hostNetwork pods.",
        )
    yield from _unreachable_from_pods(service, cluster, elb_class_path)


def _unreachable_from_pods(service: ServiceConfig, cluster: ClusterFacts, field: str) -> Iterator[Diagnostic]:
    """PT106 from the access matrix: pods are the clients that commonly call a Service, so a pod location
    the documentation says fails is worth a warning (the whole matrix is in `access`)."""
    failing = [cell for cell in service_access(service, cluster, {}).failing() if cell.client.is_pod]
    if not failing:
        return
    where = " and ".join(sorted({cell.client.value for cell in failing}))
    addresses = " and ".join(sorted({cell.address.value for cell in failing}))
    yield rule("PT106").finding(
        service.name,
        field,
        f"the ELB {addresses} address cannot be reached from {where} (CCE Standard cluster, dedicated ELB, "
        "pass-through on): those requests fail.",
    )
