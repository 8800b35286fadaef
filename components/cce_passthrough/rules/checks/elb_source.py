"""Where the ELB comes from (PT201), its class (PT202), and the annotations the component builds from
them (PT304, PT403)."""

from __future__ import annotations

from collections.abc import Iterator

from ...core import annotations as ann
from ...core.diagnostics import Diagnostic
from ...core.model import ELB_CLASS_VALUES, ClusterFacts, ServiceConfig
from ...core.paths import join as _path
from ..catalogue import rule


def check_elb_source(
    service: ServiceConfig, _cluster: ClusterFacts | None, prefix: str
) -> Iterator[Diagnostic]:
    elb = service.elb
    if elb.elb_class is None and not service.rejected("elb.class"):
        yield rule("PT202").finding(service.name, _path(prefix, "elb.class"), "elb.class is missing.")
    elif elb.elb_class is not None and elb.elb_class not in ELB_CLASS_VALUES:
        yield rule("PT202").finding(
            service.name,
            _path(prefix, "elb.class"),
            f"elb.class {elb.elb_class!r} is not one of shared, dedicated (or CCE's union, performance).",
        )
    sources = elb.sources
    sources_rejected = any(
        service.rejected(f"elb.{key}")
        for key in ("autocreate", "autocreate_json", "existing", "managed", "share_with")
    )
    if len(sources) > 1 or (not sources and not sources_rejected):
        found = ", ".join(sources) if sources else "none"
        yield rule("PT201").finding(
            service.name,
            _path(prefix, "elb"),
            f"exactly one of autocreate, existing, managed, shareWith is needed (found: {found}).",
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


def elb_class_problem(resource: str | None, where: str, message: str, fix: str | None = None) -> Diagnostic:
    """PT202 for an elb.class the config parser could not read (not a string)."""
    return rule("PT202").finding(resource, where, message, fix)
