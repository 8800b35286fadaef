"""Pure URL building/parsing and the `backend url` output (no network)."""

from __future__ import annotations

import shlex

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cce_passthrough.backend.connection import make_client
from cce_passthrough.backend.url import (
    BackendConfigError,
    BackendTarget,
    Endpoint,
    login_url,
    make_target,
    parse_endpoint,
    parse_login_url,
)


def test_obs_url_is_virtual_hosted_without_path_style_flag() -> None:
    target = make_target(bucket="team-state", region="cn-north-4")
    assert login_url(target) == (
        "s3://team-state?endpoint=https://obs.cn-north-4.myhuaweicloud.com&region=cn-north-4"
    )
    assert target.addressing == "virtual"


def test_obs_url_with_prefix_per_environment() -> None:
    target = make_target(bucket="team-state", region="ap-southeast-3", prefix="/envs/prod/")
    assert login_url(target) == (
        "s3://team-state/envs/prod?endpoint=https://obs.ap-southeast-3.myhuaweicloud.com&region=ap-southeast-3"
    )
    assert target.state_root == "envs/prod/"


def test_explicit_obs_endpoint_without_scheme_gets_https() -> None:
    target = make_target(bucket="b-1", region="cn-north-4", endpoint="obs.cn-north-4.myhuaweicloud.com")
    assert target.endpoint == Endpoint("https", "obs.cn-north-4.myhuaweicloud.com")
    assert "s3ForcePathStyle" not in login_url(target)


def test_local_server_url_is_path_style_with_http_endpoint() -> None:
    target = make_target(bucket="pulumi-state", region="us-east-1", endpoint="127.0.0.1:9000")
    assert login_url(target) == (
        "s3://pulumi-state?endpoint=http://127.0.0.1:9000&region=us-east-1&s3ForcePathStyle=true"
    )
    # never the SDK-v1-only or ambiguous spellings
    assert "disableSSL" not in login_url(target)
    assert "use_path_style" not in login_url(target)


@pytest.mark.parametrize(
    ("endpoint", "scheme", "path_style"),
    [
        ("localhost:4566", "http", True),
        ("https://127.0.0.1:9443", "https", True),
        ("http://[::1]:9000", "http", True),
        ("minio.internal.example", "https", False),
        ("http://minio.internal.example:9000", "http", False),
    ],
)
def test_endpoint_scheme_and_addressing(endpoint: str, scheme: str, path_style: bool) -> None:
    target = make_target(bucket="bkt", region="us-east-1", endpoint=endpoint)
    assert target.endpoint is not None
    assert target.endpoint.scheme == scheme
    assert target.path_style is path_style
    assert ("s3ForcePathStyle=true" in login_url(target)) is path_style


def test_addressing_style_override() -> None:
    target = make_target(bucket="bkt", region="r1", endpoint="minio.example", addressing="path")
    assert login_url(target).endswith("&s3ForcePathStyle=true")


def test_path_style_against_obs_is_refused() -> None:
    with pytest.raises(BackendConfigError, match="VirtualHostDomainRequired"):
        make_target(bucket="bkt", region="cn-north-4", addressing="path")


@pytest.mark.parametrize(
    "bucket", ["ab", "Upper", "-dash", "dash-", "a..b", "192.168.1.1", "x" * 64, "under_score"]
)
def test_invalid_bucket_names(bucket: str) -> None:
    with pytest.raises(BackendConfigError, match="invalid bucket name"):
        make_target(bucket=bucket, region="cn-north-4")


@pytest.mark.parametrize("region", ["0-", "cn-north-", "-cn", "CN-north-4", "cn.north", ""])
def test_invalid_regions_are_refused_before_a_url_is_printed(region: str) -> None:
    """The region is a label of obs.<region>.myhuaweicloud.com: "0-" printed a URL that did not parse back."""
    with pytest.raises(BackendConfigError, match="invalid region"):
        make_target(bucket="b-1", region=region)


@pytest.mark.parametrize("prefix", ["a/../b", "dev?x", "a//b", "sp ace", "./x"])
def test_invalid_prefixes(prefix: str) -> None:
    with pytest.raises(BackendConfigError, match="invalid prefix"):
        make_target(bucket="bkt", region="cn-north-4", prefix=prefix)


