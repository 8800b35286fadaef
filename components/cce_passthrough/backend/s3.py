"""boto3 I/O for the Pulumi state bucket: client, bootstrap, state listing, versions, restore.

Decision logic that needs no network (what counts as "public", what bootstrap must change,
how botocore errors read to a human) lives in small pure functions at the top of this
module; the functions taking a ``client`` do the requests.

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
unless ``--fix``. Missing default encryption is not a refusal reason: bootstrap turns on
AES256 default encryption on any bucket that has none (it only affects new objects and
changes neither access nor history); an existing SSE-KMS configuration is kept.
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import botocore.config
import botocore.exceptions
import botocore.loaders
import botocore.session

from .interrupt import finish_before_interrupt
from .output import unprintable_credential
from .state import (
    META_KEY,
    ObjectInfo,
    StackRef,
    StateReport,
    classify_stack_key,
    lock_dir_candidates,
    parse_meta_version,
    plan_listing,
    stack_state_key,
    state_root_of_key,
    summarize,
)
from .url import BackendConfigError, BackendError, BackendTarget

PUBLIC_GROUP_URIS = {
    "http://acs.amazonaws.com/groups/global/AllUsers": "AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "AuthenticatedUsers",
}
PAB_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
FULL_PAB = dict.fromkeys(PAB_FLAGS, True)
_UNSUPPORTED_CODES = {"NotImplemented", "MethodNotAllowed", "501", "405"}
# A request's time bound: connect, then read (the wait for each chunk of the answer), then one
# retry. An endpoint that accepts and never answers costs MAX_ATTEMPTS * read timeout.
TIMEOUT_ENV = "CCE_PASSTHROUGH_S3_TIMEOUT"
CONNECT_TIMEOUT = 3
DEFAULT_READ_TIMEOUT = 5
MAX_READ_TIMEOUT = 300
MAX_ATTEMPTS = 2

# Requests S3 always answers with an XML document (servers differ in its root element: moto
# answers an unset versioning with <GetBucketVersioningResponse>, S3 with <VersioningConfiguration>).
_DOCUMENT_OPERATIONS = {
    "ListObjectsV2",
    "ListObjectVersions",
    "GetBucketVersioning",
    "GetBucketEncryption",
    "GetPublicAccessBlock",
    "GetBucketAcl",
    "CopyObject",
}
_OBJECT_OPERATIONS = {"GetObject", "HeadObject"}  # the body is the object's own bytes
_XML_ROOT_RE = re.compile(rb"\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<([A-Za-z_][\w.:-]*)", re.S)
_CREDENTIAL_CODES = {
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "InvalidToken",
    "ExpiredToken",
    "TokenRefreshRequired",
    "InvalidClientTokenId",
    "AuthorizationHeaderMalformed",
}


# --------------------------------------------------------------------------- pure helpers


def huawei_fallback_credentials(environ: Mapping[str, str]) -> dict[str, str] | None:
    """boto3 session kwargs from ``HW_ACCESS_KEY``/``HW_SECRET_KEY`` (+ ``HW_SECURITY_TOKEN``).

    Used only when neither ``AWS_ACCESS_KEY_ID`` nor ``AWS_PROFILE`` is set, so the standard
    AWS chain (env vars, profile, shared files) always wins.
    """
    if environ.get("AWS_ACCESS_KEY_ID") or environ.get("AWS_PROFILE"):
        return None
    access, secret = environ.get("HW_ACCESS_KEY"), environ.get("HW_SECRET_KEY")
    if not access or not secret:
        return None
    creds = {"aws_access_key_id": access, "aws_secret_access_key": secret}
    token = environ.get("HW_SECURITY_TOKEN")
    if token:
        creds["aws_session_token"] = token
    return creds


def public_acl_grants(acl: Mapping[str, Any]) -> list[str]:
    """``["AllUsers:READ", ...]`` for each grant of a ``GetBucketAcl`` response to a public group."""
    found: list[str] = []
    for grant in acl.get("Grants", []) or []:
        grantee = grant.get("Grantee", {}) or {}
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


def read_timeout(environ: Mapping[str, str]) -> float:
    """Seconds to wait for an answer (``CCE_PASSTHROUGH_S3_TIMEOUT``, default 5, 1 to 300)."""
    raw = environ.get(TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_READ_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not 1 <= value <= MAX_READ_TIMEOUT:  # also false for nan
        raise BackendConfigError(f"{TIMEOUT_ENV} must be a number of seconds from 1 to {MAX_READ_TIMEOUT}")
    return value


def _body_kind(body: bytes) -> str:
    """ "empty", "xml", "html", "json" or "text", from the start of a body."""
    head = body[:4096].removeprefix(b"\xef\xbb\xbf")
    if not head.strip():
        return "empty"
    match = _XML_ROOT_RE.match(head)
    if match:
        return "html" if match.group(1).rsplit(b":", 1)[-1].lower() == b"html" else "xml"
    stripped = head.lstrip()
    if stripped[:1] in (b"{", b"["):
        return "json"
    return "html" if stripped[:9].lower() == b"<!doctype" else "text"


_KIND_TEXT = {"html": "an HTML page", "json": "a JSON document", "text": "a body that is not XML"}


def foreign_answer(operation: str, status: int, headers: Mapping[str, str], body: object) -> str | None:
    """What makes this answer one no S3 server gives (``"an HTML page"``), or None if S3 could give it.

    S3 speaks REST-XML: a listing or a setting read back is an XML document, so is an error
    (``<Error>``, or no body for HEAD); an object's bytes always come with an ``ETag``.
    """
    success = 200 <= status < 300
    if success and operation in _OBJECT_OPERATIONS:
        has_etag = any(name.lower() == "etag" for name in headers)
        return None if has_etag else "an object without an ETag header"
    if not isinstance(body, bytes) or (success and operation not in _DOCUMENT_OPERATIONS):
        return None  # the body of a successful change is not read by anyone; servers vary
    kind = _body_kind(body)
    if kind == "empty":
        return "an empty body" if success else None
    return None if kind == "xml" else _KIND_TEXT[kind]


def error_code(exc: botocore.exceptions.ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", "")) or str(
        exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "")
    )


def _seconds(environ: Mapping[str, str]) -> str:
    try:
        return f"{read_timeout(environ):g}"
    except BackendConfigError:
        return str(DEFAULT_READ_TIMEOUT)


def describe_error(exc: BaseException, target: BackendTarget, environ: Mapping[str, str]) -> str:
    """One human line for a botocore failure (never a traceback); the caller redacts and escapes it."""
    where = target.endpoint.url if target.endpoint else "the default S3 endpoint"
    bucket = target.bucket
    message: str
    if isinstance(exc, botocore.exceptions.NoCredentialsError):
        message = (
            "no credentials found: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (your Huawei AK/SK), "
            "AWS_PROFILE, or HW_ACCESS_KEY/HW_SECRET_KEY"
        )
    elif isinstance(exc, botocore.exceptions.PartialCredentialsError):
        message = "incomplete credentials: both the access key and the secret key must be set"
    elif isinstance(exc, botocore.exceptions.ProfileNotFound):
        message = f"credentials profile not found: {exc.kwargs.get('profile', '?')}"
    elif isinstance(exc, botocore.exceptions.SSLError):
        message = f"TLS error talking to {where}; check the endpoint's scheme and certificate"
    elif isinstance(exc, botocore.exceptions.ConnectTimeoutError):
        message = (
            f"S3 endpoint {where} did not accept a connection within {CONNECT_TIMEOUT} s "
            f"({MAX_ATTEMPTS} attempts); check --endpoint and the network"
        )
    elif isinstance(exc, botocore.exceptions.ReadTimeoutError):
        message = (
            f"S3 endpoint {where} did not answer within {_seconds(environ)} s ({MAX_ATTEMPTS} attempts); "
            f"check --endpoint, or set {TIMEOUT_ENV} higher on a slow link"
        )
    elif isinstance(
        exc, botocore.exceptions.EndpointConnectionError | botocore.exceptions.ConnectionClosedError
    ):
        message = f"cannot reach S3 endpoint {where}: connection failed; check --endpoint and the network"
    elif isinstance(exc, botocore.exceptions.ClientError):
        code = error_code(exc)
        op = getattr(exc, "operation_name", "request")
        if code in _CREDENTIAL_CODES:
            message = f"the endpoint {where} rejected the credentials ({code}); check your AK/SK"
        elif code == "NoSuchBucket" or (code == "404" and op == "HeadBucket"):
            message = (
                f"bucket '{bucket}' does not exist at {where}; "
                "create it with `cce-passthrough backend bootstrap`"
            )
        elif code in {"AccessDenied", "403", "AllAccessDisabled"}:
            message = (
                f"access denied by {where} for {op} on bucket '{bucket}' ({code}): check the credentials "
                "(AK/SK) and their permissions, or the bucket belongs to another account"
            )
        elif code == "VirtualHostDomainRequired":
            message = f"{where} requires virtual-hosted requests; do not use --addressing-style path"
        elif code == "PermanentRedirect" or code == "301":
            message = f"bucket '{bucket}' is in another region than {target.region}; check --region"
        else:
            detail = str(exc.response.get("Error", {}).get("Message", "")) or "no message"
            message = f"{op} on bucket '{bucket}' failed: {code}: {detail}"
    elif isinstance(exc, botocore.exceptions.HTTPClientError):
        # Its text quotes the request (the signed Authorization header): never shown.
        message = f"could not send the request to {where} ({type(exc).__name__}); check --endpoint"
    elif isinstance(exc, botocore.exceptions.BotoCoreError):
        message = f"S3 client error: {exc}"
    else:
        message = f"unexpected error: {type(exc).__name__}: {exc}"
    return message


# --------------------------------------------------------------------------- client


@functools.cache
def _shared_loader() -> botocore.loaders.Loader:
    """botocore's parsed service models, read once per process instead of once per session."""
    return botocore.loaders.create_loader()


