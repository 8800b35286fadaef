"""What each command loads (issue 13): the plain preview's fixed cost is mostly import time, so it
loads nothing that only another command or another flag uses, and the collector does not walk what it
imports again and again; `rules`, `explain` and `--help` load neither the backend nor the package
metadata. Speed itself is measured by bench/, never by a test."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cce_passthrough.cli.main import DEFERRED_SUMMARIES, _command_of, _parser, main
from helpers import ROOT, STANDARD_CLUSTER, service, write_stack

# Loaded only by other commands (backend, verify, doctor, adopt, preview --live) or by the flags that
# need an extra (--render, --policy-pack); shlex and the package metadata only to name a missing extra.
NOT_FOR_THE_PLAIN_PREVIEW = (
    "cce_passthrough.backend",
    "cce_passthrough.live",
    "cce_passthrough.cli.verify_parser",
    "cce_passthrough.cli.policy_report",
    "cce_passthrough.offline.manifest_files",
    "cce_passthrough.offline.manifests",
    "cce_passthrough.offline.render_dir",
    "kubernetes_validate",
    "jsonschema",
    "pulumi_policy",
    "kubernetes",
    "huaweicloudsdkcore",
    "botocore",
    "boto3",
    "shlex",
)


def _loaded_after(argv: list[str], watched: tuple[str, ...]) -> list[str]:
    """The modules of `watched` (or under them) in sys.modules once `main(argv)` has run in a fresh process."""
    probe = (
        "import json, sys\n"
        "from cce_passthrough.cli.main import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        f"watched = {watched!r}\n"
        "loaded = sorted(m for m in sys.modules if m in watched or m.startswith(tuple(w + '.' for w in watched)))\n"
        "print(json.dumps(loaded), file=sys.stderr)\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded: list[str] = json.loads(run.stderr.strip().splitlines()[-1])
    return loaded


def test_the_plain_preview_loads_no_other_command_and_no_extra() -> None:
    argv = ["preview", "--stack", "dev", "--project", str(ROOT)]
    assert _loaded_after(argv, NOT_FOR_THE_PLAIN_PREVIEW) == []


@pytest.mark.parametrize(
    "argv", [["rules"], ["explain", "PT302"], ["--help"], ["rules", "--json"]], ids=" ".join
)
def test_the_catalogue_and_help_paths_load_neither_the_backend_nor_the_metadata(argv: list[str]) -> None:
    watched = ("cce_passthrough.backend", "cce_passthrough.live", "importlib.metadata", "shlex")
    assert _loaded_after(argv, watched) == []


def test_help_is_the_same_whether_the_deferred_commands_are_built_or_not() -> None:
    built, deferred = _parser(), _parser(stubs=DEFERRED_SUMMARIES)
    assert deferred.format_help() == built.format_help()
    assert deferred.format_usage() == built.format_usage()
    (commands,) = [a for a in built._actions if a.dest == "command"]
    summaries = {action.dest: action.help for action in commands._get_subactions()}
    assert {name: summaries[name] for name in DEFERRED_SUMMARIES} == DEFERRED_SUMMARIES


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["backend", "url"], "backend"),
        (["--version"], None),
        ([], None),
        (["-h", "verify"], "verify"),
        (["preview", "--stack", "backend"], "preview"),
        (["--", "backend", "--help"], "backend"),
    ],
)
def test_the_command_is_the_first_argument_that_is_not_an_option(
    argv: list[str], command: str | None
) -> None:
    assert _command_of(argv) == command


def test_a_deferred_command_that_runs_parses_its_own_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["backend", "url", "--bucket", "my-state", "--region", "cn-north-4", "--url-only"])
    assert (code, capsys.readouterr().out) == (
        0,
        "s3://my-state?endpoint=https://obs.cn-north-4.myhuaweicloud.com&region=cn-north-4\n",
    )
    with pytest.raises(SystemExit) as refused:
        main(["verify", "--stack", "dev", "--requests", "0"])
    assert refused.value.code == 2
    assert capsys.readouterr().err.endswith("error: argument --requests: 0 is outside 1-1000\n")


COUNT_COLLECTIONS = """
import gc, sys
from cce_passthrough.cli.main import main
collections = [0, 0, 0]  # outside the preview's run, which freezes what it keeps (offline.preview)
gc.callbacks.append(lambda phase, info: phase == "start" and not gc.get_freeze_count()
    and collections.__setitem__(info["generation"], collections[info["generation"]] + 1))
before = gc.get_threshold()
code = main(["preview", "--config", sys.argv[1]])
print(code, sum(collections), collections[2], gc.get_threshold() == before)
"""


def test_a_one_service_preview_imports_without_the_collector_walking_the_imports(tmp_path: Path) -> None:
    """Importing Pulumi, the SDKs and pydantic creates objects that live as long as the process: at the
    default thresholds ~200 collections, one of them full, ran over them before the preview started;
    the CLI imports with higher thresholds and leaves the process's as they were."""
    stack = write_stack(tmp_path, STANDARD_CLUSTER, [service("web")])
    run = subprocess.run(
        [sys.executable, "-c", COUNT_COLLECTIONS, str(stack)], capture_output=True, text=True, check=True
    )
    code, collections, full, restored = run.stdout.split()[-4:]
    assert (code, full, restored) == ("0", "0", "True"), run.stdout
    assert int(collections) < 10, run.stdout


AT_EXIT = """
import atexit, gc, sys
from cce_passthrough.cli.main import main
# registered before main runs, so called after what main registers
atexit.register(lambda: print(len(gc.get_objects()), gc.get_freeze_count()))
main(["preview", "--config", sys.argv[1]])
"""


def test_at_exit_the_collector_has_nothing_of_the_command_left_to_walk(tmp_path: Path) -> None:
    """The interpreter collects once more as it exits: everything the command made, unfrozen after the
    preview's run, would be walked again (a twentieth of a one-service preview); frozen, it is not."""
    stack = write_stack(tmp_path, STANDARD_CLUSTER, [service("web")])
    run = subprocess.run(
        [sys.executable, "-c", AT_EXIT, str(stack)], capture_output=True, text=True, check=True
    )
    walked, frozen = map(int, run.stdout.split()[-2:])
    assert walked < frozen // 100, run.stdout[-200:]
