"""What must not grow with the number of services (issue 13): cloud reads, and the size of what people
read. Speed itself is measured by bench/preview_bench.py, never by a test."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pulumi.runtime import rpc

from cce_passthrough.cli.tree import tree_text
from cce_passthrough.offline.engine import OfflineMocks, run_program
from cce_passthrough.wiring.lookup import GET_CLUSTER, GET_SHARED_ELB
from helpers import STANDARD_CLUSTER, FixtureInvokes, run_stack, service, write_stack

SHARED_ELB_ID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
LOOKUP_CLUSTER = {"name": "lookup-cce", "lookup": True, "kubeProxyMode": "ipvs"}


def on_one_existing_elb(count: int, pass_through: bool | None = None) -> list[dict[str, object]]:
    return [
        service(
            f"svc{index}",
            ports=[{"name": "http", "port": 8000 + index, "targetPort": 80}],
            elb={"class": "shared", "existing": {"id": SHARED_ELB_ID}},
            **({"passThrough": index % 2 == 0} if pass_through is None else {"passThrough": pass_through}),
        )
        for index in range(count)
    ]


def test_one_cluster_lookup_and_one_lookup_per_distinct_elb_whatever_the_number_of_services(
    tmp_path: Path,
) -> None:
    stack = write_stack(tmp_path, LOOKUP_CLUSTER, on_one_existing_elb(40, pass_through=True))
    result, _ = run_stack(config_file=stack)
    assert result.ok, [d.render() for d in result.diagnostics]
    tokens = [token for token, _ in result.invokes]
    assert tokens.count(GET_CLUSTER) == 1
    assert tokens.count(GET_SHARED_ELB) == 1


COMPONENTS = """
from cce_passthrough import PassThroughService

for index in range(5):
    PassThroughService(
        f"web{index}",
        args={
            "cluster": {"name": "lookup-cce", "lookup": True, "kube_proxy_mode": "iptables"},
            "image": "nginx:1.27",
            "ports": [{"name": "http", "port": 80 + index, "target_port": 80}],
            "elb": {"class": "shared", "existing": {"id": "ELB_ID"}},
        },
    )
""".replace("ELB_ID", SHARED_ELB_ID)


def test_components_used_as_a_library_share_one_cluster_lookup_and_one_elb_lookup(tmp_path: Path) -> None:
    main = tmp_path / "__main__.py"
    main.write_text(COMPONENTS)
    result = run_program(main, "consumer", "dev", {}, [], OfflineMocks(FixtureInvokes()), True)
    assert result.ok, [d.render() for d in result.diagnostics]
    tokens = [token for token, _ in result.invokes]
    assert (tokens.count(GET_CLUSTER), tokens.count(GET_SHARED_ELB)) == (1, 1)


def test_a_second_preview_in_the_same_process_reads_the_cloud_again(tmp_path: Path) -> None:
    """Reads are shared within one run, never carried into the next one."""
    stack = write_stack(tmp_path, LOOKUP_CLUSTER, on_one_existing_elb(2, pass_through=True))
    first, _ = run_stack(config_file=stack)
    second, _ = run_stack(config_file=stack)
    assert [t for t, _ in first.invokes] == [t for t, _ in second.invokes] == [GET_CLUSTER, GET_SHARED_ELB]


def test_a_disagreement_among_many_services_on_one_elb_is_named_in_short_and_listed_whole_in_json(
    tmp_path: Path,
) -> None:
    """PT302 (IPVS: Services on one ELB must agree on pass-through) names a few services and counts the
    rest; the finding's `related` carries all of them for machines. It is on each service that departs
    from the first one's setting (svc0 has pass-through on: the 30 odd ones with it off)."""
    stack = write_stack(tmp_path, LOOKUP_CLUSTER, on_one_existing_elb(60))
    result, _ = run_stack(config_file=stack)
    found = [d for d in result.diagnostics if d.code == "PT302"]
    assert sorted(d.resource or "" for d in found) == sorted(f"svc{index}" for index in range(1, 60, 2))
    assert "and 25 more" in found[0].message and len(found[0].message) < 400
    assert len(found[0].related) == 60
    assert found[0].to_dict()["related"] == sorted(f"svc{index}" for index in range(60))


