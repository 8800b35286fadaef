"""The policy pack entry point; the policies themselves live in cce_passthrough.wiring.policy_pack (tested there)."""

from pulumi_policy import EnforcementLevel, PolicyPack

from cce_passthrough.wiring.policy_pack import PACK_NAME, POLICIES

PolicyPack(name=PACK_NAME, enforcement_level=EnforcementLevel.MANDATORY, policies=POLICIES)
