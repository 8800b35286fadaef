"""The catalogue as data: complete against interface.md §3, every rule used and tested, the generated
reference (docs/rules.md, the README's rule table) fresh, and `rules` / `explain` on the command line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cce_passthrough.cli import rulesdoc
from cce_passthrough.cli.main import main
from cce_passthrough.core.diagnostics import Severity
from cce_passthrough.rules.catalogue import CATALOGUE
from cce_passthrough.rules.checks.annotation_table import ANNOTATION_SPECS
from cce_passthrough.rules.sources import Source
from helpers import ROOT
from rules import test_annotation_rule_table, test_service_rule_table, test_workload_rule_table

PACKAGE = ROOT / "components" / "cce_passthrough"

# interface.md §3, verbatim codes and severities: the public contract.
INTERFACE = {
    **{c: "error" for c in ("PT101", "PT103", "PT105")},
    **{c: "warning" for c in ("PT102", "PT106", "PT107", "PT304")},
    **{f"PT2{n:02d}": "error" for n in range(1, 11)},
    **{c: "error" for c in ("PT302", "PT303", "PT401", "PT402", "PT901", "PT902", "PT903", "PT904")},
}
# Triggered and neighboured in test_stack_rule_table.py (cross-service, config shape, lookup facts) or,
# for PT109, through the engine in test_rules_end_to_end.py.
TRIGGERED_ELSEWHERE = {"PT109", "PT120", "PT302", "PT303", "PT305", "PT901", "PT902", "PT903", "PT904"}
# PT930 happens only at `pulumi up`, when an output resolves: through the engine in test_shared_elb_outputs.py;
# PT931 reads cce-passthrough:createNamespaces next to the services: test_first_up.py.
# PT932 reads the secrecy of stack config the engine hands the program: test_config_messages.py.
TRIGGERED_ELSEWHERE |= {"PT930", "PT931", "PT932"}
# Only a Service manifest has these (no elb.class, spec.loadBalancerIP): tests/rules/test_real_manifests.py.
TRIGGERED_ELSEWHERE |= {"PT215", "PT412"}
# Live findings (PT5xx): raised against the fake API servers in tests/live.
TRIGGERED_ELSEWHERE |= {c for c in CATALOGUE if c.startswith("PT5")}
# Stack files themselves: tests/rules/test_stack_file_reading.py and the corpus of bad stack files.
TRIGGERED_ELSEWHERE |= {f"PT9{n:02d}" for n in range(5, 14)}
# Annotation keys and their total size: tests/rules/test_annotation_key_syntax.py.
TRIGGERED_ELSEWHERE |= {"PT450", "PT451", "PT452"}
# A production stack's protection reads cce-passthrough:production: tests/wiring/test_production_protection.py.
TRIGGERED_ELSEWHERE |= {"PT218"}
# A plan compared with the stack's previous state (--state): tests/offline/test_previous_state.py.
TRIGGERED_ELSEWHERE |= {"PT217", "PT219"}


# interface.md §3: retired codes stay in the catalogue, are never raised and never reused.
RETIRED = {"PT104"}


def test_every_interface_code_is_in_the_catalogue_with_its_severity() -> None:
    assert {code: CATALOGUE[code].severity.value for code in INTERFACE} == INTERFACE
    assert {code for code, rule in CATALOGUE.items() if rule.retired} == RETIRED


@pytest.mark.parametrize("code", list(CATALOGUE))
def test_every_rule_is_complete(code: str) -> None:
    rule = CATALOGUE[code]
    assert re.fullmatch(r"PT[1-59]\d\d", rule.code)
    assert isinstance(rule.severity, Severity)
    for text in (rule.summary, rule.rationale, rule.fix, rule.source):
        assert text.strip()
    assert rule.sources
    assert rule.fix.endswith("."), "the fix is a sentence"


def _modules_outside_the_catalogue() -> list[Path]:
    return [path for path in PACKAGE.rglob("*.py") if "catalogue" not in path.relative_to(PACKAGE).parts]


def _codes_used_in_the_package() -> set[str]:
    used: set[str] = set()
    for path in _modules_outside_the_catalogue():
        used |= set(re.findall(r'(?:rule|finding)\(\s*"(PT\d{3})"', path.read_text()))
    return used


def test_one_code_one_place_outside_the_catalogue_a_code_is_named_by_one_module() -> None:
    """`grep -rn '"PT305"' components` finds the catalogue and the one module that checks PT305."""
    homes: dict[str, set[str]] = {}
    for path in _modules_outside_the_catalogue():
        for code in re.findall(r'"(PT\d{3})"', path.read_text()):
            homes.setdefault(code, set()).add(str(path.relative_to(PACKAGE)))
    scattered = {code: sorted(paths) for code, paths in homes.items() if len(paths) > 1}
    assert scattered == {}


# The layers that judge: the rules judge a configuration, live judges a cluster. Every other layer hands on
# the findings they make (cli prints them, offline and wiring publish them) and names no code itself.
JUDGING_LAYERS = {"rules", "live"}


def test_only_the_rules_and_the_live_layer_name_a_code() -> None:
    naming = {
        str(path.relative_to(PACKAGE))
        for path in _modules_outside_the_catalogue()
        if re.search(r'"PT\d{3}"', path.read_text())
    }
    assert {path for path in naming if path.split("/")[0] not in JUDGING_LAYERS} == set()


def test_every_code_the_code_raises_is_catalogued_and_every_rule_is_raised() -> None:
    used = _codes_used_in_the_package()
    assert used - set(CATALOGUE) == set()
    assert {c for c, r in CATALOGUE.items() if not r.retired} - used == set()
    assert used & RETIRED == set(), "a retired code is raised again"


def test_every_rule_has_a_trigger_and_a_neighbour_in_the_tables() -> None:
    tabled = {
        p.values[0]
        for table in (test_service_rule_table, test_annotation_rule_table, test_workload_rule_table)
        for p in table.CASES
    }
    assert set(CATALOGUE) - tabled - TRIGGERED_ELSEWHERE - RETIRED == set()
    assert tabled & RETIRED == set()


def test_docs_rules_md_is_fresh() -> None:
    committed = (ROOT / rulesdoc.DOCS_PATH).read_text()
    assert committed == rulesdoc.rules_markdown(), f"docs/rules.md is stale: run `{rulesdoc.REGENERATE}`"


def test_readme_rule_table_is_fresh() -> None:
    readme = (ROOT / rulesdoc.README_PATH).read_text()
    assert rulesdoc.replace_readme_block(readme) == readme, (
        f"the README's rule table is stale: run `{rulesdoc.REGENERATE}`"
    )
    assert "[docs/rules.md](docs/rules.md)" in readme.split("## Rules", 1)[1]


def test_the_reference_documents_every_rule_and_annotation() -> None:
    text = rulesdoc.rules_markdown()
    for code, rule in CATALOGUE.items():
        assert f"### {code}" in text and rule.rationale in text
    assert "`kubernetes.io/elb.keepalive_timeout`" in text and "dedicated: v1.19.16-r30" in text


def test_regenerating_writes_both_files(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(
        f"# x\n\n## Rules\n\n{rulesdoc.README_BEGIN}\nold\n{rulesdoc.README_END}\n"
    )
    changed = rulesdoc.write(tmp_path)
    assert sorted(p.name for p in changed) == ["README.md", "rules.md"]
    assert rulesdoc.write(tmp_path) == []
    assert "| [PT302](docs/rules.md#pt302) | error |" in (tmp_path / "README.md").read_text()


def test_rules_lists_code_severity_and_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(CATALOGUE) - len(RETIRED)
    assert lines[0].split()[:2] == ["PT101", "error"]
    assert any(line.startswith("PT109  info") for line in lines)


def test_rules_json_and_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert {r["code"] for r in payload} == set(CATALOGUE) - RETIRED
    assert set(payload[0]) == {"code", "severity", "summary", "rationale", "fix", "source", "sources"}
    assert all(
        s["url"] is None or s["url"].startswith(("https://", "README.md")) for s in payload[0]["sources"]
    )
    assert main(["rules", "--markdown"]) == 0
    assert capsys.readouterr().out == rulesdoc.rules_markdown()


def test_explain_prints_rationale_fix_and_every_source_with_its_url(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["explain", "PT404"]) == 0
    out = capsys.readouterr().out
    rule = CATALOGUE["PT404"]
    assert rule.rationale in out and f"Fix: {rule.fix}" in out
    for source in rule.sources:
        assert f"  - {source.title} <{source.url}>" in out
    assert "https://docs.otc.t-systems.com/cloud-container-engine/umn/" in out


def _all_sources() -> list[Source]:
    found = [s for rule in CATALOGUE.values() for s in rule.sources]
    return found + [s for spec in ANNOTATION_SPECS for s in spec.source]


@pytest.mark.parametrize("source", sorted(set(_all_sources()), key=str), ids=str)
def test_every_source_is_a_public_url_the_seed_page_or_a_file_of_this_repository(source: Source) -> None:
    assert (
        "[" not in source.title
        and "interface.md" not in source.title
        and "cce-elb-annotations" not in str(source)
    )
    if source.url is None:
        assert source.title.startswith("为负载均衡类型的Service配置pass-through能力"), (
            "only the seed page has no URL"
        )
    elif not source.url.startswith("https://"):
        assert (ROOT / source.url.split("#")[0]).is_file(), f"{source.url} is not a file of this repository"


def test_the_reference_links_every_source() -> None:
    text = rulesdoc.rules_markdown()
    for source in _all_sources():
        assert (source.url or source.title) in text


def test_explain_says_a_retired_code_no_longer_fires(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "PT104"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("PT104 (retired, never raised)")
    assert main(["rules"]) == 0
    assert "PT104" not in capsys.readouterr().out


def test_explain_of_an_unknown_code_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "PT499"]) == 2
    assert "no rule 'PT499'" in capsys.readouterr().err