@pytest.mark.parametrize("endpoint", ["ftp://host", "http://host/path", "http://u:p@host", "host:notaport"])
def test_invalid_endpoints(endpoint: str) -> None:
    with pytest.raises(BackendConfigError):
        parse_endpoint(endpoint)


@pytest.mark.parametrize(
    ("url", "scheme", "path_style"),
    [
        # what older docs (and the practices notes) show: SDK v1 names, bare endpoint
        (
            "s3://b-1?endpoint=127.0.0.1:9000&s3ForcePathStyle=true&disableSSL=true&region=us-east-1",
            "http",
            True,
        ),
        # SDK v2 names
        ("s3://b-1?endpoint=10.0.0.5:9000&use_path_style=true&disable_https=true&awssdk=v2", "http", True),
        ("s3://b-1?endpoint=obs.cn-north-4.myhuaweicloud.com&region=cn-north-4", "https", False),
    ],
)
def test_parse_accepts_the_spellings_pulumi_accepts(url: str, scheme: str, path_style: bool) -> None:
    target = parse_login_url(url)
    assert target.bucket == "b-1"
    assert target.endpoint is not None and target.endpoint.scheme == scheme
    assert target.path_style is path_style


def test_parse_refuses_unknown_parameters_and_other_schemes() -> None:
    with pytest.raises(BackendConfigError, match="insecure"):
        parse_login_url("s3://b-1?endpoint=127.0.0.1:9000&insecure=true")
    with pytest.raises(BackendConfigError, match="not an s3://"):
        parse_login_url("gs://b-1")


_segment = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,10}", fullmatch=True)
_targets = st.builds(
    make_target,
    bucket=st.from_regex(r"[a-z0-9][a-z0-9-]{1,20}[a-z0-9]", fullmatch=True),
    region=st.from_regex(r"[a-z]{2}-[a-z]{4,9}-[1-9]", fullmatch=True),
    endpoint=st.one_of(
        st.none(),
        st.integers(1, 65535).map(lambda p: f"127.0.0.1:{p}"),
        st.integers(1, 65535).map(lambda p: f"https://s3.example.internal:{p}"),
    ),
    prefix=st.one_of(st.none(), st.lists(_segment, min_size=1, max_size=3).map("/".join)),
)


@given(_targets)
def test_login_url_round_trips(target: BackendTarget) -> None:
    assert parse_login_url(login_url(target)) == target