def make_session(target: BackendTarget, environ: Mapping[str, str] | None = None) -> Any:
    """A botocore session with the credentials of ``target``'s profile, the environment, or HW_*.

    Credentials: the default chain (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``,
    ``AWS_PROFILE``, shared files), else ``HW_ACCESS_KEY``/``HW_SECRET_KEY``; a ``profile=`` in
    the backend URL selects that profile.
    """
    env = os.environ if environ is None else environ
    session = botocore.session.Session(profile=target.profile)
    session.register_component("data_loader", _shared_loader())
    fallback = None if target.profile else huawei_fallback_credentials(env)
    in_use = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]
    if fallback:
        in_use = ["HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_SECURITY_TOKEN"]
        session.set_credentials(
            fallback["aws_access_key_id"],
            fallback["aws_secret_access_key"],
            fallback.get("aws_session_token"),
        )
    unprintable = unprintable_credential(env, in_use)
    if unprintable:
        raise BackendConfigError(
            f"{unprintable} holds a space, a control character or a non-ASCII character, and a key is "
            "printable ASCII: check how the variable was set (its value is not shown)"
        )
    return session


def credential_values(session: Any) -> list[str]:
    """The access key, secret key and token ``session`` signs with, to keep them out of any output."""
    try:
        credentials = session.get_credentials()
    except botocore.exceptions.BotoCoreError:
        return []
    if credentials is None:
        return []
    frozen = credentials.get_frozen_credentials()
    return [v for v in (frozen.access_key, frozen.secret_key, frozen.token) if v]


