"""Requests that read and set the state bucket's settings: ``backend bootstrap``.

What the settings should be, and what may be changed, is decided in :mod:`.posture`; this
module only sends the requests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import botocore.exceptions

from .connection import error_code, is_unsupported
from .interrupt import finish_before_interrupt
from .posture import (
    DEFAULT_ENCRYPTION,
    FULL_PAB,
    PAB_FLAGS,
    BucketPosture,
    ParsedPolicy,
    leftover_problems,
    parse_policy,
    planned_fixes,
    public_acl_grants,
    refusal,
    without_statements,
)
from .url import BackendError, BackendTarget


@dataclass
class BootstrapResult:
    created: bool
    actions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    posture: BucketPosture | None = None


def bucket_exists(client: Any, bucket: str) -> bool:
    try:
        client.head_bucket(Bucket=bucket)
    except botocore.exceptions.ClientError as exc:
        if error_code(exc) in {"404", "NoSuchBucket", "NotFound"}:
            return False
        raise
    return True


def bucket_is_empty(client: Any, bucket: str) -> bool:
    """No object, version or delete marker; False when the listing is not allowed or fails."""
    try:
        page = client.list_object_versions(Bucket=bucket, MaxKeys=1)
    except botocore.exceptions.ClientError:
        return False
    return not (page.get("Versions") or page.get("DeleteMarkers"))


def versioning_status(client: Any, bucket: str) -> str:
    """``Enabled``, ``Suspended`` or ``Disabled`` (never enabled)."""
    return str(client.get_bucket_versioning(Bucket=bucket).get("Status") or "Disabled")


def _default_encryption(client: Any, bucket: str) -> str | None:
    try:
        answer = client.get_bucket_encryption(Bucket=bucket)
    except botocore.exceptions.ClientError as exc:
        if error_code(exc) != "ServerSideEncryptionConfigurationNotFoundError":
            raise
        return None
    for rule in answer.get("ServerSideEncryptionConfiguration", {}).get("Rules", []):
        algorithm = rule.get("ApplyServerSideEncryptionByDefault", {}).get("SSEAlgorithm")
        if algorithm:
            return str(algorithm)
    return None


def _public_access_block(client: Any, bucket: str) -> tuple[dict[str, bool] | None, bool]:
    """(the four flags or None if not configured, whether the endpoint implements the API)."""
    try:
        raw = client.get_public_access_block(Bucket=bucket).get("PublicAccessBlockConfiguration", {})
    except botocore.exceptions.ClientError as exc:
        if is_unsupported(exc):
            return None, False
        if error_code(exc) != "NoSuchPublicAccessBlockConfiguration":
            raise
        return None, True
    return {flag: bool(raw.get(flag, False)) for flag in PAB_FLAGS}, True


def _policy(client: Any, bucket: str) -> ParsedPolicy:
    try:
        return parse_policy(client.get_bucket_policy(Bucket=bucket).get("Policy", ""))
    except botocore.exceptions.ClientError as exc:
        if error_code(exc) not in {"NoSuchBucketPolicy", "NoSuchPolicy"}:
            raise
        return ParsedPolicy(None)


def inspect_bucket(client: Any, bucket: str) -> BucketPosture:
    """Read versioning, default encryption, public access block, ACL and policy back."""
    pab, pab_supported = _public_access_block(client, bucket)
    parsed = _policy(client, bucket)
    return BucketPosture(
        versioning=versioning_status(client, bucket),
        encryption=_default_encryption(client, bucket),
        public_access_block=pab,
        pab_supported=pab_supported,
        public_grants=tuple(public_acl_grants(client.get_bucket_acl(Bucket=bucket))),
        policy=parsed.policy,
        public_statements=parsed.public_statements,
        policy_unparseable=parsed.unparseable,
    )


def _create_bucket(client: Any, bucket: str, region: str | None) -> bool:
    kwargs: dict[str, Any] = {"Bucket": bucket, "ACL": "private"}
    # us-east-1 is the one region S3 refuses as an explicit LocationConstraint; OBS needs it
    # for every region other than its default.
    if region and region != "us-east-1":
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
    try:
        client.create_bucket(**kwargs)
    except botocore.exceptions.ClientError as exc:
        code = error_code(exc)
        if code == "BucketAlreadyOwnedByYou":
            return False
        if code == "BucketAlreadyExists":
            raise BackendError(
                f"bucket name '{bucket}' is taken by another account "
                "(bucket names are global); choose another"
            ) from exc
        raise
    return True


def _refuse_unless_safe(client: Any, bucket: str, posture: BucketPosture, *, fix: bool) -> None:
    error = refusal(bucket, posture, fix=fix, empty=lambda: bucket_is_empty(client, bucket))
    if error is not None:
        raise error


def bootstrap(client: Any, target: BackendTarget, *, fix: bool) -> BootstrapResult:
    """Create the bucket if absent and converge it: private, versioned, encrypted.

    Idempotent, also when several run at once: on a compliant bucket it performs reads only. A
    pre-existing public or unversioned bucket that holds objects (or had versioning suspended)
    raises ``BackendError(exit_code=1)`` before anything is changed, unless ``fix``. Ctrl-C
    once the first change is sent is held until the bucket is fully set up.
    """
    bucket = target.bucket
    posture = inspect_bucket(client, bucket) if bucket_exists(client, bucket) else None
    if posture is not None:
        _refuse_unless_safe(client, bucket, posture, fix=fix)
    with finish_before_interrupt(
        finished="interrupted after the bucket setup was finished; run `backend bootstrap` again to see it",
        cut_short="interrupted during the bucket setup; run `backend bootstrap` again to finish it "
        "(an empty private bucket is picked up where it stopped)",
    ):
        created = False
        if posture is None:
            created = _create_bucket(client, bucket, target.region)
            posture = inspect_bucket(client, bucket)
            if not created:  # another run created it between our look and our create
                _refuse_unless_safe(client, bucket, posture, fix=fix)
        return _converge(client, bucket, posture, created=created)


def _apply(client: Any, bucket: str, step: str, posture: BucketPosture, result: BootstrapResult) -> None:
    if step == "acl":
        client.put_bucket_acl(Bucket=bucket, ACL="private")
        result.actions.append(
            "reset bucket ACL to private (removed " + ", ".join(posture.public_grants) + ")"
        )
    elif step == "policy" and posture.policy is not None:
        remaining = without_statements(posture.policy, list(posture.public_statements))
        if remaining is None:
            client.delete_bucket_policy(Bucket=bucket)
        else:
            client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(remaining))
        result.actions.append(f"removed {len(posture.public_statements)} public bucket policy statement(s)")
    elif step == "public-access-block":
        try:
            client.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=FULL_PAB)
            result.actions.append("blocked public access (all four public access block settings on)")
        except botocore.exceptions.ClientError as exc:
            if not is_unsupported(exc):
                raise
            result.notes.append("endpoint does not implement public access block; relying on private ACL")
    elif step == "versioning":
        client.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        result.actions.append("enabled versioning")
    elif step == "encryption":
        client.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=DEFAULT_ENCRYPTION)
        result.actions.append("enabled default server-side encryption (AES256)")


def _converge(client: Any, bucket: str, posture: BucketPosture, *, created: bool) -> BootstrapResult:
    result = BootstrapResult(created=created)
    if created:
        result.actions.append(f"created bucket '{bucket}'")
    for step in planned_fixes(posture):
        _apply(client, bucket, step, posture, result)
    if not posture.pab_supported:
        result.notes.append("endpoint does not implement public access block; checked ACL and policy instead")
    final = inspect_bucket(client, bucket) if result.actions else posture
    leftover = leftover_problems(final)
    if leftover:
        raise BackendError(f"bucket '{bucket}' still not compliant after bootstrap: {'; '.join(leftover)}")
    result.posture = final
    return result
