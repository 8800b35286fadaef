"""What the state bucket's settings should be, what they are, and what bootstrap may change: pure.

Definition of a *public* bucket (the bootstrap refusal rule), precisely:

1. the bucket ACL has a grant to the ``AllUsers`` or ``AuthenticatedUsers`` group (any
   permission), or
2. the bucket policy has an ``"Effect": "Allow"`` statement whose ``Principal`` is ``"*"`` or
   contains ``"*"`` under any key (``{"AWS": "*"}``, OBS ``{"ID": ["*"]}``); conditions are
   not evaluated, so a conditioned wildcard statement still counts (conservative); a policy
   that cannot be parsed as a JSON object counts as public too (it cannot be shown not to be) and
   is refused even with ``--fix``, which never deletes a policy it cannot read, or
3. the public access block is missing or has any of its four flags off - *if the endpoint
   implements the public-access-block API*. If it answers ``NotImplemented``/``405``/``501``,
   only rules 1 and 2 apply and bootstrap says so.

*Unversioned* means versioning status is not ``Enabled`` (never enabled, or ``Suspended``).
A pre-existing bucket that is public or unversioned is refused (exit 1) and left untouched
unless ``--fix`` - except an empty one that only lacks what bootstrap sets (what a concurrent or
interrupted bootstrap leaves). Missing default encryption is not a refusal reason: bootstrap
turns on AES256 default encryption on any bucket that has none (it only affects new objects
and changes neither access nor history); an existing SSE-KMS configuration is kept.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .url import BackendError

PUBLIC_GROUP_URIS = {
    "http://acs.amazonaws.com/groups/global/AllUsers": "AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "AuthenticatedUsers",
}
PAB_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
FULL_PAB = dict.fromkeys(PAB_FLAGS, True)
DEFAULT_ENCRYPTION = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}


def public_acl_grants(acl: Mapping[str, Any]) -> list[str]:
    """``["AllUsers:READ", ...]`` for each grant of a ``GetBucketAcl`` response to a public group."""
    found: list[str] = []
    grants = acl.get("Grants")
    for grant in grants if isinstance(grants, list) else []:
        grantee = grant.get("Grantee") if isinstance(grant, Mapping) else None
        if not isinstance(grantee, Mapping):
            continue
        group = PUBLIC_GROUP_URIS.get(str(grantee.get("URI", "")))
        if group:
            found.append(f"{group}:{grant.get('Permission', '?')}")
    return found


def _principal_is_wildcard(principal: Any) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, list):
        return any(_principal_is_wildcard(p) for p in principal)
    if isinstance(principal, dict):
        return any(_principal_is_wildcard(v) for v in principal.values())
    return False


def public_policy_statements(policy: Mapping[str, Any]) -> list[int]:
    """Indexes of ``Allow`` statements with a wildcard principal (conditions not evaluated)."""
    statements = policy.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    found: list[int] = []
    for index, statement in enumerate(statements if isinstance(statements, list) else []):
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        if _principal_is_wildcard(statement.get("Principal")) or statement.get("NotPrincipal") is not None:
            found.append(index)
    return found


@dataclass(frozen=True)
class ParsedPolicy:
    """A bucket policy as read back: ``policy`` is None if there is none or it is unparseable."""

    policy: dict[str, Any] | None
    public_statements: tuple[int, ...] = ()
    unparseable: bool = False


def parse_policy(text: str | bytes) -> ParsedPolicy:
    """Parse a ``GetBucketPolicy`` document; anything that is not a JSON object is unparseable.

    S3-compatible stores do not all validate what they store, so a policy may be malformed
    JSON, not an object, or absurdly nested. Such a policy cannot be shown to be private and
    is therefore treated as public by the caller. A UTF-8 byte order mark is tolerated.
    """
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        loaded = json.loads(text.lstrip("\ufeff"))
        if not isinstance(loaded, dict):
            return ParsedPolicy(None, unparseable=True)
        return ParsedPolicy(loaded, tuple(public_policy_statements(loaded)))
    except (ValueError, RecursionError):  # JSONDecodeError/UnicodeDecodeError; deep nesting
        return ParsedPolicy(None, unparseable=True)


def without_statements(policy: Mapping[str, Any], indexes: list[int]) -> dict[str, Any] | None:
    """The policy minus the given statements, or None if nothing remains."""
    statements = policy.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):  # no statement list: nothing there to remove
        return dict(policy)
    kept = [s for i, s in enumerate(statements) if i not in set(indexes)]
    if not kept:
        return None
    result = dict(policy)
    result["Statement"] = kept
    return result


@dataclass(frozen=True)
class BucketPosture:
    versioning: str  # "Enabled", "Suspended" or "Disabled" (never enabled)
    encryption: str | None  # "AES256", "aws:kms", ... or None
    public_access_block: dict[str, bool] | None  # None: not configured
    pab_supported: bool
    public_grants: tuple[str, ...] = ()
    policy: dict[str, Any] | None = None
    public_statements: tuple[int, ...] = ()
    policy_unparseable: bool = False  # a policy exists but is not a JSON object: counts as public

    @property
    def versioned(self) -> bool:
        return self.versioning == "Enabled"

    @property
    def pab_complete(self) -> bool:
        return self.public_access_block is not None and all(
            self.public_access_block.get(flag) is True for flag in PAB_FLAGS
        )

    @property
    def only_bootstrap_settings_missing(self) -> bool:
        """Private by ACL and policy, never suspended, public access block absent or complete.

        Bootstrap creates a bucket with a private ACL and then sets the whole public access
        block, versioning and encryption; these are all the states it passes through.
        """
        pab_untouched = not self.pab_supported or self.public_access_block is None or self.pab_complete
        return (
            not self.public_grants
            and not self.public_statements
            and not self.policy_unparseable
            and self.versioning != "Suspended"
            and pab_untouched
        )

    def public_reasons(self) -> list[str]:
        reasons: list[str] = []
        if self.public_grants:
            reasons.append("ACL grants " + ", ".join(self.public_grants))
        if self.public_statements:
            reasons.append(f"bucket policy allows Principal '*' ({len(self.public_statements)} statement(s))")
        if self.policy_unparseable:
            reasons.append("bucket policy cannot be parsed as a JSON object (treated as public)")
        if self.pab_supported and not self.pab_complete:
            if self.public_access_block is None:
                reasons.append("no public access block")
            else:
                off = [f for f in PAB_FLAGS if self.public_access_block.get(f) is not True]
                reasons.append("public access block incomplete (" + ", ".join(off) + " off)")
        return reasons

    def refusal_reasons(self) -> list[str]:
        reasons = [f"public: {r}" for r in self.public_reasons()]
        if not self.versioned:
            reasons.append(f"unversioned (versioning {self.versioning.lower()})")
        return reasons


def planned_fixes(posture: BucketPosture) -> list[str]:
    """The changes bootstrap makes to reach the target posture, in order (empty = compliant)."""
    fixes: list[str] = []
    if posture.public_grants:
        fixes.append("acl")
    if posture.public_statements:
        fixes.append("policy")
    if posture.pab_supported and not posture.pab_complete:
        fixes.append("public-access-block")
    if not posture.versioned:
        fixes.append("versioning")
    if posture.encryption is None:
        fixes.append("encryption")
    return fixes


def refusal(
    bucket: str, posture: BucketPosture, *, fix: bool, empty: Callable[[], bool]
) -> BackendError | None:
    """Why bootstrap must leave this existing bucket alone (exit 1), or None to go ahead.

    ``empty`` (a listing request) is asked only when the answer decides: for a bucket that only
    lacks settings bootstrap itself makes. Such a bucket, if empty, is what a bootstrap running
    alongside or stopped half-way leaves: nothing in it to protect, so it is set up like a new one.
    """
    if posture.policy_unparseable:
        # --fix cannot tell a public statement from a Deny it must keep: a person decides, nothing is lost.
        return BackendError(
            f"refusing to use existing bucket '{bucket}': its bucket policy cannot be parsed as a JSON "
            "object (treated as public), and --fix does not delete a policy it cannot read; correct or "
            f"remove it by hand (aws s3api get-bucket-policy --bucket {bucket}), then re-run",
            exit_code=1,
        )
    reasons = posture.refusal_reasons()
    if fix or not reasons or (posture.only_bootstrap_settings_missing and empty()):
        return None
    return BackendError(
        f"refusing to use existing bucket '{bucket}': {'; '.join(reasons)}; "
        "re-run with --fix to make it private and versioned",
        exit_code=1,
    )


def leftover_problems(posture: BucketPosture) -> list[str]:
    """What still keeps a bucket from the target posture after bootstrap's changes."""
    return posture.refusal_reasons() + (["no default encryption"] if posture.encryption is None else [])