def make_client(target: BackendTarget, environ: Mapping[str, str] | None = None, session: Any = None) -> Any:
    """An S3 client for ``target``: explicit endpoint, region, addressing style and time bounds.

    Checksums are sent only when an operation requires them: S3-compatible stores do not all
    accept the CRC32 trailers newer SDKs send by default (Pulumi >= 3.256 makes the same choice
    for custom endpoints). Every answer is checked to come from an S3 server (:func:`foreign_answer`).
    """
    env = os.environ if environ is None else environ
    timeout = read_timeout(env)
    session = make_session(target, env) if session is None else session
    config = botocore.config.Config(
        signature_version="s3v4",
        s3={"addressing_style": target.addressing},
        retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=timeout,
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        user_agent_extra="cce-passthrough",
    )
    client = session.create_client(
        "s3",
        region_name=target.region,
        endpoint_url=target.endpoint.url if target.endpoint else None,
        config=config,
    )
    where = target.endpoint.url if target.endpoint else "the default S3 endpoint"

    def refuse_foreign_answer(operation_model: Any, response_dict: Mapping[str, Any], **_: Any) -> None:
        status = int(response_dict.get("status_code") or 0)
        problem = foreign_answer(
            operation_model.name, status, response_dict.get("headers") or {}, response_dict.get("body")
        )
        if problem:
            raise NotS3EndpointError(
                f"{where} is not an S3 endpoint: it answered {operation_model.name} with {problem} "
                f"(HTTP {status}); check --endpoint (OBS: https://obs.<region>.myhuaweicloud.com)"
            )

    client.meta.events.register("before-parse.s3", refuse_foreign_answer)
    return client


