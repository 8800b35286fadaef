"""What a stack file can cost and what YAML may not smuggle in (issue 11, items 1, 6, 7 and 10).

Bounded reads: regular files only, at most `LIMITS.file_bytes`, aliases refused before they expand;
then what YAML reads differently from the Pulumi CLI (duplicate keys, tags, keys that are not strings)
is a coded finding, exit 1, and nothing of such a file reaches the program.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
import yaml

from cce_passthrough.cli.main import main
from cce_passthrough.rules.stackfile import LIMITS, Limits, StackFileError, load
from helpers import ROOT, STANDARD_CLUSTER, service, write_stack

PREVIEW = ["preview", "--project", str(ROOT)]


def billion_laughs(levels: int = 9, key: str = "other:never-read") -> str:
    """Nine levels of nine aliases: 9**9 strings once expanded, under a key the program never reads."""
    lines = ["config:", f"  {key}: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, levels):
        aliases = ", ".join([f"*l{level - 1}"] * 9)
        lines.append(f"  other:level{level}: &l{level} [{aliases}]")
    return "\n".join(lines) + "\n"


def cli(argv: list[str], memory: int = 1 << 30, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The installed command in its own process, its address space capped at `memory` bytes."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run(
        [sys.executable, "-m", "cce_passthrough", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=cap,
        timeout=timeout,
    )


def test_an_alias_bomb_under_a_key_nobody_reads_is_refused_within_1_gib(tmp_path: Path) -> None:
    stack = tmp_path / "Pulumi.bomb.yaml"
    stack.write_text(billion_laughs())
    run = cli([*PREVIEW, "--config", str(stack)])
    assert run.returncode == 2, run.stderr
    assert "PT907" in run.stderr and "aliases expanded" in run.stderr
    assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1


def test_reading_an_alias_bomb_allocates_next_to_nothing() -> None:
    tracemalloc.start()
    try:
        with pytest.raises(StackFileError) as refused:
            load(billion_laughs(), "bomb.yaml", "cce-passthrough")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused.value.diagnostic.code == "PT907"
    assert peak < 5 * 1024 * 1024


def test_anchors_and_merge_keys_within_the_limits_are_read_as_yaml_means_them(tmp_path: Path) -> None:
    text = (
        "config:\n"
        "  cce-passthrough:cluster: {version: v1.28, flavor: standard, kubeProxyMode: iptables}\n"
        "  cce-passthrough:services:\n"
        "    - &web {name: web, image: nginx, ports: [{port: 80}], elb: {class: shared, autocreate: {type: inner}}}\n"
        "    - <<: *web\n"
        "      name: api\n"
    )
    data, findings = load(text, "anchors.yaml", "cce-passthrough")
    assert findings == []
    assert [s["name"] for s in data["config"]["cce-passthrough:services"]] == ["web", "api"]
    stack = tmp_path / "Pulumi.anchors.yaml"
    stack.write_text(text)
    assert main([*PREVIEW, "--config", str(stack)]) == 0


def test_an_alias_that_contains_itself_is_refused() -> None:
    with pytest.raises(StackFileError) as refused:
        load("config:\n  a:b: &x [1, *x]\n", "loop.yaml")
    assert refused.value.diagnostic.code == "PT907"
    assert "refers to a node that contains it" in refused.value.diagnostic.message


def test_nesting_deeper_than_the_limit_is_refused_before_it_is_built() -> None:
    deep = "config:\n  a:b: " + "[" * 100 + "]" * 100 + "\n"
    with pytest.raises(StackFileError) as refused:
        load(deep, "deep.yaml")
    assert refused.value.diagnostic.code == "PT907"
    assert f"nested more than {LIMITS.depth} levels" in refused.value.diagnostic.message
    # libyaml itself stops at 1,000 levels, before any value exists: the file is not YAML to it
    with pytest.raises(StackFileError) as refused:
        load("config:\n  a:b: " + "[" * 100_000 + "]" * 100_000 + "\n", "deeper.yaml")
    assert refused.value.diagnostic.code == "PT906"


def test_every_limit_is_a_parameter_of_the_reader() -> None:
    small = Limits(nodes=10)
    with pytest.raises(StackFileError):
        load("config: {a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}\n", "x.yaml", limits=small)
    assert load("config: {a: [1, 2]}\n", "x.yaml", limits=small)[1] == []


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: os.mkfifo(p), "is a FIFO (named pipe), not a regular file"),
        (lambda p: p.mkdir(), "is a directory, not a regular file"),
        (lambda p: None, "does not exist"),
        (
            lambda p: p.write_bytes(b"config: {}\n" + b"#" * LIMITS.file_bytes),
            f"larger than {LIMITS.file_bytes:,} bytes",
        ),
    ],
    ids=["fifo", "directory", "missing", "too-large"],
)
def test_a_stack_path_that_is_not_a_readable_regular_file_is_refused_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: object, words: str
) -> None:
    path = tmp_path / "Pulumi.odd.yaml"
    make(path)  # type: ignore[operator]
    assert main([*PREVIEW, "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    assert err.startswith("cce-passthrough: error: PT90")


def test_dev_zero_as_a_stack_file_is_refused_at_once() -> None:
    run = cli([*PREVIEW, "--config", "/dev/zero"], memory=1 << 30, timeout=60)
    assert run.returncode == 2
    assert "PT905" in run.stderr and "is a character device" in run.stderr


def test_a_refused_file_with_json_still_prints_one_json_object(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*PREVIEW, "--config", str(tmp_path), "--json"]) == 2
    payload = json.loads(capsys.readouterr().out)
    assert payload["ok"] is False
    assert [d["code"] for d in payload["diagnostics"]] == ["PT905"]


def _preview_text(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    path = tmp_path / "Pulumi.t.yaml"
    path.write_text(text)
    code = main([*PREVIEW, "--config", str(path)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, captured.out


VALID = yaml.safe_dump(
    {
        "config": {
            "cce-passthrough:cluster": STANDARD_CLUSTER,
            "cce-passthrough:services": [service("web")],
        }
    },
    sort_keys=False,
)


def test_a_duplicated_key_is_an_error_naming_both_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = VALID.replace("  - name: web\n", "  - name: web\n    image: nginx:evil\n")
    code, out = _preview_text(tmp_path, text, capsys)
    assert code == 1
    assert "PT908 services[0].image: line 10: key 'image' is already set on line 9" in out
    assert "service web" in out


@pytest.mark.parametrize(
    ("value", "tag"),
    [
        ("!!binary aGVsbG8=", "'!!binary'"),
        ("!!set {a, b}", "'!!set'"),
        ("!!omap [a: 1]", "'!!omap'"),
        ("!Ref Image", "'!Ref'"),
    ],
)
def test_a_yaml_tag_pulumi_config_cannot_hold_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, tag: str
) -> None:
    text = VALID.replace("image: nginx:1.27", f"image: {value}")
    code, out = _preview_text(tmp_path, text, capsys)
    assert code == 1
    assert f"PT909 services[0].image: line 9: the YAML tag {tag}" in out


@pytest.mark.parametrize(
    ("key", "kind"), [("1", "an int"), ("true", "a bool"), ("2024-01-01", "a timestamp"), ("null", "a null")]
)
def test_a_mapping_key_that_is_not_a_string_is_a_finding_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str, kind: str
) -> None:
    text = VALID.replace("  - name: web\n", f"  - name: web\n    annotations: {{{key}: x}}\n")
    code, out = _preview_text(tmp_path, text, capsys)
    assert code == 1
    assert f"PT910 services[0].annotations[{json.dumps(key)}]" in out
    assert f"is read as {kind}, not as a string" in out


def test_a_number_of_a_thousand_digits_is_a_finding_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = VALID.replace("  - name: web\n", "  - name: web\n    replicas: " + "9" * 5000 + "\n")
    code, out = _preview_text(tmp_path, text, capsys)
    assert code == 1
    assert "PT911 services[0].replicas: line 9: a number of 5,000 characters" in out


def test_a_one_megabyte_version_is_a_configuration_finding_with_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = write_stack(tmp_path, {**STANDARD_CLUSTER, "version": "v1." + "2" * 1_000_000}, [service()])
    assert main([*PREVIEW, "--config", str(stack)]) == 1
    out = capsys.readouterr().out
    assert "PT902 cluster.version: a text of 1,000,003 characters is not a CCE version" in out
    assert len(out) < 5000


def test_a_wrong_type_quotes_at_most_a_line_of_the_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = write_stack(tmp_path, STANDARD_CLUSTER, [service(image=["x" * 100_000])])
    assert main([*PREVIEW, "--config", str(stack)]) == 1
    line = next(line for line in capsys.readouterr().out.splitlines() if "PT902" in line)
    assert len(line) < 300


@pytest.mark.parametrize("name", ["", "../prod", "a/b", ".."])
def test_a_stack_name_that_names_no_stack_is_refused(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*PREVIEW, "--stack", name])
    assert exited.value.code == 2
    assert "is not a stack name" in capsys.readouterr().err


def test_a_fleet_of_ten_thousand_services_written_like_the_dev_stack_is_within_every_limit() -> None:
    """Issue 13's fleet: 10,000 services in one stack file, each as rich as the CCE page's example in
    stacks/Pulumi.dev.yaml, is read; the limits stop alias expansion and hostile files, not real stacks."""
    dev = yaml.safe_load((ROOT / "stacks" / "Pulumi.dev.yaml").read_text())["config"]
    [example] = dev["cce-passthrough:services"]
    fleet = [{**example, "name": f"svc-{index}"} for index in range(10_000)]
    text = yaml.safe_dump({"config": {**dev, "cce-passthrough:services": fleet}}, sort_keys=False)
    assert len(text.encode()) <= LIMITS.file_bytes
    document, findings = load(text, "Pulumi.fleet.yaml", project="cce-passthrough")
    assert findings == []
    assert len(document["config"]["cce-passthrough:services"]) == 10_000
