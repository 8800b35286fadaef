"""Property-based fuzzing of whole stack files through `cce-passthrough preview --config FILE` (issue 11).

Each example is a stack file: a valid configuration (every ELB source, both flavors, optional keys),
then mutated as a careless or hostile author would (keys dropped, misspelt or added; values of the
wrong type, out of range, huge, tiny, unicode, control characters, `secure:` objects, the canary
secrets pasted in), then written as YAML and, for some, broken as text (tags, duplicated lines, stray
characters, truncation, invalid UTF-8, several documents). It runs in process exactly as the command
line runs it, with the secret config keys decrypted to canaries.

Always: exit 0 with a clean plan, 1 with coded error findings, or 2 with one coded line (the file
cannot be used); every finding a code of the catalogue with its field and fix; never a traceback or
a failing program; no raw control character and no part of a secret in any output; memory bounded
by the reader's limits. Examples: ``CCE_PASSTHROUGH_FUZZ_EXAMPLES`` (tests/helpers/fuzzing.py).
"""

from __future__ import annotations

import contextlib
import copy
import functools
import io
import json
import re
import resource
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import example, given
from hypothesis import strategies as st

from cce_passthrough.cli.main import main
from cce_passthrough.offline import preview as preview_module
from cce_passthrough.rules.catalogue import CATALOGUE
from helpers import ROOT
from helpers.fuzzing import (
    ACCESS_KEY,
    KUBECONFIG,
    PUBLIC_AUTOCREATE,
    RAW_CONTROL,
    TOKEN,
    assert_coded,
    assert_no_secret,
    fuzz_settings,
    measured,
    mutate,
)

NS = "cce-passthrough"
SECRETS = {f"{NS}:kubeconfig": KUBECONFIG, "huaweicloud:accessKey": ACCESS_KEY}
CODE_LINE = re.compile(r"cce-passthrough: error: (PT\d{3}) ")
# Far above what one preview needs (about 100 MiB), far below what an unbounded read takes (issue 11
# measured 6 GB for an alias bomb): what one example may add to the process's peak.
MEMORY_BOUND_KIB = 1024 * 1024

uuids = st.uuids().map(str)
dns_labels = st.from_regex(r"[a-z]([a-z0-9-]{0,14}[a-z0-9])?", fullmatch=True)
versions = st.sampled_from(["v1.19", "v1.21", "v1.23", "v1.25", "v1.27", "v1.28", "v1.29.1-r0", "v1.31"])
clusters = st.fixed_dictionaries(
    {
        "name": st.sampled_from(["dev-cce", "prod-cce"]),
        "version": versions,
        "flavor": st.sampled_from(["standard", "turbo"]),
        "kubeProxyMode": st.sampled_from(["iptables", "ipvs"]),
    },
    optional={
        "lookup": st.booleans(),
        "vpcId": uuids,
        "containerNetworkType": st.sampled_from(["overlay_l2", "vpc-router", "eni"]),
    },
)
dedicated_autocreate = {
    "type": "inner",
    "available_zone": ["cn-north-4a"],
    "l4_flavor_name": "L4_flavor.elb.s1.small",
}
elbs = st.one_of(
    st.builds(lambda n: {"class": "shared", "autocreate": {"type": "inner", "name": n}}, dns_labels),
    st.just({"class": "shared", "autocreate": PUBLIC_AUTOCREATE}),
    st.just({"class": "dedicated", "autocreate": dedicated_autocreate}),
    st.just({"class": "shared", "autocreateJson": json.dumps({"type": "inner", "name": "j"})}),
    st.builds(
        lambda c, i: {"class": c, "existing": {"id": i}}, st.sampled_from(["shared", "dedicated"]), uuids
    ),
    st.builds(
        lambda s, size: {"class": "shared", "managed": {"subnetId": s, "eip": {"bandwidth": {"size": size}}}},
        uuids,
        st.integers(1, 300),
    ),
)
ports = st.fixed_dictionaries(
    {"port": st.integers(1, 65535)},
    optional={
        "name": dns_labels,
        "targetPort": st.one_of(st.integers(1, 65535), dns_labels),
        "protocol": st.sampled_from(["TCP", "UDP"]),
        "nodePort": st.integers(30000, 32767),
    },
)
annotation_keys = st.sampled_from(
    [
        "kubernetes.io/elb.lb-algorithm",
        "kubernetes.io/elb.health-check-flag",
        "kubernetes.io/elb.session-affinity-mode",
        "kubernetes.io/elb.keepalive_timeout",
        "kubernetes.io/elb.autocreate ",
        "kubernetes.io/elb.class",
        "example.com/owner",
        "Kubernetes.io/ELB.id",
    ]
)
string_maps = st.dictionaries(st.one_of(dns_labels, annotation_keys), st.text(max_size=20), max_size=3)
services = st.fixed_dictionaries(
    {
        "name": st.one_of(st.sampled_from(["web", "api", "nginx"]), dns_labels),
        "image": st.sampled_from(["nginx:1.27", "ghcr.io/example/shop:5.0.2", "nginx"]),
        "ports": st.lists(ports, min_size=1, max_size=3),
        "elb": elbs,
    },
    optional={
        "namespace": st.one_of(st.just("default"), dns_labels),
        "replicas": st.integers(0, 10),
        "externalTrafficPolicy": st.sampled_from(["Cluster", "Local"]),
        "passThrough": st.booleans(),
        "hostNetwork": st.booleans(),
        "annotations": st.dictionaries(annotation_keys, st.sampled_from(["roundrobin", "on", "300", ""])),
        "labels": string_maps,
        "selector": string_maps,
        "containerName": dns_labels,
        "containerPorts": st.booleans(),
        "imagePullSecrets": st.lists(dns_labels, max_size=2),
        "resources": st.just({"requests": {"cpu": "100m", "memory": "200Mi"}, "limits": {"cpu": "1"}}),
    },
)


