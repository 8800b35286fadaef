"""Rules across the services of a stack (PT3xx)."""

from __future__ import annotations

from .. import sources as src
from .rule import E, Rule, W

RULES = [
    Rule(
        "PT302",
        E,
        "IPVS cluster: services on one ELB disagree on pass-through",
        "With kube-proxy in IPVS mode, all Services attached to the same ELB must have the same pass-through "
        "setting; otherwise the ELB address is captured on the ipvs-0 device for some of them.",
        "Give every service on this ELB the same passThrough (and externalTrafficPolicy) setting.",
        (src.OTC_PT, src.OTC_OVERVIEW, src.HW_BP_SEED),
    ),
    Rule(
        "PT303",
        E,
        "two listeners on one ELB claim the same port",
        "Each Service port becomes an ELB listener; TCP, HTTP, HTTPS and TLS share one port space per ELB, "
        "and only UDP may reuse a port another protocol uses.",
        "Change one of the ports, or put the service on another ELB.",
        (src.HW_ELB_PORTS, src.OTC_HTTP),
    ),
    Rule(
        "PT304",
        W,
        "user-supplied pass-through annotation that CCE rewrites",
        "With externalTrafficPolicy: Local CCE sets kubernetes.io/elb.pass-through to onlyLocal; any other "
        "value you send is rewritten and shows as drift on every preview.",
        "Drop kubernetes.io/elb.pass-through from annotations and use passThrough; the component emits the "
        "value CCE keeps.",
        (src.OTC_PT, src.HW_BP_SEED),
    ),
    Rule(
        "PT305",
        E,
        "shareWith names no usable service",
        "shareWith attaches this service to the ELB of another service of the same stack; that service must "
        "exist, own its ELB (not share one itself) and use the same ELB class.",
        "Point shareWith at a service of this stack that autocreates, manages or names its ELB.",
        (src.README_CONFIG,),
    ),
]
