"""The access matrix where users meet it: under each Service of the preview tree, in `preview --json`
(`access`), and in full from `cce-passthrough access SERVICE` (issue 14)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cce_passthrough.cli.main import main
from cce_passthrough.cli.tree import tree_text
from cce_passthrough.offline.preview import preview
from helpers import ROOT, STACKS, STANDARD_CLUSTER, service, write_stack

ROUTES = {"through the ELB", "short-circuited by kube-proxy", "fails", "not documented"}


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_shows_a_matrix_under_each_service(stack: str) -> None:
    result = preview(ROOT, stack=stack)
    text = tree_text(result)
    services = [r.name for r in result.resources if r.type == "cce-passthrough:index:PassThroughService"]
    assert services and sorted(result.access) == sorted(services)
    for name in services:
        lines = text.splitlines()
        row = next(i for i, line in enumerate(lines) if f" {name}-service " in line)
        assert (
            lines[row + 1].strip().startswith("│") or "access to the private ELB address:" in lines[row + 1]
        )
        assert "access to the private ELB address:" in lines[row + 1]


def test_staging_dedicated_elb_shows_the_documented_failure_from_the_backend_node(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Staging shares a dedicated ELB with pass-through on a CCE Standard cluster: cce_10_0355 says its
    private address cannot be reached from the node of a backend pod or the pods on it."""
    assert main(["preview", "--project", str(ROOT), "--stack", "staging"]) == 0
    out = capsys.readouterr().out
    assert (
        "access to the private ELB address: fails from a pod on a backend node and the backend node itself; "
        "through the ELB from elsewhere" in out
    )
    assert "PT106" in out


def test_json_carries_every_cell_with_its_sources(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", "--project", str(ROOT), "--stack", "staging", "--json"]) == 0
    access = json.loads(capsys.readouterr().out)["access"]
    assert sorted(access) == ["api", "web"]
    cells = access["api"]["cells"]
    assert len(cells) == 5 * len(access["api"]["addresses"])
    for cell in cells:
        assert cell["route"] in ROUTES
        assert cell["because"] or cell["route"] == "not documented"
        assert all(source["url"].startswith("https://") for source in cell["because"])


def test_access_command_prints_the_table_with_sources_and_documented_fixes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["access", "api", "--project", str(ROOT), "--stack", "staging"]) == 0
    out = capsys.readouterr().out
    assert "a pod on a backend node  fails [1]" in out
    assert "configuring_passthrough_networking_for_a_loadbalancer_service.html" in out
    assert "use the ClusterIP Service or service domain name for access" in out


def test_access_command_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["access", "nginx", "--project", str(ROOT), "--stack", "dev", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["service"] == "nginx" and payload["addresses"] == ["private", "public"]


def test_access_command_for_an_unknown_service_names_the_known_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["access", "nope", "--project", str(ROOT), "--stack", "staging"]) == 2
    assert "no service 'nope' in this stack (services: api, web)" in capsys.readouterr().err


def test_access_command_on_a_stack_with_errors_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = write_stack(tmp_path, STANDARD_CLUSTER, [service("web", elb={"class": "shared"})])
    assert main(["access", "web", "--project", str(ROOT), "--config", str(stack)]) == 1
    assert "the configuration has errors" in capsys.readouterr().err


def test_an_inner_autocreated_elb_has_no_public_column(tmp_path: Path) -> None:
    """CCE's autocreate `type: inner` creates no EIP: the matrix has the private address alone."""
    inner = service("web", elb={"class": "shared", "autocreate": {"type": "inner", "name": "in"}})
    result = preview(ROOT, config_file=write_stack(tmp_path, STANDARD_CLUSTER, [inner]))
    assert result.access["web"].addresses[0].value == "private"
    assert len(result.access["web"].addresses) == 1


def test_a_turbo_stack_takes_its_network_model_from_the_flavor(tmp_path: Path) -> None:
    turbo = {**STANDARD_CLUSTER, "flavor": "turbo"}
    web = service(
        "web",
        elb={
            "class": "dedicated",
            "autocreate": {
                "type": "inner",
                "name": "in",
                "available_zone": ["az1"],
                "l4_flavor_name": "L4_flavor.elb.s1.small",
            },
        },
    )
    result = preview(ROOT, config_file=write_stack(tmp_path, turbo, [web]))
    assert result.access["web"].inputs.network_model == "cloud-native-2.0"


def test_the_readme_shows_what_the_access_command_prints(capsys: pytest.CaptureFixture[str]) -> None:
    readme = (ROOT / "README.md").read_text()
    shown = readme.split("$ cce-passthrough access api --stack staging\n", 1)[1].split("\n...\n", 1)[0]
    assert main(["access", "api", "--project", str(ROOT), "--stack", "staging"]) == 0
    assert capsys.readouterr().out.startswith(shown + "\n")


def test_a_dedicated_elb_failure_lists_a_shared_elb_as_a_way_out(capsys: pytest.CaptureFixture[str]) -> None:
    """cce_10_0355 documents the in-cluster failure for dedicated load balancers only."""
    assert main(["access", "api", "--project", str(ROOT), "--stack", "staging"]) == 0
    assert "A shared ELB (elb.class: shared)" in capsys.readouterr().out
    assert main(["access", "nginx", "--project", str(ROOT), "--stack", "dev"]) == 0
    assert "A shared ELB" not in capsys.readouterr().out


def test_services_alike_share_one_matrix_and_others_keep_their_own(tmp_path: Path) -> None:
    """A fleet's matrices are kept until the tree is printed: equal ones once, not once per service."""
    services = [service(f"web{index}") for index in range(3)]
    services.append(service("local", externalTrafficPolicy="Local"))
    result = preview(ROOT, config_file=write_stack(tmp_path, STANDARD_CLUSTER, services))
    assert result.ok, [d.render() for d in result.diagnostics]
    assert result.access["web0"] is result.access["web1"] is result.access["web2"]
    assert result.access["local"] != result.access["web0"]
