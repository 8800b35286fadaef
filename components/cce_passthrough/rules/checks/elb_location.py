"""Which ELB the service lands on and where it sits: an existing ELB's id, its shape at preview (PT109,
PT209) or once an output resolves, and with `cluster.lookup` on that it names an ELB of the declared
class (PT209); the ELB's VPC against the cluster's (PT210)."""

from __future__ import annotations

from collections.abc import Iterator

from ...core.diagnostics import Diagnostic
from ...core.model import UUID, ClusterFacts, ServiceConfig, SharedElbRef
from ...core.paths import join as _path
from ..catalogue import rule
from ..cloud import Cloud, CloudLookupError
from ..config import wrong_type


def check_existing(
    service: ServiceConfig, _cluster: ClusterFacts | None, prefix: str
) -> Iterator[Diagnostic]:
    existing = service.elb.existing
    if existing is not None:
        where = _path(prefix, "elb.existing.id")
        if _is_output(existing.id):
            yield rule("PT109").finding(
                service.name,
                where,
                "the ELB id is an output, possibly unknown until `pulumi up`: its id check (PT209) runs when "
                "the value is known and fails the update then; with cluster.lookup the ELB's class and VPC "
                "are not read.",
            )
        else:
            yield from elb_id_findings(service.name, where, existing.id)
    shared = service.elb.share_with
    # An output here is the elb_id of the service shared with, which that service's own checks vouch for.
    if isinstance(shared, SharedElbRef) and shared.elb_id is not None and not _is_output(shared.elb_id):
        yield from elb_id_findings(service.name, _path(prefix, "elb.share_with.elb_id"), shared.elb_id)


def elb_id_findings(resource: str, where: str, elb_id: object, secret: bool = False) -> list[Diagnostic]:
    """The id check, for plain ids at preview and for output ids once they resolve; a `secret` id (an
    output of another stack made secret) is never quoted."""
    if isinstance(elb_id, str):
        if UUID.match(elb_id):
            return []
        return [
            rule("PT209").finding(
                resource,
                where,
                "ELB id (a secret value) is not a UUID." if secret else f"ELB id {elb_id!r} is not a UUID.",
                "Use the ELB's id (a lowercase UUID such as 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d), not its name "
                "or address.",
            )
        ]
    return [wrong_type(resource, where, f"the ELB id must be a string (got {type(elb_id).__name__}).")]


def missing_shared_elb_id(resource: str, where: str, owner: str) -> Diagnostic:
    """The id of the ELB `owner` autocreated is not on its Service: found at `pulumi up`, when it resolves."""
    return rule("PT930").finding(
        resource,
        where,
        f"the ELB of {owner!r} has no id to share: {owner!r}'s Service carries no kubernetes.io/elb.id "
        "after `pulumi up` created it, and this Service would go to CCE with an empty elb.id; it was not sent.",
        f"Once kubectl shows kubernetes.io/elb.id on {owner!r}'s Service, run `pulumi up --refresh`; or "
        f"replace shareWith with existing: {{id: <that ELB's id>}}.",
    )


def _is_output(value: object) -> bool:
    # pulumi.Output without importing pulumi into the pure core.
    return type(value).__name__ == "Output" and type(value).__module__.startswith("pulumi")


def looked_up_elb_findings(
    service: ServiceConfig, cluster: ClusterFacts | None, cloud: Cloud, prefix: str
) -> list[Diagnostic]:
    """PT209 when the id names no ELB of the declared class, PT210 when it sits in another VPC."""
    existing = service.elb.existing
    if existing is None or not isinstance(existing.id, str) or not UUID.match(existing.id):
        return []  # a malformed id has its PT209 already; an output id is checked when it resolves
    elb_id, dedicated, where = existing.id, service.elb.dedicated, _path(prefix, "elb.existing.id")
    wanted, other = ("dedicated", "shared") if dedicated else ("shared", "dedicated")
    try:
        found = cloud.elb(elb_id, dedicated)
    except CloudLookupError as exc:
        message = f"no {wanted} ELB {elb_id!r} was found ({exc})"
        try:
            cloud.elb(elb_id, not dedicated)
            message = f"ELB {elb_id!r} is a {other} ELB, but elb.class says {wanted}"
        except CloudLookupError:
            pass  # not there either: the first error stands
        return [rule("PT209").finding(service.name, where, message + ".")]
    if cluster and cluster.vpc_id and found.vpc_id and found.vpc_id != cluster.vpc_id:
        return [
            rule("PT210").finding(
                service.name,
                where,
                f"ELB {elb_id!r} is in VPC {found.vpc_id!r}, the cluster in {cluster.vpc_id!r}.",
            )
        ]
    return []


def check_managed_vpc(
    service: ServiceConfig, cluster: ClusterFacts | None, prefix: str
) -> Iterator[Diagnostic]:
    managed = service.elb.managed
    if managed is None or cluster is None or not cluster.vpc_id or not managed.vpc_id:
        return
    if managed.vpc_id != cluster.vpc_id:
        yield rule("PT210").finding(
            service.name,
            _path(prefix, "elb.managed.vpcId"),
            f"ELB VPC {managed.vpc_id!r} is not the cluster's VPC {cluster.vpc_id!r}.",
        )