class NotS3EndpointError(BackendError):
    """The endpoint answered, but not as an S3 server does (a web page, a JSON API)."""


# --------------------------------------------------------------------------- bootstrap


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


def _is_unsupported(exc: botocore.exceptions.ClientError) -> bool:
    status = str(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", ""))
    return error_code(exc) in _UNSUPPORTED_CODES or status in {"405", "501"}


def inspect_bucket(client: Any, bucket: str) -> BucketPosture:
    """Read versioning, default encryption, public access block, ACL and policy back."""
    versioning = client.get_bucket_versioning(Bucket=bucket).get("Status") or "Disabled"

    encryption: str | None = None
    try:
        answer = client.get_bucket_encryption(Bucket=bucket)
        rules = answer.get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
        for rule in rules:
            algo = rule.get("ApplyServerSideEncryptionByDefault", {}).get("SSEAlgorithm")
            if algo:
                encryption = str(algo)
                break
    except botocore.exceptions.ClientError as exc:
        if error_code(exc) != "ServerSideEncryptionConfigurationNotFoundError":
            raise

    pab: dict[str, bool] | None = None
    pab_supported = True
    try:
        raw = client.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
        pab = {flag: bool(raw.get(flag, False)) for flag in PAB_FLAGS}
    except botocore.exceptions.ClientError as exc:
        if _is_unsupported(exc):
            pab_supported = False
        elif error_code(exc) != "NoSuchPublicAccessBlockConfiguration":
            raise

    grants = public_acl_grants(client.get_bucket_acl(Bucket=bucket))

    parsed = ParsedPolicy(None)
    try:
        parsed = parse_policy(client.get_bucket_policy(Bucket=bucket)["Policy"])
    except botocore.exceptions.ClientError as exc:
        if error_code(exc) not in {"NoSuchBucketPolicy", "NoSuchPolicy"}:
            raise

    return BucketPosture(
        versioning=str(versioning),
        encryption=encryption,
        public_access_block=pab,
        pab_supported=pab_supported,
        public_grants=tuple(grants),
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


def bucket_is_empty(client: Any, bucket: str) -> bool:
    """No object, version or delete marker; False when the listing is not allowed or fails."""
    try:
        page = client.list_object_versions(Bucket=bucket, MaxKeys=1)
    except botocore.exceptions.ClientError:
        return False
    return not (page.get("Versions") or page.get("DeleteMarkers"))


def _refuse_unless_safe(client: Any, bucket: str, posture: BucketPosture, *, fix: bool) -> None:
    if posture.policy_unparseable:
        # --fix cannot tell a public statement from a Deny it must keep: a person decides, nothing is lost.
        raise BackendError(
            f"refusing to use existing bucket '{bucket}': its bucket policy cannot be parsed as a JSON "
            "object (treated as public), and --fix does not delete a policy it cannot read; correct or "
            f"remove it by hand (aws s3api get-bucket-policy --bucket {bucket}), then re-run",
            exit_code=1,
        )
    reasons = posture.refusal_reasons()
    if fix or not reasons:
        return
    # What a bootstrap running alongside, or one stopped half-way, leaves behind: nothing in it
    # to protect and nothing set that bootstrap would not set. Set it up like a new bucket.
    if posture.only_bootstrap_settings_missing and bucket_is_empty(client, bucket):
        return
    raise BackendError(
        f"refusing to use existing bucket '{bucket}': {'; '.join(reasons)}; "
        "re-run with --fix to make it private and versioned",
        exit_code=1,
    )


def bootstrap(client: Any, target: BackendTarget, *, fix: bool) -> BootstrapResult:
    """Create the bucket if absent and converge it: private, versioned, encrypted.

    Idempotent, also when several run at once: on a compliant bucket it performs reads only. A
    pre-existing public or unversioned bucket that holds objects (or had versioning suspended)
    raises ``BackendError(exit_code=1)`` before anything is changed, unless ``fix``. Ctrl-C
    once the first change is sent is held until the bucket is fully set up.
    """
    bucket = target.bucket
    exists = bucket_exists(client, bucket)
    posture = inspect_bucket(client, bucket) if exists else None
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


def _converge(client: Any, bucket: str, posture: BucketPosture, *, created: bool) -> BootstrapResult:
    result = BootstrapResult(created=created)
    if created:
        result.actions.append(f"created bucket '{bucket}'")
    for step in planned_fixes(posture):
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
            result.actions.append(
                f"removed {len(posture.public_statements)} public bucket policy statement(s)"
            )
        elif step == "public-access-block":
            try:
                client.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=FULL_PAB)
                result.actions.append("blocked public access (all four public access block settings on)")
            except botocore.exceptions.ClientError as exc:
                if not _is_unsupported(exc):
                    raise
                result.notes.append("endpoint does not implement public access block; relying on private ACL")
        elif step == "versioning":
            client.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
            result.actions.append("enabled versioning")
        elif step == "encryption":
            client.put_bucket_encryption(
                Bucket=bucket,
                ServerSideEncryptionConfiguration={
                    "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
                },
            )
            result.actions.append("enabled default server-side encryption (AES256)")

    if not posture.pab_supported:
        result.notes.append("endpoint does not implement public access block; checked ACL and policy instead")
    final = inspect_bucket(client, bucket) if result.actions else posture
    leftover = final.refusal_reasons() + (["no default encryption"] if final.encryption is None else [])
    if leftover:
        raise BackendError(f"bucket '{bucket}' still not compliant after bootstrap: {'; '.join(leftover)}")
    result.posture = final
    return result


# --------------------------------------------------------------------------- state listing


def _read_object(client: Any, bucket: str, key: str) -> bytes | None:
    try:
        body = client.get_object(Bucket=bucket, Key=key)["Body"]
        data: bytes = body.read()
        return data
    except botocore.exceptions.ClientError as exc:
        if error_code(exc) in {"NoSuchKey", "404"}:
            return None  # e.g. a lock released between list and read
        raise


def _list_objects(client: Any, bucket: str, prefix: str) -> list[ObjectInfo]:
    objects: list[ObjectInfo] = []
    paginator = client.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []) or []:
            objects.append(ObjectInfo(str(item["Key"]), item["LastModified"], int(item.get("Size", 0))))
    return objects


