"""No part of a secret reaches any output (issue 11, item 9): not the whole value, not a short one, not
the token inside a secret kubeconfig. One canary set, every output path: the tree, the JSON, the
rendered files, the findings (in both), the policy pack's report, the log records, the message and
traceback of a failing program."""

from __future__ import annotations

import functools
import json
import logging
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from cce_passthrough.cli.main import main
from cce_passthrough.core.secrets import SECRET, Masker, fragments
from cce_passthrough.offline import preview as preview_module
from cce_passthrough.offline.engine import ProgramFailedError
from helpers import ROOT

TOKEN = "eyJhbGciOiJSUzI1NiJ9.Y2FuYXJ5LXRva2VuLTdmM2E5Yw.c2lnbmF0dXJlLWNhbmFyeQ"
CA_DATA = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tY2FuYXJ5"
SERVER = "https://192.0.2.77:5443"
PASSWORD = "Canary#Pw0rd"
KUBECONFIG = textwrap.dedent(
    f"""\
    apiVersion: v1
    kind: Config
    clusters:
    - name: cce-cluster
      cluster:
        server: {SERVER}
        certificate-authority-data: {CA_DATA}
    users:
    - name: user
      user:
        token: {TOKEN}
        password: {PASSWORD}
    contexts:
    - name: internal
      context: {{cluster: cce-cluster, user: user}}
    current-context: internal
    """
)
SHORT = "pw7"  # an access key of three characters
SECRETS = {"cce-passthrough:kubeconfig": KUBECONFIG, "huaweicloud:accessKey": SHORT}
CANARIES = (TOKEN, CA_DATA, SERVER, PASSWORD, KUBECONFIG.splitlines()[10].strip())


def leaky_stack(tmp_path: Path, **annotations: str) -> Path:
    """prod, its secrets as `secure:` values (decrypted by the test), and services that paste parts of
    them into plain settings, as a careless user would."""
    data = yaml.safe_load((ROOT / "stacks" / "Pulumi.prod.yaml").read_text())
    config = data["config"]
    config["cce-passthrough:kubeconfig"] = {"secure": "v1:cipher"}
    config["huaweicloud:accessKey"] = {"secure": "v1:cipher"}
    service = config["cce-passthrough:services"][0]
    service["image"] = f"registry.example.com/{SHORT}/shop:5.0.2"
    service["annotations"] = {
        "example.com/token": f"Bearer {TOKEN}",
        "example.com/ca": CA_DATA,
        **annotations,
    }
    path = tmp_path / "Pulumi.leaky.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def assert_no_canary(text: str) -> None:
    for canary in CANARIES:
        assert canary not in text
    assert f"/{SHORT}/" not in text and f" {SHORT} " not in text