extra_config_keys = st.sampled_from(
    [
        *(
            f"{NS}:{key}"
            for key in ("kubeConfig", "clustr", "createNamespaces", "kubeconfig", "", "services:0")
        ),
        *("huaweicloud:region", "services", "other:thing", ":"),
    ]
)


def broken_text(data: st.DataObject, text: str) -> bytes:
    """The YAML text, sometimes broken as only a text editor can break it."""
    lines = text.splitlines(keepends=True) or [""]
    kind = data.draw(
        st.sampled_from(
            ["none"] * 6 + ["tag", "duplicate", "character", "truncate", "bytes", "documents", "alias"]
        ),
        label="text mutation",
    )
    at = data.draw(st.integers(0, len(lines) - 1), label="line")
    if kind == "tag":
        tag = data.draw(
            st.sampled_from(["!!binary ", "!!set ", "!!omap ", "!Ref ", "!!python/object:os.system "])
        )
        lines[at] = re.sub(r":( |$)", f": {tag}", lines[at], count=1)
    elif kind == "duplicate":
        lines.insert(at, lines[at])
    elif kind == "character":
        column = data.draw(st.integers(0, len(lines[at])))
        stray = data.draw(st.sampled_from([*"{}[]:&*!|>'\"%@`\t-#,?", "\x00", "\ufeff", "\x85"]))
        lines[at] = lines[at][:column] + stray + lines[at][column:]
    elif kind == "truncate":
        lines = lines[:at]
    elif kind == "documents":
        lines.append(data.draw(st.sampled_from(["---\nconfig: {}\n", "...\n", "%YAML 1.1\n---\n"])))
    elif kind == "alias":
        lines.insert(0, "x-base: &base {a: [1, 2, 3], b: &deep [*base]}\n" if at % 2 else "x: &a [1, 2]\n")
        lines.append("y: [*a, *a, *a]\n" if not at % 2 else "")
    raw = "".join(lines).encode("utf-8", "surrogatepass")
    if kind == "bytes":
        offset = data.draw(st.integers(0, len(raw)))
        raw = (
            raw[:offset]
            + data.draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00"]))
            + raw[offset:]
        )
    return raw


