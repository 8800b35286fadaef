"""Bad stack files as users write them (tests/corpus/bad-stacks/, issue 11): each through the real command
line, `cce-passthrough preview --config FILE`, once with `--json` and once as the tree a human reads.

One mistake, one finding: each file gets exactly the codes its header expects and the exit code the README
documents (0 warnings only, 1 an error finding, 2 the command cannot run), never a traceback, never a
secret it holds, never a raw control character in the human output. Time and memory are bounded by the
reader's limits (`rules/stackfile.py`), not by a clock here; `bench/corpus_bench.py` measures both.

Together the files cover every rule a stack file can reach (the others are listed below with the reason),
every key of the configuration model and every class of hostile input of issue 11.
"""

from __future__ import annotations

import functools
import re
import tempfile
import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from cce_passthrough.core.model import ClusterConfig, ServiceConfig, SharedElbRef
from cce_passthrough.rules.catalogue import CATALOGUE
from cce_passthrough.rules.config import NAMESPACE_KEYS
from helpers.bad_stacks import CLASSES, Case, Run, cases, prepare, run

CASES = cases()


# Codes no stack file can trigger through `preview`, and why. Each is tested where it can be reached.
UNREACHABLE = {
    **{
        code: "read from a live cluster's events by `doctor` (tests/live/test_events.py)"
        for code in (
            *("PT500", "PT501", "PT502", "PT503", "PT504", "PT505"),
            *("PT506", "PT507", "PT508", "PT509", "PT510"),
        )
    },
    **{
        code: "`adopt` compares live objects with a stack entry (tests/live/test_adopt.py)"
        for code in ("PT530", "PT531", "PT532", "PT533")
    },
    "PT534": "`adopt --write` refusing to write a stack file (tests/live/test_adopt_cli.py)",
    "PT535": "`doctor` compares the deployed Service with the stack (tests/live/test_doctor.py)",
    "PT536": "`doctor` reports a value CCE wrote on the live Service (tests/live/test_doctor.py)",
    "PT537": "`doctor` reads an Ingress on the stack's ELB from the live cluster",
    "PT538": "`doctor` reads an ELB's listeners in part from the live cloud",
    "PT539": "`doctor` compares the ELB CCE created with ShowLoadBalancer (tests/live/test_doctor_drift.py)",
    "PT540": "`doctor` compares the ELB CCE created with ShowLoadBalancer (tests/live/test_doctor_drift.py)",
    "PT541": "`doctor` compares the deployed Deployment with the stack (tests/live/test_doctor_drift.py)",
    **{
        code: "a live API call of doctor, verify or adopt failing (tests/live/test_live_access.py)"
        for code in ("PT580", "PT581", "PT582", "PT583", "PT584", "PT585", "PT586", "PT587", "PT588", "PT589")
    },
    **{
        code: "`verify` probing a deployed Service (tests/live/test_verify.py)"
        for code in ("PT590", "PT591", "PT592", "PT593", "PT594", "PT595", "PT596", "PT597")
    },
    "PT109": "an ELB id that is a Pulumi Output, which only component args can pass (tests/wiring)",
    "PT215": "a hand-written Service manifest without elb.class; stack config always has elb.class "
    "(PT202 when it does not)",
    "PT412": "spec.loadBalancerIP of a hand-written Service manifest, which stack config cannot set",
    "PT913": "the policy pack itself raising, a fault of the pack, not of the stack "
    "(tests/wiring/test_faults_at_preview.py)",
    "PT930": "`pulumi up` finding no elb.id on the Service it shares with, after CCE created the ELB; "
    "a preview never has it",
}


@functools.cache
def outcome(name: str) -> tuple[Run, Run]:
    """(the --json run, the tree run) of one case, each in a fresh directory."""
    case = next(c for c in CASES if c.name == name)
    runs = []
    for as_json in (True, False):
        with tempfile.TemporaryDirectory(prefix="bad-stack-") as workdir:
            prepare(case, Path(workdir))
            runs.append(run(case, Path(workdir), as_json))
    return runs[0], runs[1]


def test_the_corpus_holds_at_least_150_hand_written_bad_stacks() -> None:
    assert len(CASES) >= 150
    assert all(case.mistake and case.classes for case in CASES)
    assert all(set(case.classes) <= set(CLASSES) for case in CASES), {c.name: c.classes for c in CASES}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_a_bad_stack_gets_exactly_its_findings_and_its_exit_code(case: Case) -> None:
    as_json, as_tree = outcome(case.name)
    assert (as_json.codes, as_json.exit_code) == (tuple(sorted(case.expect)), case.exit_code), (
        case.mistake,
        [(d["code"], d["field"], d["message"]) for d in as_json.diagnostics],
        as_json.stderr,
    )
    assert as_tree.exit_code == case.exit_code, as_tree.output()
    for outcome_ in (as_json, as_tree):
        assert "Traceback" not in outcome_.output()
        for secret in case.secrets:
            assert secret not in outcome_.output()
    # a value can neither forge a line nor drive the terminal: every line a human reads is printable
    assert all(line.isprintable() for line in as_tree.output().split("\n")), as_tree.output()
    # every finding has its field and a fix that leads somewhere
    assert all(d["field"] and d["fix"] and d["message"] for d in as_json.diagnostics)


def test_the_corpus_covers_every_rule_a_stack_file_can_reach() -> None:
    live = {code for code, rule in CATALOGUE.items() if not rule.retired}
    assert set(UNREACHABLE) <= live
    expected = {code for case in CASES for code in case.expect}
    assert sorted(live - set(UNREACHABLE) - expected) == []
    assert sorted(expected & set(UNREACHABLE)) == [], "reachable after all: take it off UNREACHABLE"


def test_the_corpus_covers_every_class_of_hostile_input_of_issue_11() -> None:
    assert {c for case in CASES for c in case.classes} == set(CLASSES)


def _nested(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return None if annotation is SharedElbRef else annotation  # component args only
    for arg in typing.get_args(annotation):
        found = _nested(arg)
        if found is not None:
            return found
    return None


def _keys(model: type[BaseModel], prefix: str) -> list[str]:
    keys = []
    for name, info in model.model_fields.items():
        key = f"{prefix}.{info.alias or name}"
        keys.append(key)
        nested = _nested(info.annotation)
        if nested is not None:
            is_list = typing.get_origin(info.annotation) is list or any(
                typing.get_origin(a) is list for a in typing.get_args(info.annotation)
            )
            keys += _keys(nested, f"{key}[]" if is_list else key)
    return keys


def config_keys() -> list[str]:
    """Every key of the cce-passthrough namespace and of the configuration model, as findings name them."""
    return [
        *(key for key in NAMESPACE_KEYS if key not in ("cluster", "services")),
        *_keys(ClusterConfig, "cluster"),
        *_keys(ServiceConfig, "services[]"),
    ]


def test_the_corpus_covers_every_configuration_key() -> None:
    fields = {
        re.sub(r"\[\d+\]", "[]", d["field"]) for case in CASES for d in outcome(case.name)[0].diagnostics
    }
    covered = {
        key for key in config_keys() if any(f == key or f.startswith((f"{key}.", f"{key}[")) for f in fields)
    }
    assert sorted(set(config_keys()) - covered) == []


def test_the_model_keys_are_read_from_the_model() -> None:
    keys = config_keys()
    assert "services[].elb.autocreate.bandwidth_size" in keys
    assert "services[].ports[].targetPort" in keys and "cluster.kubeProxyMode" in keys
    assert not any("shareWith." in key for key in keys)
