"""The botocore side of every request: session, credentials, client, and errors as one line.

botocore (the ``backend`` extra) is imported here and in the two modules that send requests
(:mod:`.bucket`, :mod:`.objects`), never by the pure modules.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from typing import Any

import botocore.config
import botocore.exceptions
import botocore.loaders
import botocore.session

from .output import unprintable_credential
from .protocol import (
    CONNECT_TIMEOUT,
    CREDENTIAL_CODES,
    DEFAULT_READ_TIMEOUT,
    MAX_ATTEMPTS,
    TIMEOUT_ENV,
    UNSUPPORTED_CODES,
    foreign_answer,
    read_timeout,
)
from .url import BackendConfigError, BackendError, BackendTarget


class NotS3EndpointError(BackendError):
    """The endpoint answered, but not as an S3 server does (a web page, a JSON API)."""


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


def error_code(exc: botocore.exceptions.ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", "")) or str(
        exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "")
    )


def is_unsupported(exc: botocore.exceptions.ClientError) -> bool:
    """The endpoint does not implement the request (OBS and MinIO lack some S3 APIs)."""
    status = str(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", ""))
    return error_code(exc) in UNSUPPORTED_CODES or status in {"405", "501"}


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
        if code in CREDENTIAL_CODES:
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
