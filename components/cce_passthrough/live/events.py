"""Why a LoadBalancer Service is still `<pending>`: CCE's events on the Service, translated into findings.

CCE's cloud controller reports a failed ELB sync the way every Kubernetes cloud controller does: a
`Warning` event with reason `SyncLoadBalancerFailed` and the message `Error syncing load balancer:
failed to ensure load balancer: <cause>` (kubernetes/cloud-provider, controllers/service/controller.go).
On Huawei Cloud the cause is the ELB or VPC API's own error, `{"status_code":400,...,"error_code":
"ELB.1202","error_message":"..."}` (a CCM report in deckhouse/deckhouse#15569) or `{"code":"VPC.0521",
"message":"..."}`. The error codes and their meaning are Huawei's published ones (ELB and VPC API
references, "Error Codes"); each code (or, failing a code, the documented message text) maps to one
finding with the fix the docs give.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..core.diagnostics import Diagnostic
from ..rules.catalogue import Rule, rule

SYNC_FAILED = "SyncLoadBalancerFailed"
# Events the API server keeps for one hour by default (kube-apiserver --event-ttl).
EVENT_TTL = "1h"
_MAX_QUOTE = 300
_CODE = re.compile(r"\b((?:ELB|VPC|EIP|CCE)\.\d{4})\b")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Translation:
    """One documented cause: the cloud error codes that mean it and the message texts that name it."""

    rule: Rule
    codes: tuple[str, ...]
    texts: tuple[str, ...]
    meaning: str
    fix: str


TRANSLATIONS: tuple[Translation, ...] = (
    Translation(
        rule("PT500"),
        ("ELB.1091",),
        (
            r"number of load balancers exceeds the quota",
            r"quota exceeded for resources:\W*\[?\W*loadbalancer",
        ),
        "the account's load balancer quota is used up, so CCE cannot create the ELB",
        "Delete load balancers that are no longer used or request a higher ELB quota, then let CCE retry.",
    ),
    Translation(
        rule("PT501"),
        ("ELB.6091",),
        (r"number of listeners reaches the limit", r"quota exceeded for resources:\W*\[?\W*listener"),
        "the listener quota is used up, so CCE cannot add this Service's ports to the ELB",
        "Delete listeners that are no longer used or request a higher listener quota.",
    ),
    Translation(
        rule("PT502"),
        ("VPC.0703", "ELB.8934"),
        (
            r"no more ip addresses available on network \S",
            r"available ip addresses in the subnet .* insufficient",
        ),
        "the subnet of the ELB has no free IP address left",
        "Free addresses in the ELB's subnet, or choose another subnet with autocreate vip_subnet_cidr_id "
        "(or elb_virsubnet_ids for a dedicated ELB's backend subnet).",
    ),
    Translation(
        rule("PT503"),
        ("VPC.0521", "VPC.0532"),
        (
            r"quota exceeded for resources:\W*\[?\W*floatingip",
            r"no more ip addresses available on network\.?$",
        ),
        "no EIP could be assigned to the public ELB: the EIP quota is used up or the region has none left",
        "Release unbound EIPs or request a higher EIP quota, or use autocreate type: inner.",
    ),
    Translation(
        rule("PT504"),
        (),
        (
            r"flavor\S* .*(?:could not be found|sold out|not available|unavailable)",
            r"(?:availability[ _]zone|available_zone)\S* .*(?:could not be found|not available|unavailable|sold out)",
        ),
        "the dedicated ELB's flavor or availability zone cannot be used in this region now",
        "Pick a flavor and zone the region offers (ELB console, or ListFlavors and ListAvailabilityZones) in "
        "autocreate l4_flavor_name / available_zone.",
    ),
    Translation(
        rule("PT505"),
        ("ELB.1002", "ELB.1003", "ELB.6040"),
        (r"load ?balancer\S* .*(?:could not be found|not found|does not exist)",),
        "the ELB named by kubernetes.io/elb.id does not exist (deleted, or in another region or project)",
        "Set elb.existing.id to an ELB of this region and project, or let CCE create one with autocreate.",
    ),
    Translation(
        rule("PT506"),
        ("ELB.6200",),
        (r"already has a listener with protocol_port",),
        "a listener of the ELB already uses this port (another Service, an ingress, or one made in the console)",
        "Use another port for this Service, or remove the other listener, or give this Service its own ELB.",
    ),
    Translation(
        rule("PT507"),
        ("VPC.0502", "VPC.2701", "VPC.0010", "VPC.2201", "ELB.9802", "ELB.9803", "ELB.9804", "ELB.1102"),
        (
            r"not allowed to assign the eip",
            r"policy doesn't allow",
            r"is not obtained",
            r"account.*(?:frozen|arrears|balance)",
        ),
        "the cloud refused CCE's call: missing permissions, or an account in arrears or frozen",
        "Check the account's balance and status, and that CCE's agency (cce_admin_trust) still has its "
        "default permissions.",
    ),
    Translation(
        rule("PT508"),
        ("ELB.8902", "ELB.1001", "ELB.1202", "ELB.9899"),
        (r"invalid input for", r"enterprise_project_id can ?not be empty", r"request parameters invalid"),
        "the ELB API rejected a value CCE sent, taken from this Service's annotations",
        "Correct the value the message names in the Service's kubernetes.io/elb.* annotations "
        "(`cce-passthrough preview` checks them).",
    ),
)
_BY_CODE = {code: t for t in TRANSLATIONS for code in t.codes}
# Catch-all codes ("Invalid input for '%s'"): a documented text naming a precise cause wins over them.
_GENERIC_CODES = frozenset({"ELB.8902", "ELB.1001", "ELB.9899"})


def quote(text: str, limit: int = _MAX_QUOTE) -> str:
    """Event text as it may be shown to a human: one line, control characters escaped, bounded."""
    single = " ".join(text.split())
    escaped = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", single)
    return escaped if len(escaped) <= limit else escaped[: limit - 1] + "…"


def translate(message: str) -> tuple[Translation | None, str | None]:
    """(the documented cause, the cloud error code) a message names; (None, code or None) when neither a
    known code nor a documented text is in it."""
    codes = _CODE.findall(message)
    for code in codes:
        if code in _BY_CODE and code not in _GENERIC_CODES:
            return _BY_CODE[code], code
    lowered = message.lower()
    for translation in TRANSLATIONS:
        if any(re.search(text, lowered) for text in translation.texts):
            return translation, codes[0] if codes else None
    for code in codes:
        if code in _BY_CODE:
            return _BY_CODE[code], code
    return None, codes[0] if codes else None


def _text(event: Mapping[str, Any], *keys: str) -> str:
    for key in keys:
        value = event.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


def _when(event: Mapping[str, Any]) -> str:
    metadata = event.get("metadata") if isinstance(event.get("metadata"), Mapping) else {}
    assert isinstance(metadata, Mapping)
    series = event.get("series") if isinstance(event.get("series"), Mapping) else {}
    assert isinstance(series, Mapping)
    for value in (
        event.get("lastTimestamp"),
        series.get("lastObservedTime"),
        event.get("eventTime"),
        event.get("firstTimestamp"),
        metadata.get("creationTimestamp"),
    ):
        if isinstance(value, str) and value:
            return value
    return ""


def warnings_about(events: Sequence[Mapping[str, Any]], namespace: str, name: str) -> list[Mapping[str, Any]]:
    """The Warning events of Service `namespace/name`, newest first (core/v1 or events.k8s.io/v1 shape)."""
    found = []
    for event in events:
        if not isinstance(event, Mapping) or event.get("type") != "Warning":
            continue
        target = event.get("involvedObject") or event.get("regarding") or {}
        if not isinstance(target, Mapping):
            continue
        same_namespace = (target.get("namespace") or "default") == namespace
        if target.get("kind") == "Service" and target.get("name") == name and same_namespace:
            found.append(event)
    return sorted(found, key=_when, reverse=True)


def is_pending(service: Mapping[str, Any]) -> bool:
    """A LoadBalancer Service with no ingress address yet (`<pending>` in kubectl)."""
    spec = service.get("spec") if isinstance(service.get("spec"), Mapping) else {}
    assert isinstance(spec, Mapping)
    if spec.get("type") != "LoadBalancer":
        return False
    status = service.get("status") if isinstance(service.get("status"), Mapping) else {}
    assert isinstance(status, Mapping)
    balancer = status.get("loadBalancer") if isinstance(status.get("loadBalancer"), Mapping) else {}
    assert isinstance(balancer, Mapping)
    return not balancer.get("ingress")


def explain_pending(
    resource: str, field: str, namespace: str, name: str, events: Sequence[Mapping[str, Any]]
) -> list[Diagnostic]:
    """One finding per distinct cause found in the Service's warning events (newest first); PT510 when no
    event says anything, PT509 for an ELB sync failure with no documented cause."""
    findings: list[Diagnostic] = []
    seen: set[str] = set()
    unexplained: list[str] = []
    for event in warnings_about(events, namespace, name):
        message = _text(event, "message", "note")
        translation, code = translate(message)
        if translation is None:
            if _text(event, "reason") == SYNC_FAILED or code is not None:
                unexplained.append(message)
            continue
        if translation.rule.code in seen:
            continue
        seen.add(translation.rule.code)
        cloud = f" ({code})" if code else ""
        findings.append(
            translation.rule.finding(
                resource,
                field,
                f"Service {namespace}/{name} has no ELB address: {translation.meaning}{cloud}. "
                f"CCE said: {quote(message)}",
                translation.fix,
            )
        )
    if findings:
        return findings
    if unexplained:
        return [
            rule("PT509").finding(
                resource,
                field,
                f"Service {namespace}/{name} has no ELB address; CCE's last error is not one this tool "
                f"knows: {quote(unexplained[0])}",
            )
        ]
    return [
        rule("PT510").finding(
            resource,
            field,
            f"Service {namespace}/{name} has no ELB address and no warning event says why (events are "
            f"kept for {EVENT_TTL} by default).",
        )
    ]
