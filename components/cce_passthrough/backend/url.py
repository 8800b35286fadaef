"""Pure logic for the Pulumi DIY backend on Huawei OBS (or any S3-compatible server).

Nothing here performs I/O or reads the environment: it turns a bucket, a region, an
optional endpoint and an optional prefix into

* the endpoint and addressing style the S3 client must use (:func:`resolve_endpoint`,
  :func:`addressing_style`),
* the exact ``pulumi login`` URL (:func:`login_url`) and its inverse (:func:`parse_login_url`),
* the environment variables Pulumi needs, as *names with placeholders* (:func:`env_guidance`).

Secrets never pass through this module; :func:`env_guidance` only ever emits placeholders.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qsl, quote, urlsplit

AddressingStyle = Literal["path", "virtual"]
AddressingChoice = Literal["auto", "path", "virtual"]

OBS_ENDPOINT_TEMPLATE = "obs.{region}.myhuaweicloud.com"

_BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
# A DNS label: the region is one in obs.<region>.myhuaweicloud.com, so it cannot end with "-".
_REGION_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_HOST_RE = re.compile(
    r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)
# host[:port] or [IPv6][:port]; urlsplit silently drops text after "]" (``[::1]x``).
_NETLOC_RE = re.compile(r"(?:\[(?P<v6>[^\[\]]*)\]|[^\[\]:]*)(?::[0-9]*)?")
_PREFIX_SEGMENT_RE = re.compile(r"^[A-Za-z0-9._-]+$")
_TRUE = frozenset({"1", "t", "true", "yes", "on"})

CREDENTIALS_IN_URL = (
    "credentials must not be part of the URL; use AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY "
    "(or AWS_PROFILE, HW_ACCESS_KEY/HW_SECRET_KEY) instead"
)


class BackendError(Exception):
    """A failure reported as one line on stderr. ``exit_code``: 2 = could not run, 1 = refused."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class BackendConfigError(BackendError, ValueError):
    """A bucket, region, endpoint, prefix or login URL that cannot be used (exit code 2)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, 2)


@dataclass(frozen=True)
class Endpoint:
    """An S3 endpoint: scheme, host and optional port (no path)."""

    scheme: Literal["http", "https"]
    host: str
    port: int | None = None

    @property
    def netloc(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port is None else f"{host}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.netloc}"

    @property
    def is_local(self) -> bool:
        """True for an IP literal or ``localhost``: such servers cannot do virtual-hosted buckets."""
        if self.host.lower() == "localhost" or self.host.lower().endswith(".localhost"):
            return True
        try:
            ipaddress.ip_address(self.host)
        except ValueError:
            return False
        return True

    @property
    def is_obs(self) -> bool:
        host = self.host.lower()
        return host.endswith(".myhuaweicloud.com") and ".obs." in f".{host}"


@dataclass(frozen=True)
class BackendTarget:
    """Where Pulumi's state lives: ``<bucket>[/<prefix>]`` at ``endpoint`` in ``region``.

    ``endpoint`` is ``None`` only for a URL without ``endpoint=`` (plain AWS S3).
    ``path_style`` is the resolved addressing style, never "auto".
    """

    bucket: str
    region: str | None
    endpoint: Endpoint | None
    prefix: str = ""
    path_style: bool = False
    profile: str | None = None

    @property
    def addressing(self) -> AddressingStyle:
        return "path" if self.path_style else "virtual"

    @property
    def state_root(self) -> str:
        """Key prefix under which Pulumi writes ``.pulumi/`` (``""`` or ``"<prefix>/"``)."""
        return f"{self.prefix}/" if self.prefix else ""

    @property
    def where(self) -> str:
        """Human description without credentials, e.g. ``s3://bucket/dev at https://obs...``."""
        path = f"s3://{self.bucket}" + (f"/{self.prefix}" if self.prefix else "")
        return f"{path} at {self.endpoint.url}" if self.endpoint else path