@pytest.fixture
def decrypting(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI as it runs where `secure:` values can be decrypted."""
    monkeypatch.setattr(preview_module, "preview", functools.partial(preview_module.preview, secrets=SECRETS))


@pytest.fixture
def records() -> Any:
    seen: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = seen.append  # type: ignore[method-assign]
    logger = logging.getLogger("cce_passthrough.offline.engine")
    logger.addHandler(handler)
    yield seen
    logger.removeHandler(handler)


def test_no_part_of_a_secret_reaches_the_tree_the_json_the_render_or_the_policy_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], decrypting: None
) -> None:
    stack = leaky_stack(tmp_path)
    rendered = tmp_path / "rendered"
    base = ["preview", "--project", str(ROOT), "--config", str(stack)]
    assert main(base) == 0
    assert main([*base, "--json", "--policy-pack"]) in (0, 1)
    assert main([*base, "--policy-pack", "--render", str(rendered)]) in (0, 1)
    captured = capsys.readouterr()
    files = "".join(p.read_text() for p in sorted(rendered.iterdir()) if p.is_file())
    written = captured.out + captured.err + files
    assert "Bearer [secret]" in written and "registry.example.com/[secret]/shop" in written
    assert_no_canary(written)


def test_no_part_of_a_secret_reaches_a_finding_or_a_log_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], decrypting: None, records: list[logging.LogRecord]
) -> None:
    # a value quoted by a warning (PT304, logged by the program) and by an error (PT404)
    stack = leaky_stack(
        tmp_path,
        **{"kubernetes.io/elb.pass-through": TOKEN, "kubernetes.io/elb.lb-algorithm": PASSWORD},
    )
    base = ["preview", "--project", str(ROOT), "--config", str(stack)]
    assert main(base) == 1
    assert main([*base, "--json"]) == 1
    captured = capsys.readouterr()
    assert "PT304" in captured.out and "PT404" in captured.out
    logged = "\n".join(record.getMessage() for record in records)
    assert "PT304" in logged
    assert_no_canary(captured.out + captured.err + logged)


def test_no_part_of_a_secret_reaches_the_access_matrix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], decrypting: None
) -> None:
    stack = leaky_stack(tmp_path)
    base = ["access", "shop", "--project", str(ROOT), "--config", str(stack)]
    assert main(base) == 0
    assert main([*base, "--json"]) == 0
    captured = capsys.readouterr()
    assert "Who reaches the ELB address of service shop" in captured.out
    assert_no_canary(captured.out + captured.err)


def test_no_part_of_a_secret_reaches_what_a_previous_state_makes_the_preview_say(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], decrypting: None
) -> None:
    """A state exported with --show-secrets, or a hostile one: its values reach the output only as the
    addresses PT217 quotes, masked like everything else."""
    stack = leaky_stack(tmp_path)
    parent = "cce-passthrough:index:PassThroughService"
    urn = f"urn:pulumi:leaky::cce-passthrough::{parent}$kubernetes:core/v1:Service::shop-service"
    old = {
        "urn": urn,
        "custom": True,
        "type": "kubernetes:core/v1:Service",
        "id": "prod/shop",
        "inputs": {
            "metadata": {"annotations": {"kubernetes.io/elb.autocreate": '{"type":"public"}', "x": TOKEN}}
        },
        "outputs": {"status": {"loadBalancer": {"ingress": [{"ip": TOKEN}, {"ip": f"{TOKEN[:20]}"}]}}},
    }
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"version": 3, "deployment": {"resources": [old]}}))
    base = ["preview", "--project", str(ROOT), "--config", str(stack), "--state", str(state)]
    assert main(base) == 0
    assert main([*base, "--json"]) == 0
    captured = capsys.readouterr()
    assert "PT217" in captured.out
    assert_no_canary(captured.out + captured.err)


PROGRAM = """
import pulumi

config = pulumi.Config()
kubeconfig = config.require("kubeconfig")  # read as plain text: still a secret
raise RuntimeError("cannot reach the cluster with " + kubeconfig.splitlines()[10].strip())
"""


def test_no_part_of_a_secret_reaches_a_failing_programs_message_or_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: leaky\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(textwrap.dedent(PROGRAM))
    (tmp_path / "Pulumi.dev.yaml").write_text('config:\n  leaky:kubeconfig: {secure: "v1:abc"}\n')
    secrets = {"leaky:kubeconfig": KUBECONFIG}
    with pytest.raises(ProgramFailedError) as failed:
        preview_module.preview(tmp_path, stack="dev", secrets=secrets)
    assert failed.value.message == "cannot reach the cluster with [secret]"
    monkeypatch.setattr(preview_module, "preview", functools.partial(preview_module.preview, secrets=secrets))
    monkeypatch.setenv("CCE_PASSTHROUGH_TRACEBACK", "1")
    assert main(["preview", "--project", str(tmp_path), "--stack", "dev"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" in err and "RuntimeError" in err
    assert_no_canary(err)


@pytest.mark.parametrize(
    ("secret", "text", "shown"),
    [
        ("pw7", "user pw7 here", f"user {SECRET} here"),
        ("pw7", "registry/pw7:1", f"registry/{SECRET}:1"),
        ("pw7", "xpw7y and pw77", "xpw7y and pw77"),
        ("prod", "production", "production"),
        ("prod", "prod", SECRET),
        ("ab", "ab", SECRET),
        ("ab", "a tab b", "a tab b"),
        ("s3cr3t-k3y-9f", "key=s3cr3t-k3y-9f;", f"key={SECRET};"),
    ],
)
def test_short_secrets_are_masked_as_words_and_never_inside_other_words(
    secret: str, text: str, shown: str
) -> None:
    assert Masker([secret]).text(text) == shown


def test_the_parts_of_a_kubeconfig_worth_masking_and_the_structure_left_alone() -> None:
    parts = fragments(KUBECONFIG)
    assert {TOKEN, CA_DATA, SERVER, PASSWORD} <= parts
    structure = "apiVersion: v1\nkind: Config\n- name: cce-cluster\ncurrent-context: internal\n"
    masked = Masker([KUBECONFIG]).text(f"{structure}certificate-authority-data: {CA_DATA[:12]}")
    assert masked == f"{structure}certificate-authority-data: {SECRET}"


@pytest.mark.parametrize(
    "leaked",
    [TOKEN[:30], TOKEN[:8], TOKEN[-9:], TOKEN[5:20], f"...{TOKEN[10:19]}...", f"Bearer {TOKEN[:12]}…"],
    ids=["a prefix", "eight characters", "the signature's end", "the middle", "inside dots", "cut short"],
)
def test_a_part_of_a_token_is_masked_wherever_it_is_cut(leaked: str) -> None:
    """A server that echoes the start of a bearer token, a message cut in the middle of a key: each run of
    8 or more token characters that a secret's token-like run shares is a part of it."""
    masked = Masker([KUBECONFIG]).text(f"401 Unauthorized: invalid token {leaked} (expired)")
    assert masked.startswith("401 Unauthorized: invalid token ") and masked.endswith(" (expired)")
    for size in range(8, len(TOKEN) + 1):
        for start in range(0, len(TOKEN) - size + 1):
            assert TOKEN[start : start + size] not in masked or "." in TOKEN[start : start + size]


def test_ordinary_words_and_other_tokens_are_left_alone() -> None:
    masker = Masker([KUBECONFIG, "s3cr3t-k3y-9fA7Qw2LmN"])
    text = "certificate-authority-data client-key-data 6b3a4a49-8d4f-4f3a-a0a5-2f6d5c9e0b7d L4_flavor.elb.s1.small"
    assert masker.text(text) == text


ACCESS_KEY = "AKCanary9Q2x7Z"


def test_a_secret_changed_in_case_by_a_suggested_fix_is_still_masked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by the stack-file fuzzing's long run: a service whose namespace is the access key got PT401
    with a suggested namespace, the key lower-cased, which an exact match did not mask."""
    monkeypatch.setattr(
        preview_module,
        "preview",
        functools.partial(preview_module.preview, secrets={"huaweicloud:accessKey": ACCESS_KEY}),
    )
    data = yaml.safe_load((ROOT / "stacks" / "Pulumi.dev.yaml").read_text())
    data["config"]["huaweicloud:accessKey"] = {"secure": "v1:cipher"}
    data["config"]["cce-passthrough:services"][0]["namespace"] = ACCESS_KEY
    stack = tmp_path / "Pulumi.leaky.yaml"
    stack.write_text(yaml.safe_dump(data, sort_keys=False))
    base = ["preview", "--project", str(ROOT), "--config", str(stack)]
    assert main(base) == 1
    assert main([*base, "--json"]) == 1
    captured = capsys.readouterr()
    written = captured.out + captured.err
    assert "PT401" in written
    assert ACCESS_KEY.lower() not in written.lower()


@pytest.mark.parametrize("variant", [ACCESS_KEY.lower(), ACCESS_KEY.upper(), PASSWORD.lower()])
def test_a_secret_is_masked_whatever_its_case(variant: str) -> None:
    masker = Masker([ACCESS_KEY, KUBECONFIG])
    assert masker.text(f"e.g. namespace: {variant}") == f"e.g. namespace: {SECRET}"
