"""What a plan does to what the user owns, given the stack's previous state: a Service replaced or
deleted while CCE holds an ELB it autocreated for it (PT217); a previous state that cannot answer
(PT219). The steps come from the offline engine; only the findings are made here."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from ...core import annotations as ann
from ...core.diagnostics import Diagnostic, shown
from ...core.paths import join
from ..catalogue import rule

# Each field CCE takes only at creation, as the component's replaceOnChanges names it and as the stack
# file writes it.
CONFIG_FIELDS = {
    f'metadata.annotations["{ann.CLASS}"]': "elb.class",
    f'metadata.annotations["{ann.AUTOCREATE}"]': "elb.autocreate",
    f'metadata.annotations["{ann.ID}"]': "elb",
    'metadata.annotations["kubernetes.io/elb.protocol-port"]': 'annotations["kubernetes.io/elb.protocol-port"]',
    "spec.externalTrafficPolicy": "externalTrafficPolicy",
}


def autocreated_elb(old_annotations: Mapping[str, object]) -> str | None:
    """`public` or `inner` when CCE autocreated the Service's ELB (the annotation is there), else None."""
    raw = old_annotations.get(ann.AUTOCREATE)
    if not isinstance(raw, str):
        return None
    try:
        kind = json.loads(raw).get("type")
    except (ValueError, AttributeError):
        return "inner"
    return "public" if kind == "public" else "inner"


def autocreated_elb_released(
    service: str,
    path: str | None,
    kind: str,
    changed: Sequence[str],
    addresses: Sequence[str],
) -> Diagnostic:
    """PT217. `path`: the service's config path, None when the stack no longer has it; `changed`: the
    replaceOnChanges paths that changed (empty when the Service is deleted)."""
    what = "the ELB CCE autocreated for it" + (" and the EIP CCE created with it" if kind == "public" else "")
    at = f" ({', '.join(shown(a) for a in addresses[:4])})" if addresses else ""
    if changed:
        fields = [CONFIG_FIELDS.get(p, p) for p in changed]
        field = join(path or "", fields[0]) if path is not None else "services"
        cause = f"changing {', '.join(fields)} replaces Service {shown(service)}, deleting it first"
    else:
        field = "services"
        cause = f"Service {shown(service)} is no longer in the stack and is deleted"
    return rule("PT217").finding(
        service,
        field,
        f"{cause}: CCE then deletes {what}, unless other resources still use the ELB; its addresses{at} "
        "are released.",
    )


def state_unreadable(name: str, reason: str) -> Diagnostic:
    """PT219: the previous state given with --state cannot be used."""
    return rule("PT219").finding(None, "--state", f"{name}: {reason}.")