def read_layout_version(client: Any, target: BackendTarget) -> int:
    return parse_meta_version(_read_object(client, target.bucket, target.state_root + META_KEY))


def list_state(client: Any, target: BackendTarget) -> StateReport:
    """List ``<prefix>/.pulumi/`` and summarise stacks, last updates and locks."""
    root = target.state_root
    listed = _list_objects(client, target.bucket, root + ".pulumi/")
    relative = [ObjectInfo(o.key[len(root) :], o.last_modified, o.size) for o in listed]
    meta = (
        _read_object(client, target.bucket, root + META_KEY)
        if any(o.key == META_KEY for o in relative)
        else None
    )
    plan = plan_listing(relative, parse_meta_version(meta))
    contents = {key: _read_object(client, target.bucket, root + key) for key in plan.keys_to_read()}
    return summarize(plan, contents)


def held_locks(client: Any, target: BackendTarget, ref: StackRef) -> list[str]:
    keys: list[str] = []
    for directory in lock_dir_candidates(ref):
        keys.extend(o.key for o in _list_objects(client, target.bucket, target.state_root + directory))
    return sorted(k for k in keys if k.endswith(".json"))


# --------------------------------------------------------------------------- versions / restore


@dataclass(frozen=True)
class ObjectVersion:
    key: str
    version_id: str
    last_modified: datetime
    size: int
    is_latest: bool
    is_delete_marker: bool