def validate_bucket(bucket: str) -> str:
    """OBS/S3 bucket naming rules: 3-63 chars of ``a-z0-9.-``, alphanumeric at both ends."""
    if not _BUCKET_RE.match(bucket) or ".." in bucket or ".-" in bucket or "-." in bucket:
        raise BackendConfigError(
            f"invalid bucket name {bucket!r}: use 3-63 lowercase letters, digits, '-' or '.', "
            "starting and ending with a letter or digit"
        )
    try:
        ipaddress.ip_address(bucket)
    except ValueError:
        return bucket
    raise BackendConfigError(f"invalid bucket name {bucket!r}: must not look like an IP address")


def validate_region(region: str) -> str:
    if not _REGION_RE.match(region):
        raise BackendConfigError(f"invalid region {region!r}: expected something like 'cn-north-4'")
    return region


def normalize_prefix(prefix: str | None) -> str:
    """``"/envs/dev/"`` -> ``"envs/dev"``; refuses empty segments, ``..`` and URL-special characters."""
    if prefix is None:
        return ""
    stripped = prefix.strip("/")
    if not stripped:
        return ""
    segments = stripped.split("/")
    for segment in segments:
        if not _PREFIX_SEGMENT_RE.match(segment) or segment in {".", ".."}:
            raise BackendConfigError(
                f"invalid prefix {prefix!r}: use '/'-separated segments of letters, digits, '.', '_' or '-'"
            )
    return "/".join(segments)


def default_obs_endpoint(region: str) -> Endpoint:
    """The regional OBS endpoint, e.g. ``https://obs.cn-north-4.myhuaweicloud.com``."""
    return Endpoint("https", OBS_ENDPOINT_TEMPLATE.format(region=validate_region(region)))


def parse_endpoint(raw: str, *, disable_https: bool = False) -> Endpoint:
    """Parse ``host``, ``host:port`` or ``http(s)://host[:port]`` into an :class:`Endpoint`.

    Without a scheme, a local endpoint (IP literal, ``localhost``) is assumed to speak plain
    HTTP (MinIO, moto) and any other host HTTPS; ``disable_https`` forces HTTP.
    An explicit scheme always wins.
    """
    text = raw.strip()
    if not text:
        raise BackendConfigError("empty endpoint")
    # An endpoint is [scheme://]host[:port]: an '@' anywhere can only be (mangled) userinfo.
    # Checked first, so no later message can echo a password.
    if "@" in text:
        raise BackendConfigError(f"invalid endpoint: {CREDENTIALS_IN_URL}")
    has_scheme = "://" in text
    try:
        parts = urlsplit(text if has_scheme else f"//{text}")
    except ValueError as exc:  # e.g. "Invalid IPv6 URL" for an unbalanced '[' or ']'
        raise BackendConfigError(
            f"invalid endpoint {raw!r}: malformed host (unbalanced '[' or ']'?)"
        ) from exc
    if has_scheme and parts.scheme not in {"http", "https"}:
        raise BackendConfigError(f"invalid endpoint {raw!r}: scheme must be http or https")
    if parts.path not in {"", "/"} or parts.query or parts.fragment:
        raise BackendConfigError(
            f"invalid endpoint {raw!r}: expected [http(s)://]host[:port] and nothing else"
        )
    netloc = _NETLOC_RE.fullmatch(parts.netloc)
    if netloc is None:
        raise BackendConfigError(f"invalid endpoint {raw!r}: bad host or port")
    if netloc.group("v6") is not None:
        try:
            ipaddress.IPv6Address(netloc.group("v6"))
        except ValueError:
            raise BackendConfigError(f"invalid endpoint {raw!r}: not an IPv6 address in [...]") from None
    host = parts.hostname
    try:
        port = parts.port
    except ValueError as exc:
        raise BackendConfigError(f"invalid endpoint {raw!r}: bad port") from exc
    if not host:
        raise BackendConfigError(f"invalid endpoint {raw!r}: no host")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if not _HOST_RE.match(host):
            raise BackendConfigError(f"invalid endpoint {raw!r}: bad host name") from None
    probe = Endpoint("https", host, port)
    scheme: Literal["http", "https"]
    if has_scheme:
        scheme = "http" if parts.scheme == "http" else "https"
    else:
        scheme = "http" if disable_https or probe.is_local else "https"
    return Endpoint(scheme, host, port)


