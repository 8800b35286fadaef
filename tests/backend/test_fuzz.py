"""Property-based fuzzing of every input the backend reads: always a clean refusal or a correct answer.

Inputs: login URLs, CLI targets and prefixes, object keys, state/lock/meta blobs (corrupt, deep,
gzip-wrapped, huge), bucket policies and ACLs, answers from an endpoint, and error texts with
credentials in them. A clean refusal is the backend's own error (``BackendError``,
``StateFormatError``) or a problem in the report; anything else (a ``KeyError``, a
``RecursionError``, a ``MemoryError``, a hang) fails.

Examples per property: ``CCE_PASSTHROUGH_FUZZ_EXAMPLES``, the knob of every fuzzed target
(tests/helpers/fuzzing.py; unset: 60, 15 for the commands, what CI runs, derandomized so a CI run is
reproducible); docs/reliability.md "Fuzzing" records the long runs and the command that reproduces them.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import re
import string
from datetime import datetime, timezone
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from cce_passthrough.backend.layout import (
    MAX_STATE_BYTES,
    ObjectInfo,
    StateFormatError,
    classify_history_key,
    classify_lock_key,
    classify_stack_key,
    plan_listing,
    stack_keys,
    stack_ref_for_key,
    state_root_of_key,
)
from cce_passthrough.backend.output import REDACTED, escape_control, redact
from cce_passthrough.backend.posture import (
    BucketPosture,
    parse_policy,
    planned_fixes,
    public_acl_grants,
    refusal,
    without_statements,
)
from cce_passthrough.backend.protocol import foreign_answer
from cce_passthrough.backend.report import render_report
from cce_passthrough.backend.state import parse_checkpoint, parse_lock, parse_meta_version, summarize
from cce_passthrough.backend.url import (
    BackendConfigError,
    BackendError,
    BackendTarget,
    login_url,
    make_target,
    normalize_prefix,
    parse_login_url,
)
from helpers.fuzzing import fuzz_settings, measured

FUZZ = fuzz_settings(60)
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)

# ---------------------------------------------------------------- strategies

hostile_text = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(
            ["\n", "\r", "\x1b", "\x00", "\u202e", "\u2028", "\x85", "/", ".", "@", "%", "?", "#"]
        ),
    ),
    max_size=40,
)
name_chars = string.ascii_letters + string.digits + "._-"
names = st.text(alphabet=name_chars, min_size=1, max_size=12)
segments = st.one_of(
    names, st.sampled_from(["", ".", "..", ".pulumi", "stacks", "locks", "history"]), hostile_text
)
keys = st.one_of(
    st.builds(
        lambda parts, suffix: "/".join(parts) + suffix,
        st.lists(segments, max_size=6),
        st.sampled_from(["", ".json", ".json.gz", ".json.zst", ".json.bak", ".yaml", ".history.json"]),
    ),
    st.builds(lambda p, k: p + k, st.sampled_from(["", "dev/", "a/b/"]), st.just(".pulumi/stacks/p/s.json")),
    hostile_text,
)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), hostile_text),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(hostile_text, inner, max_size=4)),
    max_leaves=12,
)
checkpoints = st.fixed_dictionaries(
    {"checkpoint": st.one_of(json_values, st.fixed_dictionaries({"latest": json_values}))},
    optional={"version": json_values},
)


def blobs_of(documents: st.SearchStrategy[Any]) -> st.SearchStrategy[bytes]:
    """Bytes as a bucket may hold them: valid JSON, cut, deeply nested, gzip-wrapped, or noise."""
    encoded = documents.map(lambda d: json.dumps(d).encode())
    return st.one_of(
        encoded,
        st.binary(max_size=200),
        st.builds(lambda b, n: b[:n], encoded, st.integers(0, 50)),
        st.integers(1, 20_000).map(lambda depth: b"[" * depth + b"]" * depth),
        st.integers(1, 20_000).map(lambda depth: b'{"a":' * depth),
        encoded.map(gzip.compress),
        st.builds(lambda b, n: gzip.compress(b)[:n], encoded, st.integers(0, 40)),
    )


login_urls = st.one_of(
    hostile_text,
    st.builds(
        lambda scheme, bucket, path, query: f"{scheme}://{bucket}{path}?{query}",
        st.sampled_from(["s3", "S3", "http", ""]),
        st.one_of(names.map(str.lower), hostile_text),
        st.one_of(st.just(""), st.builds(lambda p: "/" + p, hostile_text)),
        st.lists(
            st.builds(
                lambda k, v: f"{k}={v}",
                st.sampled_from(["endpoint", "region", "s3ForcePathStyle", "disableSSL", "profile", "x"]),
                hostile_text,
            ),
            max_size=4,
        ).map("&".join),
    ),
)
grant = st.fixed_dictionaries(
    {},
    optional={
        "Grantee": st.one_of(
            json_values,
            st.fixed_dictionaries(
                {"URI": st.sampled_from(["http://acs.amazonaws.com/groups/global/AllUsers", ""])}
            ),
        ),
        "Permission": json_values,
    },
)
policies = st.one_of(
    hostile_text,
    json_values.map(json.dumps),
    st.fixed_dictionaries(
        {"Statement": st.one_of(json_values, st.lists(json_values, max_size=4))},
        optional={"Version": json_values},
    ).map(json.dumps),
    st.lists(
        st.fixed_dictionaries(
            {"Effect": st.sampled_from(["Allow", "Deny", 1]), "Principal": json_values},
            optional={"NotPrincipal": json_values},
        ),
        max_size=4,
    ).map(lambda s: json.dumps({"Statement": s})),
)
secrets = st.text(alphabet=string.ascii_letters + string.digits + "+/=", min_size=4, max_size=48)

# ---------------------------------------------------------------- properties


@FUZZ
@given(login_urls)
@measured
def test_login_urls_are_refused_cleanly_or_round_trip(url: str) -> None:
    try:
        target = parse_login_url(url)
    except BackendConfigError:
        return
    assert parse_login_url(login_url(target)) == target


@FUZZ
@given(
    st.one_of(names, hostile_text),
    st.one_of(names, hostile_text),
    st.one_of(
        st.none(), hostile_text, st.sampled_from(["127.0.0.1:9000", "https://obs.x.myhuaweicloud.com"])
    ),
    st.one_of(st.none(), hostile_text, names),
    st.sampled_from(["auto", "path", "virtual"]),
)
@measured
def test_cli_targets_and_prefixes_are_refused_cleanly_or_usable(
    bucket: str, region: str, endpoint: str | None, prefix: str | None, addressing: Any
) -> None:
    try:
        target = make_target(
            bucket=bucket, region=region, endpoint=endpoint, prefix=prefix, addressing=addressing
        )
    except BackendConfigError as exc:
        assert str(exc)
        return
    assert normalize_prefix(target.prefix) == target.prefix
    assert parse_login_url(login_url(target)) == target
    assert not RAW_CONTROL.search(target.where)


@FUZZ
@given(keys, st.integers(0, 2), st.sampled_from(["", "dev", "a/b"]))
@measured
def test_object_keys_are_classified_or_refused(key: str, layout_version: int, prefix: str) -> None:
    target = BackendTarget("state-1", "us-east-1", None, prefix)
    for classify in (classify_stack_key, classify_lock_key, classify_history_key):
        classify(key, layout_version)
    root = state_root_of_key(key)
    assert root is None or key[len(root) :].startswith(".pulumi/stacks/")
    try:
        ref = stack_ref_for_key(target, key, layout_version)
    except BackendError:
        return
    assert key.startswith(target.state_root)
    assert key in stack_keys(target, ref.display, layout_version) or not key.endswith((".json", ".json.gz"))


@FUZZ
@given(st.one_of(names, hostile_text, st.builds("/".join, st.lists(names, max_size=4))), st.integers(0, 1))
@measured
def test_stack_names_give_keys_or_a_refusal(stack: str, layout_version: int) -> None:
    target = BackendTarget("state-1", "us-east-1", None, "dev")
    try:
        found = stack_keys(target, stack, layout_version)
    except BackendError:
        return
    for key in found:
        assert stack_ref_for_key(target, key, layout_version) is not None


@FUZZ
@given(
    st.lists(st.tuples(keys, st.integers(0, MAX_STATE_BYTES * 2)), max_size=12),
    st.integers(0, 2),
    st.lists(blobs_of(checkpoints), max_size=12),
)
@measured
def test_a_listing_and_any_object_contents_give_a_report(
    listed: list[tuple[str, int]], layout_version: int, blobs: list[bytes]
) -> None:
    plan = plan_listing([ObjectInfo(key, T0, size) for key, size in listed], layout_version)
    to_read = plan.keys_to_read()
    contents = {key: (blobs[i % len(blobs)] if blobs else None) for i, key in enumerate(to_read)}
    report = summarize(plan, contents)
    text = render_report(report, "s3://state-1 at http://127.0.0.1:9")
    assert not RAW_CONTROL.search(text.replace("\n", ""))
    assert text.count("\n") == len(text.splitlines())


@FUZZ
@given(st.sampled_from([".json", ".json.gz", ".yaml", ".json.zst"]), blobs_of(checkpoints))
@measured
def test_state_blobs_parse_or_are_a_format_error(suffix: str, blob: bytes) -> None:
    try:
        info = parse_checkpoint(".pulumi/stacks/p/s" + suffix, blob)
    except StateFormatError:
        return
    assert info.resource_count is None or info.resource_count >= 0


@FUZZ
@given(blobs_of(json_values), st.one_of(st.none(), blobs_of(json_values), hostile_text.map(str.encode)))
@measured
def test_lock_and_meta_blobs_never_raise_unexpectedly(lock: bytes, meta: bytes | None) -> None:
    owner = parse_lock(".pulumi/locks/p/s/1.json", lock).owner
    assert not RAW_CONTROL.search(escape_control(owner))
    with contextlib.suppress(StateFormatError):
        assert parse_meta_version(meta) >= 0


@FUZZ
@given(policies, st.lists(grant, max_size=4), st.sampled_from(["Enabled", "Suspended", "Disabled"]))
@measured
def test_bucket_policies_and_acls_give_a_decision(
    policy_text: str, grants: list[Any], versioning: str
) -> None:
    parsed = parse_policy(policy_text)
    if parsed.policy is not None:
        kept = without_statements(parsed.policy, list(parsed.public_statements))
        if kept is not None:
            assert parse_policy(json.dumps(kept)).public_statements == ()
    posture = BucketPosture(
        versioning,
        None,
        None,
        True,
        tuple(public_acl_grants({"Grants": grants})),
        parsed.policy,
        parsed.public_statements,
        parsed.unparseable,
    )
    planned_fixes(posture)
    for fix in (False, True):
        decision = refusal("state-1", posture, fix=fix, empty=lambda: True)
        assert decision is None or decision.exit_code == 1
    if parsed.unparseable:
        assert refusal("state-1", posture, fix=True, empty=lambda: True) is not None


@FUZZ
@given(
    st.sampled_from(["GetObject", "ListObjectsV2", "GetBucketVersioning", "PutBucketPolicy", "HeadBucket"]),
    st.integers(100, 599),
    st.dictionaries(st.sampled_from(["ETag", "etag", "Content-Type", "x"]), hostile_text, max_size=3),
    st.one_of(
        st.binary(max_size=300), hostile_text.map(str.encode), st.just(b"<?xml version='1.0'?><Error/>")
    ),
)
@measured
def test_any_answer_is_judged_s3_or_not(
    operation: str, status: int, headers: dict[str, str], body: bytes
) -> None:
    verdict = foreign_answer(operation, status, headers, body)
    assert verdict is None or verdict.startswith(("an ", "a "))


@FUZZ
@given(st.lists(secrets, min_size=1, max_size=3), st.lists(st.one_of(hostile_text, secrets), max_size=6))
@measured
def test_no_8_characters_of_a_credential_survive_redaction(credentials: list[str], pieces: list[str]) -> None:
    cuts = [c[i:j] for c in credentials for i, j in ((0, 9), (len(c) - 9, len(c)))]
    message = " ".join(pieces + credentials + cuts)
    shown = redact(message, credentials)
    for piece in shown.split(REDACTED):
        for credential in credentials:
            windows = {credential[i : i + 8] for i in range(len(credential) - 7)}
            assert not any(window in piece for window in windows), (credential, shown)


def test_a_huge_valid_state_within_the_limit_is_read() -> None:
    """Sizes the fuzzing does not reach: a 32 MiB checkpoint parses (test_state: 128 MiB + 1 is not read)."""
    filler = "x" * 1000
    count = (MAX_STATE_BYTES // 4) // (len(filler) + 10)
    blob = json.dumps({"checkpoint": {"latest": {"resources": [filler] * count}}}).encode()
    assert parse_checkpoint(".pulumi/stacks/p/s.json", blob).resource_count == count


# ---------------------------------------------------------------- the commands themselves

# The fixtures are a stateless runner and one bucket that each example writes under a fresh prefix.
CLI_FUZZ = fuzz_settings(15)


def assert_clean(code: int, out: str, err: str) -> None:
    """Exit 0, 1 or 2; on failure exactly one error line; nothing raw that could drive a terminal."""
    assert code in (0, 1, 2), (code, err)
    assert "Traceback" not in err and "unexpected error" not in err, err
    assert not RAW_CONTROL.search(out.replace("\n", "")) and not RAW_CONTROL.search(err.replace("\n", ""))
    assert out.count("\n") == len(out.splitlines())
    if code == 2:
        assert len(err.splitlines()) == 1 and err.startswith("cce-passthrough: error: "), err


@CLI_FUZZ
@given(
    st.one_of(names.map(str.lower), hostile_text),
    st.one_of(names.map(str.lower), hostile_text),
    st.one_of(st.none(), hostile_text),
    st.one_of(st.none(), hostile_text, names),
    st.sampled_from(["auto", "path", "virtual"]),
)
@measured
def test_backend_url_prints_a_url_that_parses_back_or_one_error_line(
    run_cli: Any, bucket: str, region: str, endpoint: str | None, prefix: str | None, addressing: str
) -> None:
    # --option=value: a value starting with "-" is a value, not an option, as on a shell command line
    argv = [
        "url",
        f"--bucket={bucket}",
        f"--region={region}",
        f"--addressing-style={addressing}",
        "--url-only",
    ]
    argv += [f"--endpoint={endpoint}"] if endpoint is not None else []
    argv += [f"--prefix={prefix}"] if prefix is not None else []
    code, out, err = run_cli(argv)
    assert_clean(code, out, err)
    assert code in (0, 2)
    if code == 0:
        assert parse_login_url(out.strip()).bucket == bucket


@CLI_FUZZ
@given(
    st.lists(st.tuples(keys, blobs_of(checkpoints)), max_size=5),
    st.lists(st.tuples(names, blobs_of(json_values)), max_size=2),
    st.one_of(st.none(), blobs_of(json_values), st.just(b"version: 1\n")),
    keys,
)
@measured
def test_check_versions_restore_over_any_bucket_contents(
    run_cli: Any,
    fuzz_bucket: Any,
    objects: list[tuple[str, bytes]],
    locks: list[tuple[str, bytes]],
    meta: bytes | None,
    key: str,
) -> None:
    """Whatever a bucket holds, through moto's server on 127.0.0.1: a report, a refusal, or one line."""
    prefix = fuzz_bucket.fresh_prefix()
    try:
        for name, blob in objects:
            fuzz_bucket.put(prefix + name, blob)
        for name, blob in locks:
            fuzz_bucket.put(f"{prefix}.pulumi/locks/organization/p/s/{name}.json", blob)
        if meta is not None:
            fuzz_bucket.put(prefix + ".pulumi/meta.yaml", meta)
        state_key = prefix + ".pulumi/stacks/p/s.json"
        version = fuzz_bucket.put(state_key, b"{}")
        args = [*fuzz_bucket.args, "--prefix", prefix.rstrip("/")]
        assert_clean(*run_cli(["check", *args]))
        assert_clean(*run_cli(["versions", *args, f"--key={prefix + key}"]))
        assert_clean(*run_cli(["restore", *args, f"--key={prefix + key}", f"--version-id={version}"]))
        assert_clean(*run_cli(["restore", *args, f"--key={state_key}", f"--version-id={version}", "--force"]))
    finally:
        fuzz_bucket.clear()