def _tree_size(tmp_path: Path, count: int) -> int:
    stack = write_stack(tmp_path / str(count), LOOKUP_CLUSTER, on_one_existing_elb(count))
    result, _ = run_stack(config_file=stack)
    return len(tree_text(result))


def test_the_preview_tree_grows_linearly_with_the_number_of_services(tmp_path: Path) -> None:
    for count in (40, 80):
        (tmp_path / str(count)).mkdir()
    small, large = _tree_size(tmp_path, 40), _tree_size(tmp_path, 80)
    assert large < 2.2 * small


FAST_PATHS = [["rules"], ["explain", "PT302"], ["--help"], ["backend", "--help"], ["rules", "--json"]]


@pytest.mark.parametrize("argv", FAST_PATHS, ids=" ".join)
def test_the_catalogue_and_help_paths_load_no_pulumi(argv: list[str]) -> None:
    """`rules`, `explain`, `--help` and `backend --help` answer without loading Pulumi, the provider SDKs
    or the live clients (what makes them take most of a second)."""
    probe = (
        "import sys\n"
        "from cce_passthrough.cli.main import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('pulumi', 'pulumi_kubernetes', 'pulumi_huaweicloud', 'kubernetes', 'huaweicloudsdkcore', "
        "'boto3', 'pydantic')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)))\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert run.stdout.strip().splitlines()[-1] == "[]"


OLDER_GENERATIONS_DURING_PREVIEW = """
import gc, sys
from cce_passthrough.cli.main import main

older = []  # objects in generations 1 and 2 as each collection starts
gc.callbacks.append(lambda phase, info: phase == "start"
    and older.append(len(gc.get_objects(1)) + len(gc.get_objects(2))))
code = main(["preview", "--config", sys.argv[1]])
print(code, len(older), max(older[len(older) // 2:]), gc.get_freeze_count())
"""


def test_what_outlives_a_collection_is_walked_once_during_a_preview_and_given_back_after(
    tmp_path: Path,
) -> None:
    """The run's outputs, futures and tasks live until it ends: left in the older generations, each
    collection of them walked them again (a third of a 1,000-service run in the oldest, bench/; up to ten
    young collections' survivors in the middle one). While the CLI runs a preview every collection finds
    the older generations nearly empty, and everything is collectable again after."""
    stack = write_stack(tmp_path, STANDARD_CLUSTER, [service(f"svc{index}") for index in range(150)])
    run = subprocess.run(
        [sys.executable, "-c", OLDER_GENERATIONS_DURING_PREVIEW, str(stack)],
        capture_output=True,
        text=True,
        check=True,
    )
    code, collections, largest_older_generations, frozen_after = map(int, run.stdout.split()[-4:])
    assert code == 0, run.stdout
    assert collections >= 100  # the run makes collections, most of the youngest generation
    # Not the run's heap (on the order of 100,000 objects at 150 services), nor what the young collections
    # since the last of the middle generation left (thousands): what no collection has walked yet.
    assert largest_older_generations < 1_000, run.stdout[-300:]
    assert frozen_after == 0


def test_in_a_preview_each_resources_inputs_are_parsed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The SDK's mock monitor parses what a registration sends; the plan records that same parse (in a
    preview both keep unknowns) instead of parsing the request a second time."""
    parsed: list[object] = []  # kept alive, so that no two of them share an id
    original = rpc.deserialize_properties

    def counting(properties: Any, *args: Any, **kwargs: Any) -> Any:
        parsed.append(properties)
        return original(properties, *args, **kwargs)

    monkeypatch.setattr(rpc, "deserialize_properties", counting)
    stack = write_stack(tmp_path, STANDARD_CLUSTER, [service(f"svc{index}") for index in range(3)])
    result, _ = run_stack(config_file=stack)
    assert result.ok, [d.render() for d in result.diagnostics]
    assert len({id(properties) for properties in parsed}) == len(parsed)
    assert result.resource("svc0-service").inputs["metadata"]["name"] == "svc0"
