"""Each annotation the user sets, on its own: a documented key (PT405; an older spelling, PT413), CCE's own
(PT407), its value form (PT404; an undocumented field of a JSON value, PT414), its ELB class (PT430) and its
version gate (PT107, PT108)."""

from __future__ import annotations

from collections.abc import Iterator

from ...core import annotations as ann
from ...core.diagnostics import Diagnostic
from ...core.model import ELB_CLASS_NAMES, ClusterFacts, ServiceConfig
from ...core.spelling import did_you_mean
from .annotation_context import Context, listeners
from .annotation_key_syntax import covered_keys
from .annotation_table import CCE_WRITTEN, KNOWN_KEYS, SPECS, UNVERIFIED
from .annotation_values import integer_problem
from .version_gates import gate_findings


def check_annotation_keys(
    service: ServiceConfig, cluster: ClusterFacts | None, prefix: str
) -> Iterator[Diagnostic]:
    context = Context(service, cluster, prefix, listeners(service))
    covered = covered_keys(service)  # an invalid or misspelt key has its one finding there
    for key, value in service.annotations.items():
        if key not in covered:
            yield from _check_one(context, key, value)
    yield from _keepalive_minimum(context)


def _looks_like_cce_key(key: str) -> bool:
    lowered = key.lower()
    return lowered.startswith(("kubernetes.io/elb", "kubernetes.io/hws"))


def _check_one(context: Context, key: str, value: str) -> Iterator[Diagnostic]:
    if key in ann.OWNED:
        return  # PT403 / PT304: elb_source.py
    if key in CCE_WRITTEN:
        manifest = context.service.manifest
        if manifest is None or not manifest.read_back:  # on a read-back Service, CCE put it there
            yield context.finding(
                "PT407", key, f"{key} is written by CCE itself; a value set here is overwritten."
            )
        return
    if key in ann.LEGACY_KEYS:
        current = ann.LEGACY_KEYS[key]
        yield context.finding(
            "PT413",
            key,
            f"{key} is the older spelling of {current}, from CCE's Chinese user guide before November 2022; "
            "no current page says whether CCE still reads it.",
            f"Rename the key to {current}.",
        )
        return
    if key in UNVERIFIED:
        yield context.finding(
            "PT405",
            key,
            f"{key} is not documented for Services; only an unverified third-party note mentions it.",
            f"Remove {key} unless you have checked that your CCE release honours it.",
        )
        return
    spec = SPECS.get(key)
    if spec is None:
        if _looks_like_cce_key(key):
            hint = did_you_mean(key, KNOWN_KEYS)
            yield context.finding(
                "PT405",
                key,
                f"{key} is not a documented CCE Service annotation; CCE ignores it.{hint}",
                "Correct the key to a documented one (`cce-passthrough explain PT405`), or remove it.",
            )
        return
    for problem in spec.validate(value):
        message = f"{key}: {problem.message}"
        if problem.unknown_field:
            fix = f"Use the documented fields of {key}: {spec.values}."
            yield context.finding("PT414", key, message, fix, problem.suffix)
        else:
            yield context.finding("PT404", key, message, f"Set {key} to {spec.values}.", problem.suffix)
    elb_class = context.service.elb.annotation_class
    if spec.elb_class is not None and elb_class is not None and elb_class != spec.elb_class:
        wanted, have = ELB_CLASS_NAMES[spec.elb_class], ELB_CLASS_NAMES.get(elb_class, elb_class)
        yield context.finding(
            "PT430",
            key,
            f"{key} works only with a {wanted} ELB; this service uses a {have} one.",
            f"Remove {key}, or use elb.class: {wanted}.",
        )
    gate = spec.class_gates.get(elb_class or "", spec.gate)
    if context.cluster is not None and gate is not None:
        yield from gate_findings(context.name, context.where(key), key, gate, context.cluster)


def _keepalive_minimum(context: Context) -> Iterator[Diagnostic]:
    """keepalive_timeout's range depends on the listeners: 0-4000 s for HTTP/HTTPS, 10-4000 s otherwise."""
    value = context.annotations.get(ann.KEEPALIVE_TIMEOUT)
    if value is None or integer_problem(value, 0, 4000) is not None:
        return  # outside the widest range: the value form above reports it
    seconds = int(value)
    layer4 = sorted({p.protocol for p in context.listeners if p.protocol in ("TCP", "UDP", "TLS")})
    if layer4 and seconds < 10:
        yield context.finding(
            "PT404",
            ann.KEEPALIVE_TIMEOUT,
            f"{ann.KEEPALIVE_TIMEOUT} {seconds} s is below 10 s, the minimum for {'/'.join(layer4)} listeners.",
            f"Set {ann.KEEPALIVE_TIMEOUT} to 10-4000 (default 300 for TCP/UDP).",
        )
