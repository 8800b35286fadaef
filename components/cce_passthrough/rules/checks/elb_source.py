"""Where the ELB comes from (PT201; spec.loadBalancerIP, PT412), its class (PT202; unset on a manifest,
PT215), and the annotations the component builds from them (PT304, PT403; a near-miss of such a key is
its PT403 too)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from ...core import annotations as ann
from ...core.diagnostics import Diagnostic, shown
from ...core.model import ELB_CLASS_VALUES, ClusterFacts, ServiceConfig
from ...core.paths import join as _path
from ..catalogue import rule
from .annotation_key_syntax import owned_near_miss

# CCE falls back to spec.loadBalancerIP, without elb.id, only up to this minor [OTC-ANN].
LOAD_BALANCER_IP_LAST_MINOR = (1, 23)


def check_elb_source(
    service: ServiceConfig, cluster: ClusterFacts | None, prefix: str
) -> Iterator[Diagnostic]:
    elb = service.elb
    manifest = service.manifest
    if elb.elb_class is None and manifest is not None:
        yield rule("PT215").finding(
            service.name,
            _path(prefix, f'annotations["{ann.CLASS}"]'),
            f"{ann.CLASS} is not set: CCE's documents disagree on whether the ELB is then shared (union) or "
            "dedicated (performance).",
        )
    elif elb.elb_class is None and not service.rejected("elb.class"):
        yield rule("PT202").finding(service.name, _path(prefix, "elb.class"), "elb.class is missing.")
    elif elb.elb_class is not None and elb.elb_class not in ELB_CLASS_VALUES:
        yield rule("PT202").finding(
            service.name,
            _path(prefix, "elb.class"),
            f"elb.class {elb.elb_class!r} is not one of shared, dedicated (or CCE's union, performance).",
        )
    yield from _source_findings(service, cluster, prefix)
    if manifest is not None and manifest.load_balancer_ip and not manifest.read_back:
        ignored = f", so next to {ann.ID} it is ignored." if elb.existing is not None else "."
        yield rule("PT412").finding(
            service.name,
            _path(prefix, "spec.loadBalancerIP"),
            f"spec.loadBalancerIP {manifest.load_balancer_ip!r} is deprecated since Kubernetes v1.24; CCE reads "
            f"it only without {ann.ID} and only up to v1.23{ignored}",
        )
    for key in service.annotations:
        where = _path(prefix, f'annotations["{key}"]')
        if key == ann.PASS_THROUGH:
            value = service.annotations[key]
            expected = ann.pass_through_value(service)
            yield rule("PT304").finding(
                service.name,
                where,
                f"{key}: {value!r} is set by hand; the component sends {expected!r} (what CCE keeps), and "
                "a value CCE rewrites would drift forever.",
            )
        elif key in ann.OWNED:
            yield rule("PT403").finding(
                service.name, where, f"{key} is built by the component from elb settings."
            )
        elif (meant := owned_near_miss(key)) is not None:
            yield rule("PT403").finding(
                service.name,
                _path(prefix, f"annotations[{json.dumps(key)}]"),
                f"{shown(key)} is a misspelling of {meant}, which the component builds from elb settings; "
                "CCE would ignore this key.",
                f"Remove {shown(key)} and set the ELB through elb: ({meant} comes from it).",
            )


def _source_findings(
    service: ServiceConfig, cluster: ClusterFacts | None, prefix: str
) -> Iterator[Diagnostic]:
    """PT201: a service's ELB comes from exactly one place."""
    sources, manifest = service.elb.sources, service.manifest
    # A source the parser already rejected (and reported) is not missing a second time.
    rejected = any(
        service.rejected(f"elb.{key}")
        for key in ("autocreate", "autocreate_json", "existing", "managed", "share_with")
    )
    if not sources and rejected:
        return
    if manifest is None:
        if len(sources) != 1:
            found = ", ".join(sources) if sources else "none"
            yield rule("PT201").finding(
                service.name,
                _path(prefix, "elb"),
                f"exactly one of autocreate, existing, managed, shareWith is needed (found: {found}).",
            )
        return
    if not sources and manifest.load_balancer_ip:
        # Honoured without elb.id up to v1.23 (PT412 warns); later clusters have no ELB to use.
        if cluster is not None and cluster.version.minor_key > LOAD_BALANCER_IP_LAST_MINOR:
            yield rule("PT201").finding(
                service.name,
                _path(prefix, "elb"),
                f"neither {ann.ID} nor {ann.AUTOCREATE} is set, and CCE reads spec.loadBalancerIP instead only "
                f"up to v1.23 (cluster is {cluster.version}).",
                f"Name the ELB with {ann.ID}, or let CCE create one with {ann.AUTOCREATE}.",
            )
    elif len(sources) != 1:
        both = (
            f"both {ann.ID} and {ann.AUTOCREATE} are set"
            if sources
            else f"neither {ann.ID} nor {ann.AUTOCREATE} is set"
        )
        yield rule("PT201").finding(
            service.name,
            _path(prefix, "elb"),
            f"{both}; exactly one names the ELB.",
            f"Keep {ann.ID} for an existing ELB, or {ann.AUTOCREATE} for one CCE creates.",
        )


def elb_class_problem(resource: str | None, where: str, message: str, fix: str | None = None) -> Diagnostic:
    """PT202 for an elb.class the config parser could not read (not a string)."""
    return rule("PT202").finding(resource, where, message, fix)
