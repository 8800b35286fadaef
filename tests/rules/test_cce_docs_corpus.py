"""CCE's own example Services (tests/corpus/cce-docs/: Open Telekom Cloud's CCE user guide, Huawei Cloud's
Chinese user guide and best practice) through the policy pack's manifest path: none that the documentation
presents as valid gets an error.

Each file names its source in a header: `# Source:` (a public URL, or the seed page's title), what was
changed from the page (placeholders such as `<your_elb_id>` filled in), `# cluster:` (`standard`, `turbo`
or `any`: the cluster type the page is written for) and, for an example the page prints broken,
`# expect-error: CODE why`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from cce_passthrough.core.diagnostics import errors
from cce_passthrough.core.model import ClusterConfig
from cce_passthrough.rules.evaluate import evaluate
from cce_passthrough.rules.manifest_reader import is_cce_load_balancer, stack_from_manifests
from helpers import ROOT

CORPUS = ROOT / "tests" / "corpus" / "cce-docs"
SEED_TITLE = "为负载均衡类型的Service配置pass-through能力"
# A release that meets every version gate of the catalogue, so only what the example itself does counts.
RECENT = "v1.31.1-r0"


@dataclass(frozen=True)
class Example:
    path: Path
    source: str
    clusters: tuple[str, ...]
    expected_errors: frozenset[str]
    documents: list[dict[str, Any]]

    @property
    def services(self) -> list[dict[str, Any]]:
        return [d for d in self.documents if d.get("kind") == "Service"]


def _header(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        key, sep, value = line[1:].strip().partition(": ")
        if sep and key in ("Source", "cluster", "expect-error"):
            fields[key] = value
    return fields


def load(path: Path) -> Example:
    text = path.read_text(encoding="utf-8")
    header = _header(text)
    cluster = header.get("cluster", "").split(" ")[0]
    expected = header.get("expect-error")
    return Example(
        path,
        header.get("Source", ""),
        ("standard", "turbo") if cluster == "any" else (cluster,),
        frozenset({expected.split()[0]}) if expected else frozenset(),
        [d for d in yaml.safe_load_all(text) if d],
    )


EXAMPLES = [load(path) for path in sorted(CORPUS.glob("*.yaml"))]


def _cluster(flavor: str | None) -> ClusterConfig | None:
    if flavor is None:
        return None
    return ClusterConfig.model_validate({"version": RECENT, "flavor": flavor, "kubeProxyMode": "iptables"})


def _error_codes(documents: list[dict[str, Any]], flavor: str | None) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for finding in errors(evaluate(stack_from_manifests(documents, _cluster(flavor))).findings):
        found.setdefault(finding.code, []).append(finding.render())
    return found


def test_the_corpus_holds_the_documentations_examples() -> None:
    sources = {example.source for example in EXAMPLES}
    assert len(EXAMPLES) >= 40
    assert sum(len(example.services) for example in EXAMPLES) >= 40
    assert any(
        s.startswith("https://docs.otc.t-systems.com/cloud-container-engine/umn/networking/") for s in sources
    )
    assert any(s.startswith("https://github.com/huaweicloudDocs/cce/") for s in sources)
    assert any(s.startswith(SEED_TITLE) for s in sources)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.path.name for e in EXAMPLES])
def test_every_example_names_its_source_and_cluster_type(example: Example) -> None:
    assert example.source.startswith(("https://", SEED_TITLE)), "the header's `# Source:` is a public URL"
    assert example.clusters and set(example.clusters) <= {"standard", "turbo"}
    assert example.services, "each example holds at least one Service"
    assert all(s["spec"]["type"] == "LoadBalancer" for s in example.services)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.path.name for e in EXAMPLES])
def test_no_documented_example_gets_an_error_through_the_policy_packs_manifest_path(example: Example) -> None:
    flavors: list[str | None] = [None, *example.clusters]
    for flavor in flavors:
        # The whole file, as a program or `kubectl apply -f` has it: Services and the pods they select.
        found = _error_codes(example.documents, flavor)
        assert set(found) == example.expected_errors, (flavor, found)
        # Each Service alone, as the pack's resource policy sees it.
        for service in example.services:
            alone = _error_codes([service], flavor)
            assert set(alone) == example.expected_errors & set(alone), (flavor, alone)


def test_the_dnat_gateway_example_is_no_elb_service() -> None:
    [dnat] = [e for e in EXAMPLES if e.path.name == "hwcn-dnat-gateway.yaml"]
    [service] = dnat.services
    assert is_cce_load_balancer(service)  # it carries kubernetes.io/elb.class ...
    assert stack_from_manifests([service], None).services == []  # ... but dnat: a NAT gateway, no ELB