def addressing_style(endpoint: Endpoint | None, choice: AddressingChoice = "auto") -> AddressingStyle:
    """Virtual-hosted for OBS and any DNS name; path-style for IP/localhost endpoints.

    OBS rejects path-style requests (``403 VirtualHostDomainRequired``), while a local server
    on ``127.0.0.1`` has no DNS name to put the bucket in front of.
    """
    if choice != "auto":
        return choice
    if endpoint is not None and endpoint.is_local:
        return "path"
    return "virtual"


def make_target(
    *,
    bucket: str,
    region: str,
    endpoint: str | None = None,
    prefix: str | None = None,
    addressing: AddressingChoice = "auto",
) -> BackendTarget:
    """Validate CLI-style inputs into a :class:`BackendTarget` (no endpoint means regional OBS)."""
    resolved = parse_endpoint(endpoint) if endpoint else default_obs_endpoint(region)
    style = addressing_style(resolved, addressing)
    if style == "path" and resolved.is_obs:
        raise BackendConfigError(
            "OBS rejects path-style requests (VirtualHostDomainRequired); drop --addressing-style path"
        )
    return BackendTarget(
        bucket=validate_bucket(bucket),
        region=validate_region(region),
        endpoint=resolved,
        prefix=normalize_prefix(prefix),
        path_style=style == "path",
    )


def login_url(target: BackendTarget) -> str:
    """The ``pulumi login`` URL for ``target``.

    Shape: ``s3://<bucket>[/<prefix>]?endpoint=<scheme>://<host>[:<port>]&region=<region>``
    plus ``&s3ForcePathStyle=true`` for path-style (local) servers.

    Why these parameter names (Pulumi CLI 3.27x, gocloud.dev >= 0.46 on AWS SDK v2):

    * ``s3ForcePathStyle`` rather than ``use_path_style``: gocloud.dev aliases the v1 name to
      ``use_path_style`` since google/go-cloud#3505, and Pulumi passes it through untouched
      (``translateLegacyS3Params``, pulumi/pulumi#23525, tested in Pulumi's own
      ``bucket_s3_test.go`` as ``?endpoint=http://...&s3ForcePathStyle=true``). ``use_path_style``
      is only understood on the v2 code path, so older CLIs (v1 default, before the gocloud
      upgrade) reject it as an unknown parameter (pulumi/pulumi#18645 is the mirror image).
      ``s3ForcePathStyle`` is the one name every CLI in our supported range accepts.
    * The endpoint carries its scheme (``http://127.0.0.1:9000``, ``https://obs...``) instead of
      ``disableSSL=true``: current CLIs rewrite ``disableSSL`` to ``disable_https`` and prefix a
      bare endpoint with ``https://`` (pulumi/pulumi#24589), while an explicit scheme is honoured
      by both SDK generations. So no ``disableSSL``/``disable_https`` is ever emitted.
    * OBS gets no path-style flag at all: it requires virtual-hosted requests.
    """
    path = f"s3://{target.bucket}"
    if target.prefix:
        path += "/" + quote(target.prefix, safe="/")
    params: list[tuple[str, str]] = []
    if target.endpoint is not None:
        params.append(("endpoint", target.endpoint.url))
    if target.region:
        params.append(("region", target.region))
    if target.path_style:
        params.append(("s3ForcePathStyle", "true"))
    if target.profile:
        params.append(("profile", target.profile))
    if not params:
        return path
    query = "&".join(f"{key}={quote(value, safe=':/')}" for key, value in params)
    return f"{path}?{query}"