def stack_keys(target: BackendTarget, stack: str, layout_version: int) -> list[str]:
    """Full object keys that may hold ``stack``'s state (``PROJECT/STACK`` or legacy ``STACK``)."""
    project: str | None
    if "/" in stack:
        parts = stack.split("/")
        if len(parts) == 3 and parts[0] == "organization":
            parts = parts[1:]
        if len(parts) != 2:
            raise BackendError(f"invalid stack {stack!r}: expected PROJECT/STACK")
        project, name = parts
        if layout_version < 1:
            raise BackendError("this backend uses the legacy layout (no projects): pass --stack STACK")
    else:
        project, name = None, stack
        if layout_version >= 1:
            raise BackendError("this backend is project-scoped: pass --stack PROJECT/STACK")
    try:
        return [
            target.state_root + stack_state_key(project, name, s) for s in (".json", ".json.gz", ".json.zst")
        ]
    except ValueError as exc:
        raise BackendError(str(exc)) from exc


def list_versions(client: Any, bucket: str, keys: list[str]) -> list[ObjectVersion]:
    """All versions and delete markers of exactly ``keys``, newest first."""
    wanted = set(keys)
    found: list[ObjectVersion] = []
    paginator = client.get_paginator("list_object_versions")
    for prefix in sorted({k.rsplit(".json", 1)[0] + ".json" for k in keys}):
        for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Versions", []) or []:
                if item["Key"] in wanted:
                    found.append(
                        ObjectVersion(
                            str(item["Key"]),
                            str(item["VersionId"]),
                            item["LastModified"],
                            int(item.get("Size", 0)),
                            bool(item.get("IsLatest")),
                            False,
                        )
                    )
            for item in page.get("DeleteMarkers", []) or []:
                if item["Key"] in wanted:
                    found.append(
                        ObjectVersion(
                            str(item["Key"]),
                            str(item["VersionId"]),
                            item["LastModified"],
                            0,
                            bool(item.get("IsLatest")),
                            True,
                        )
                    )
    epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
    return sorted(found, key=lambda v: (v.last_modified or epoch, v.is_latest), reverse=True)


def versioning_status(client: Any, bucket: str) -> str:
    """``Enabled``, ``Suspended`` or ``Disabled`` (never enabled)."""
    return str(client.get_bucket_versioning(Bucket=bucket).get("Status") or "Disabled")


def restore_version(client: Any, bucket: str, key: str, version_id: str) -> str:
    """Make ``version_id`` the current content of ``key`` by copying it on top.

    Nothing is deleted: the version being replaced stays in the history, so a restore can
    itself be undone. Returns the id of the new current version.
    """
    try:
        head = client.head_object(Bucket=bucket, Key=key, VersionId=version_id)
    except botocore.exceptions.ClientError as exc:
        if error_code(exc) in {"404", "NoSuchKey", "NoSuchVersion", "400", "405", "MethodNotAllowed"}:
            raise BackendError(
                f"no restorable version {version_id!r} of {key!r} (delete marker or unknown id)"
            ) from exc
        raise
    if head.get("DeleteMarker"):
        raise BackendError(f"version {version_id!r} of {key!r} is a delete marker; pick an older version")
    response = client.copy_object(
        Bucket=bucket,
        Key=key,
        CopySource={"Bucket": bucket, "Key": key, "VersionId": version_id},
        MetadataDirective="COPY",
    )
    return str(response.get("VersionId") or "")


def stack_ref_for_key(target: BackendTarget, key: str, layout_version: int) -> StackRef:
    """The stack whose state object ``key`` is, under ``target``'s state root; else BackendError.

    Restore checks that stack's lock, so a key must name a stack state object under the same
    root (``--prefix``) whose locks are looked at.
    """
    root = state_root_of_key(key)
    if root is None:
        raise BackendError(
            f"{key!r} is not a stack's state object (.pulumi/stacks/...); pass a key as printed by "
            "`backend versions`, or --stack"
        )
    if root != target.state_root:
        where = f"--prefix {root.rstrip('/')}" if root else "no --prefix"
        raise BackendError(
            f"key {key!r} lies outside {target.where}: pass {where}, so that its stack's lock is checked"
        )
    ref = classify_stack_key(key[len(root) :], layout_version)
    if ref is None:
        raise BackendError(
            f"{key!r} is not a stack's state object for this backend's layout; pass a key as printed by "
            "`backend versions`, or --stack"
        )
    return ref
