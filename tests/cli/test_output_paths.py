"""Every way this tool writes for a person or a program, and the canary tests that feed it secrets and
look at everything it writes. A new command, a new option or a new writer fails here until it is
classified: an option that adds output names a canary test that uses it; one that only chooses the
input says so."""

from __future__ import annotations

import argparse
import importlib
import inspect

import pytest

from cce_passthrough.cli.main import _parser

CLI = "cli.test_secret_canary"
LIVE = "live.test_secret_canary"
BACKEND = "backend.test_canary_secret"
OFFLINE = "offline.test_preview_secrets"

TREE = f"{CLI}::test_no_part_of_a_secret_reaches_the_tree_the_json_the_render_or_the_policy_report"
FINDINGS = f"{CLI}::test_no_part_of_a_secret_reaches_a_finding_or_a_log_record"
PROGRAM = f"{CLI}::test_no_part_of_a_secret_reaches_a_failing_programs_message_or_traceback"

# command -> the canary tests over everything it prints, writes and logs.
CANARIES: dict[str, list[str]] = {
    "preview": [
        TREE,
        FINDINGS,
        PROGRAM,
        f"{CLI}::test_no_part_of_a_secret_reaches_what_a_previous_state_makes_the_preview_say",
        f"{OFFLINE}::test_the_canary_never_appears_in_tree_json_or_render",
        f"{LIVE}::test_preview_live_never_prints_a_part_of_an_echoed_credential",
    ],
    "access": [f"{CLI}::test_no_part_of_a_secret_reaches_the_access_matrix"],
    "doctor": [f"{LIVE}::test_doctor_never_prints_a_part_of_an_echoed_credential"],
    "adopt": [f"{LIVE}::test_adopt_never_prints_a_part_of_an_echoed_token"],
    "verify": [f"{LIVE}::test_verify_never_prints_a_part_of_an_echoed_credential"],
    **{
        f"backend {sub}": [
            f"{BACKEND}::test_no_output_path_shows_a_canary_credential",
            f"{BACKEND}::test_credentials_in_a_backend_url_or_an_exception_never_show",
        ]
        for sub in ("bootstrap", "url", "check", "versions", "restore")
    },
    # The catalogue and the version: fixed text, no stack, no secret read.
    "rules": [],
    "explain": [],
    "": [],
}
OUT, IN = "adds output", "chooses input"
OPTIONS: dict[str, dict[str, str]] = {
    "preview": {
        "--json": OUT,
        "--render": OUT,
        "--policy-pack": OUT,
        "--state": OUT,
        "--live": OUT,
        "--kubeconfig": IN,
        "--cluster-id": IN,
        "--stack": IN,
        "--config": IN,
        "--project": IN,
    },
    "access": {"--json": OUT, "--stack": IN, "--config": IN, "--project": IN},
    "doctor": {"--json": OUT, "--stack": IN, "--project": IN, "--kubeconfig": IN, "--cluster-id": IN},
    # --write and --import-file write what the live Service holds, which is the user's own config.
    "adopt": {
        "--json": OUT,
        "--namespace": IN,
        "--service": IN,
        "--stack": IN,
        "--project": IN,
        "--kubeconfig": IN,
        "--import-file": IN,
        "--write": IN,
    },
    "verify": {
        "--json": OUT,
        **dict.fromkeys(
            ("--stack", "--service", "--outputs", "--requests", "--timeout", "--node", "--image"), IN
        ),
        "--kubeconfig": IN,
        "--project": IN,
    },
    "rules": {"--json": OUT, "--markdown": OUT},
    "explain": {},
    "": {"--version": OUT},
}
_CONNECTION = ("--bucket", "--region", "--endpoint", "--prefix", "--addressing-style")
OPTIONS |= {
    "backend bootstrap": {**dict.fromkeys(_CONNECTION, IN), "--fix": IN},
    "backend url": {**dict.fromkeys(_CONNECTION, IN), "--url-only": OUT},
    "backend check": {**dict.fromkeys(_CONNECTION, IN), "--backend-url": IN},
    "backend versions": dict.fromkeys((*_CONNECTION, "--backend-url", "--stack", "--key"), IN),
    "backend restore": dict.fromkeys(
        (*_CONNECTION, "--backend-url", "--stack", "--key", "--version-id", "--force"), IN
    ),
}

# What is written without a command of its own, and the canary over it.
WRITERS = {
    "findings: message, field and fix (tree and JSON)": FINDINGS,
    "pulumi.log and the offline engine's logger": FINDINGS,
    "python logging of client libraries (DEBUG)": f"{LIVE}::test_doctor_never_prints_a_part_of_an_echoed_credential",
    "a failing program's message and traceback (CCE_PASSTHROUGH_TRACEBACK=1)": PROGRAM,
    "tracebacks of live commands": f"{LIVE}::test_verify_never_prints_a_part_of_an_echoed_credential",
    "the policy pack's report": TREE,
    "rendered files": TREE,
    "state backend output and exceptions": f"{BACKEND}::test_credentials_in_a_backend_url_or_an_exception_never_show",
    "the installed command (a subprocess)": f"{BACKEND}::test_the_installed_command_shows_no_canary",
    "parts of a secret (token prefixes, cut messages)": f"{CLI}::test_a_part_of_a_token_is_masked_wherever_it_is_cut",
}


def _commands(parser: argparse.ArgumentParser, prefix: str = "") -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    options: set[str] = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found |= _commands(sub, f"{prefix} {name}".strip())
        else:
            options |= {o for o in action.option_strings if o not in ("-h", "--help")}
    if options or prefix not in ("backend",):
        found[prefix] = options
    return found


def _test(node: str) -> object:
    module, name = node.split("::")
    return getattr(importlib.import_module(module), name)


def test_every_command_and_option_is_classified() -> None:
    commands = _commands(_parser())
    assert set(commands) == set(CANARIES), "a command without canary tests (CANARIES)"
    for command, options in commands.items():
        assert options == set(OPTIONS[command]), f"{command!r}: classify each option in OPTIONS"


@pytest.mark.parametrize("command", [c for c, tests in CANARIES.items() if tests])
def test_every_output_option_is_used_by_a_canary_test_of_its_command(command: str) -> None:
    """The option is in the module of one of the command's canary tests (its runs may be built by a helper)."""
    modules = {node.split("::")[0] for node in CANARIES[command]}
    sources = "".join(inspect.getsource(importlib.import_module(module)) for module in modules)
    for option, kind in OPTIONS[command].items():
        if kind == OUT:
            assert f'"{option}"' in sources, (command, option)


def test_every_writer_has_a_canary_test_that_exists() -> None:
    for node in [*WRITERS.values(), *(n for tests in CANARIES.values() for n in tests)]:
        assert callable(_test(node)), node