def parse_login_url(url: str) -> BackendTarget:
    """Inverse of :func:`login_url`; also accepts the older spellings Pulumi accepts.

    Understood parameters: ``endpoint``, ``region``, ``s3ForcePathStyle``/``use_path_style``,
    ``disableSSL``/``disable_https``, ``profile``, ``awssdk`` (ignored). Anything else is refused
    rather than silently ignored, as Pulumi itself does.
    """
    text = url.strip()
    # Userinfo (``s3://AK:SK@bucket``) is refused before anything else, without echoing the URL.
    # Bucket and prefix can never contain '@', so any '@' before the query is (mangled) userinfo;
    # the endpoint parameter gets the same check in parse_endpoint.
    if "@" in text.split("?", 1)[0].split("#", 1)[0]:
        raise BackendConfigError(f"invalid backend URL: {CREDENTIALS_IN_URL}")
    try:
        parts = urlsplit(text)
    except ValueError as exc:  # e.g. "Invalid IPv6 URL" for s3://b[ ; the URL is not echoed
        raise BackendConfigError(
            "invalid backend URL: malformed bucket part (unbalanced '[' or ']'?); "
            "expected s3://<bucket>[/<prefix>]?..."
        ) from exc
    if parts.scheme != "s3":
        raise BackendConfigError(f"not an s3:// backend URL: {parts.scheme or 'no'} scheme")
    if not parts.netloc:
        raise BackendConfigError("backend URL has no bucket (expected s3://<bucket>[/<prefix>]?...)")
    params: dict[str, str] = {}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        params[key] = value
    known = {
        "endpoint",
        "region",
        "s3ForcePathStyle",
        "use_path_style",
        "disableSSL",
        "disable_https",
        "profile",
        "awssdk",
        "request_checksum_calculation",
        "response_checksum_validation",
    }
    unknown = sorted(set(params) - known)
    if unknown:
        raise BackendConfigError(f"unsupported backend URL parameter(s): {', '.join(unknown)}")
    disable_https = any(params.get(k, "").lower() in _TRUE for k in ("disableSSL", "disable_https"))
    path_flag = any(params.get(k, "").lower() in _TRUE for k in ("s3ForcePathStyle", "use_path_style"))
    endpoint = (
        parse_endpoint(params["endpoint"], disable_https=disable_https) if params.get("endpoint") else None
    )
    region = params.get("region") or None
    return BackendTarget(
        bucket=validate_bucket(parts.netloc),
        region=validate_region(region) if region else None,
        endpoint=endpoint,
        prefix=normalize_prefix(parts.path),
        path_style=path_flag,
        profile=params.get("profile") or None,
    )


def env_guidance(target: BackendTarget) -> list[tuple[str, str, str]]:
    """Environment variables Pulumi needs: ``(name, placeholder, explanation)``.

    Values are placeholders only; nothing is ever read from the environment here.
    """
    region = target.region or "<region>"
    return [
        ("PULUMI_BACKEND_URL", login_url(target), "alternative to `pulumi login` (CI, per-shell)"),
        ("AWS_ACCESS_KEY_ID", "<your Huawei AK>", 'Huawei access key; e.g. "$HW_ACCESS_KEY" if you use that'),
        ("AWS_SECRET_ACCESS_KEY", "<your Huawei SK>", 'Huawei secret key; e.g. "$HW_SECRET_KEY"'),
        ("AWS_REGION", region, "same region as in the URL"),
        (
            "PULUMI_CONFIG_PASSPHRASE",
            "<passphrase for stack secrets>",
            "or PULUMI_CONFIG_PASSPHRASE_FILE=<path>; keep it per environment",
        ),
    ]


def shell_quote(value: str) -> str:
    """POSIX single-quoting (the login URL contains ``&`` and ``?``)."""
    return "'" + value.replace("'", "'\"'\"'") + "'"


def render_url_output(target: BackendTarget) -> str:
    """The text printed by ``cce-passthrough backend url``."""
    url = login_url(target)
    style = "path-style (local S3 server)" if target.path_style else "virtual-hosted (OBS / DNS endpoint)"
    lines = [
        f"# addressing: {style}",
        f"pulumi login {shell_quote(url)}",
        "",
        "# environment for pulumi (names and placeholders only; fill in from your secret store):",
    ]
    for name, placeholder, why in env_guidance(target):
        value = shell_quote(placeholder) if name == "PULUMI_BACKEND_URL" else placeholder
        lines.append(f"export {name}={value}  # {why}")
    return "\n".join(lines) + "\n"