@st.composite
def stack_files(draw: st.DrawFn) -> bytes:
    config: dict[Any, Any] = {
        "huaweicloud:region": "cn-north-4",
        f"{NS}:cluster": draw(clusters),
        f"{NS}:services": draw(st.lists(services, min_size=1, max_size=3)),
    }
    if draw(st.booleans()):
        config[f"{NS}:kubeconfig"] = {"secure": "v1:AAAAcipher"}
        config["huaweicloud:accessKey"] = {"secure": "v1:AAAAcipher"}
    # The strategies share their constant dicts between examples: the mutations work on a copy.
    document: dict[Any, Any] = copy.deepcopy({"config": config})
    data = draw(st.data())
    mutate(data, document, new_keys=extra_config_keys)
    if draw(st.integers(0, 19)) == 0:
        document = draw(st.sampled_from([{}, {"config": None}, {"config": []}, {"config": "x"}]))
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=draw(st.booleans()), width=10_000)
    return broken_text(data, text)


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def assert_clean_preview(code: int, out: str, err: str, as_json: bool) -> None:
    assert code in (0, 1, 2), (code, err)
    assert "Traceback" not in out + err, err
    assert "the program failed" not in err, err  # a program that raises is exit 2 without a code
    assert not RAW_CONTROL.search(out.replace("\n", "")), out
    assert not RAW_CONTROL.search(err.replace("\n", "")), err
    assert_no_secret(out + err)
    if code == 2:
        assert len(err.splitlines()) == 1 and CODE_LINE.match(err), err
        assert CODE_LINE.match(err).group(1) in CATALOGUE, err  # type: ignore[union-attr]
    if not as_json:
        if code == 1:
            assert re.search(r"\berror: PT\d{3}\b", out), out
        return
    payload = json.loads(out)  # one JSON object, whatever the exit code
    errors = [d for d in payload["diagnostics"] if d["severity"] == "error"]
    assert_coded(payload["diagnostics"])
    assert payload["ok"] is (code == 0), (code, payload["ok"])
    assert bool(errors) is (code != 0), (code, errors)
    if code == 2:
        assert [d["code"] for d in payload["diagnostics"]] == [CODE_LINE.match(err).group(1)]  # type: ignore[union-attr]


@pytest.fixture
def decrypting(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command as it runs where the `secure:` values can be decrypted: the canaries are secrets."""
    monkeypatch.setattr(preview_module, "preview", functools.partial(preview_module.preview, secrets=SECRETS))


@fuzz_settings(100)
@given(stack_files(), st.booleans())
# Found by the long run: an empty key of the namespace gave a finding without a field.
@example(b"config:\n  ? ''\n  : null\n  'cce-passthrough:': null\n", True)
@measured
def test_any_stack_file_is_a_clean_plan_coded_findings_or_one_coded_refusal(
    tmp_path: Path, decrypting: None, content: bytes, as_json: bool
) -> None:
    path = tmp_path / "Pulumi.fuzz.yaml"
    path.write_bytes(content)
    argv = ["preview", "--project", str(ROOT), "--config", str(path), *(["--json"] if as_json else [])]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert_clean_preview(*run_cli(argv), as_json)
    # What this example added to the process's peak: the process's own peak grows over a long run with
    # Hypothesis's record of the examples (it passed 1.5 GiB near 9,600 examples, flagging `config: null`).
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < MEMORY_BOUND_KIB


def test_the_generated_files_include_plans_findings_and_refusals(tmp_path: Path, decrypting: None) -> None:
    """The fuzzing reaches each outcome: a strategy that only ever produced refusals would prove nothing."""
    seen: set[int] = set()
    path = tmp_path / "Pulumi.fuzz.yaml"

    @fuzz_settings(40)
    @given(stack_files())
    def collect(content: bytes) -> None:
        path.write_bytes(content)
        seen.add(run_cli(["preview", "--project", str(ROOT), "--config", str(path), "--json"])[0])

    collect()
    assert seen == {0, 1, 2}


def test_the_canaries_are_secrets_of_the_run_and_masked(tmp_path: Path, decrypting: None) -> None:
    """The secret check is not vacuous: a canary pasted into an annotation is in the plan, masked."""
    document = yaml.safe_load((ROOT / "stacks" / "Pulumi.dev.yaml").read_text())
    document["config"][f"{NS}:services"][0]["annotations"] = {"example.com/token": f"Bearer {TOKEN}"}
    path = tmp_path / "Pulumi.fuzz.yaml"
    path.write_text(yaml.safe_dump(document))
    code, out, err = run_cli(["preview", "--project", str(ROOT), "--config", str(path), "--json"])
    assert code == 0 and "Bearer [secret]" in out
    assert_clean_preview(code, out, err, as_json=True)