def test_url_command_prints_shell_safe_login_and_placeholders_only(cli, monkeypatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALLOOKINGKEY99")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "very-secret-value-that-must-not-leak")
    monkeypatch.setenv("HW_SECRET_KEY", "another-secret-that-must-not-leak")
    result = cli("url", "--bucket", "team-state", "--region", "cn-north-4", "--prefix", "staging")
    assert result.code == 0, result.err
    assert result.err == ""
    for secret in ("AKIAREALLOOKINGKEY99", "very-secret-value", "another-secret"):
        assert secret not in result.out
    expected = "s3://team-state/staging?endpoint=https://obs.cn-north-4.myhuaweicloud.com&region=cn-north-4"
    login_lines = [line for line in result.out.splitlines() if line.startswith("pulumi login ")]
    assert len(login_lines) == 1
    assert shlex.split(login_lines[0]) == ["pulumi", "login", expected]
    assert "export AWS_ACCESS_KEY_ID=<your Huawei AK>" in result.out
    assert "export AWS_SECRET_ACCESS_KEY=<your Huawei SK>" in result.out
    assert "PULUMI_CONFIG_PASSPHRASE" in result.out


def test_url_only(cli) -> None:
    result = cli(
        "url", "--bucket", "bkt", "--region", "us-east-1", "--endpoint", "127.0.0.1:9000", "--url-only"
    )
    assert result.out == "s3://bkt?endpoint=http://127.0.0.1:9000&region=us-east-1&s3ForcePathStyle=true\n"


def test_invalid_input_is_one_line_exit_2(cli, one_error_line) -> None:
    result = cli("url", "--bucket", "Not_A_Bucket", "--region", "cn-north-4")
    assert result.code == 2
    one_error_line(result, "invalid bucket name")


def test_client_addressing_matches_the_url() -> None:
    """The boto3 client uses the same addressing as the login URL (presigning needs no network)."""
    obs = make_client(make_target(bucket="team-state", region="cn-north-4"))
    url = obs.generate_presigned_url("get_object", Params={"Bucket": "team-state", "Key": "k"}, ExpiresIn=60)
    assert url.startswith("https://team-state.obs.cn-north-4.myhuaweicloud.com/k?")
    local = make_client(make_target(bucket="team-state", region="us-east-1", endpoint="127.0.0.1:9000"))
    url = local.generate_presigned_url(
        "get_object", Params={"Bucket": "team-state", "Key": "k"}, ExpiresIn=60
    )
    assert url.startswith("http://127.0.0.1:9000/team-state/k?")


# --------------------------------------------------------------------------- malformed input, credentials

AK = "AKIDEXAMPLE"
SK = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY"


@pytest.mark.parametrize("url", ["s3://[abc", "s3://b[", "s3://b]?region=x", f"s3://{AK}:{SK}@[abc"])
def test_malformed_login_url_is_a_config_error(url: str) -> None:
    with pytest.raises(BackendConfigError) as info:
        parse_login_url(url)
    assert SK not in str(info.value)


@pytest.mark.parametrize(
    "endpoint", ["http://[::1", "[::1", "http://h]", "http://[::1]x", "https://[abc]:443"]
)
def test_malformed_endpoint_is_a_config_error(endpoint: str) -> None:
    with pytest.raises(BackendConfigError):
        parse_endpoint(endpoint)
    with pytest.raises(BackendConfigError):
        parse_login_url(f"s3://b-1?endpoint={endpoint}")


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "--backend-url", "s3://[abc"],
        ["url", "--bucket", "b-1", "--region", "cn-north-4", "--endpoint", "http://[::1"],
        ["versions", "--backend-url", "s3://b[", "--stack", "p/s"],
    ],
)
def test_malformed_urls_are_one_line_exit_2(cli, one_error_line, argv: list[str]) -> None:
    result = cli(*argv)
    assert result.code == 2
    one_error_line(result, "invalid")
    assert result.out == ""


def test_malformed_pulumi_backend_url_is_one_line_exit_2(cli, one_error_line, monkeypatch) -> None:
    monkeypatch.setenv("PULUMI_BACKEND_URL", "s3://b[")
    result = cli("check")
    assert result.code == 2
    one_error_line(result, "invalid backend URL")


@pytest.mark.parametrize(
    "url",
    [
        f"s3://{AK}:{SK}@mybucket",
        f"s3://{SK}@mybucket?region=cn-north-4",
        f"s3:/{AK}:{SK}@mybucket",
        f"s3://mybucket?endpoint=https://{AK}:{SK}@obs.example.com",
        f"s3://mybucket?endpoint={AK}:{SK}@obs.example.com",
        f"s3://mybucket?endpoint=https:/{AK}:{SK}@obs.example.com",
    ],
)
def test_credentials_in_the_backend_url_are_refused_and_never_echoed(cli, one_error_line, url: str) -> None:
    for result in (cli("check", "--backend-url", url), cli("versions", "--backend-url", url, "--key", "k")):
        assert result.code == 2
        one_error_line(result, "credentials must not be part of the URL", "AWS_ACCESS_KEY_ID")
        assert SK not in result.out + result.err


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://u:secretpw@obs.example.com",
        "u:secretpw@obs.example.com",
        "http://secretpw@127.0.0.1:9000",
        "https:/u:secretpw@obs.example.com",
        "https://u:secretpw@obs.example.com/path?x=1",
    ],
)
def test_credentials_in_the_endpoint_are_refused_and_never_echoed(cli, one_error_line, endpoint: str) -> None:
    for command in ("url", "check", "bootstrap"):
        result = cli(command, "--bucket", "b-1", "--region", "cn-north-4", "--endpoint", endpoint)
        assert result.code == 2
        one_error_line(result, "credentials must not be part of the URL")
        assert "secretpw" not in result.out + result.err


def test_redact_strips_userinfo_from_any_message() -> None:
    from cce_passthrough.backend.output import redact

    line = redact(f"boom at https://{AK}:{SK}@host/x and s3://{SK}@bucket", [])
    assert SK not in line and AK not in line
    assert "https://<redacted>@host/x" in line
