"""Drive the policy pack through pulumi-policy's own analyzer, offline, over a recorded plan.

`PolicyPack(...)` would start a gRPC server and block; the analyzer servicer behind it is what the
Pulumi CLI talks to, so calling it directly gives the same diagnostics `pulumi preview --policy-pack`
prints. It is a private class of pulumi-policy (the `policy` extra, pinned in requirements-dev.txt), used
only here.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from google.protobuf import struct_pb2
from pulumi.runtime import proto
from pulumi_policy import EnforcementLevel
from pulumi_policy.policy import _PolicyAnalyzerServicer
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from ..wiring.policy_pack import PACK_NAME, POLICIES
from .plan import COMPUTED, PlannedResource

_LEVELS = {proto.ADVISORY: "advisory", proto.MANDATORY: "mandatory", proto.DISABLED: "disabled"}


@dataclass(frozen=True)
class PolicyFinding:
    policy: str
    enforcement: str
    urn: str
    message: str

    @property
    def blocking(self) -> bool:
        return self.enforcement == "mandatory"


def _wire(value: Any) -> Any:
    # What the engine sends for a value unknown at preview.
    if value == COMPUTED:
        return UNKNOWN_STRING_VALUE
    if isinstance(value, Mapping):
        return {k: _wire(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_wire(v) for v in value]
    return value


def _struct(values: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(_wire(dict(values)))
    return struct


def _servicer(cluster: Mapping[str, Any] | None) -> _PolicyAnalyzerServicer:
    from .. import __version__

    servicer = _PolicyAnalyzerServicer(PACK_NAME, __version__, POLICIES, EnforcementLevel.MANDATORY)
    if cluster:
        request = proto.ConfigureAnalyzerRequest()
        for policy in POLICIES:
            request.policyConfig[policy.name].properties.update(dict(cluster))
            level = policy.enforcement_level or EnforcementLevel.MANDATORY
            request.policyConfig[policy.name].enforcementLevel = (
                proto.MANDATORY if level is EnforcementLevel.MANDATORY else proto.ADVISORY
            )
        servicer.Configure(request, None)  # type: ignore[no-untyped-call]
    return servicer


def _findings(response: Any, fallback_urn: str) -> list[PolicyFinding]:
    return [
        PolicyFinding(
            d.policyName, _LEVELS.get(d.enforcementLevel, "advisory"), d.urn or fallback_urn, d.message
        )
        for d in response.diagnostics
    ]


def analyze(
    resources: Sequence[PlannedResource], cluster: Mapping[str, Any] | None = None
) -> list[PolicyFinding]:
    """Every resource through the resource policies, then the whole plan through the stack policies."""
    servicer = _servicer(cluster)
    found: list[PolicyFinding] = []
    custom = [r for r in resources if r.custom]
    for resource in custom:
        request = proto.AnalyzeRequest(
            type=resource.type, properties=_struct(resource.inputs), urn=resource.urn, name=resource.name
        )
        found += _findings(servicer.Analyze(request, None), resource.urn)  # type: ignore[no-untyped-call]
    stack = proto.AnalyzeStackRequest(
        resources=[
            proto.AnalyzerResource(
                type=r.type,
                properties=_struct(r.inputs),
                urn=r.urn,
                name=r.name,
                parent=r.parent or "",
                dependencies=r.dependencies,
            )
            for r in custom
        ]
    )
    found += _findings(servicer.AnalyzeStack(stack, None), "")  # type: ignore[no-untyped-call]
    return found
