"""The tree `preview` prints: type, name, action, nesting, markers, diagnostics, outputs, summary, and
colour only on a terminal without NO_COLOR (issue 4, item 3)."""

from __future__ import annotations

import io

import pytest

from cce_passthrough.cli import main as cli
from cce_passthrough.cli.tree import summary_line, tree_text
from cce_passthrough.offline.preview import preview
from helpers import ROOT


def tree(stack: str, colour: bool = False) -> str:
    return tree_text(preview(ROOT, stack=stack), colour=colour)


def test_resources_nest_under_their_parent_with_their_action() -> None:
    lines = tree("prod").splitlines()
    rows = [line for line in lines if line.startswith(" +   ")]
    assert rows[0].split()[1:3] == ["pulumi:pulumi:Stack", "cce-passthrough-prod"]
    assert rows[1].startswith(" +   ├─ cce-passthrough:index:PassThroughService")
    children = [row for row in rows if row.startswith(" +   │  ")]
    assert len(children) == 5  # ELB, bandwidth, EIP, Deployment, Service under the component
    assert children[-1].startswith(" +   │  └─ kubernetes:core/v1:Service")
    assert rows[-1].startswith(" +   └─ pulumi:providers:kubernetes")


def test_protect_and_replace_markers() -> None:
    text = tree("prod")
    assert "shop-elb" in text
    elb = next(line for line in text.splitlines() if "shop-elb" in line)
    assert elb.endswith("[protected]")
    service = next(line for line in text.splitlines() if " shop-service " in line)
    assert (
        "[replaces on change of elb.class, elb.id, elb.autocreate, elb.protocol-port, externalTrafficPolicy; "
        "deleted before its replacement]" in service
    )


def test_diagnostics_are_counted_on_their_resource_and_listed_under_it() -> None:
    text = tree("staging")
    web = next(line for line in text.splitlines() if line.rstrip().endswith("1 warning") and " web " in line)
    assert "cce-passthrough:index:PassThroughService" in web
    diagnostics = text.split("Diagnostics:\n", 1)[1]
    assert diagnostics.startswith("  cce-passthrough:index:PassThroughService (api)\n    warning: PT106")


def test_outputs_and_the_one_line_summary() -> None:
    text = tree("staging")
    assert "Outputs:\n    web:\n        service_name: web\n        namespace: staging\n" in text
    assert text.endswith("Resources:\n    + 9 to create, 2 warnings\n")
    assert summary_line(preview(ROOT, stack="prod")) == "+ 10 to create"


def test_the_tree_does_not_change_from_run_to_run() -> None:
    assert tree("staging") == tree("staging")


def test_no_line_ends_in_spaces() -> None:
    for stack in ("dev", "prod", "staging"):
        assert all(line == line.rstrip() for line in tree(stack).splitlines())


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr("sys.stdout", io.StringIO())
    assert cli._colour() is False
    monkeypatch.setattr("sys.stdout", _Terminal())
    assert cli._colour() is True
    assert "\033[32m+\033[0m" in tree("dev", colour=True)


@pytest.mark.parametrize(("value", "coloured"), [("1", False), ("", True)])
def test_no_color_is_honoured_when_set_and_not_empty(
    monkeypatch: pytest.MonkeyPatch, value: str, coloured: bool
) -> None:
    monkeypatch.setattr("sys.stdout", _Terminal())
    monkeypatch.setenv("NO_COLOR", value)
    assert cli._colour() is coloured
