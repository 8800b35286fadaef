"""Running the real program offline in tests, with invokes answered from fixture files."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from cce_passthrough.offline.engine import OfflineMocks, run_program
from cce_passthrough.offline.plan import PlannedResource, PlanResult
from cce_passthrough.rules.stackconfig import load_project, load_stack_config
from cce_passthrough.wiring.lookup import GET_CLUSTER, GET_DEDICATED_ELBS, GET_SHARED_ELB

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
STACKS = sorted(p.name.split(".")[1] for p in (ROOT / "stacks").glob("Pulumi.*.yaml"))


class FixtureInvokes:
    """Answers `get_cluster` from tests/fixtures/invokes/getCluster-<name>.json (camelCase, as the provider)."""

    def __init__(self, failures: Mapping[str, str] | None = None) -> None:
        self.failures = dict(failures or {})

    def __call__(self, token: str, args: Mapping[str, Any]) -> Mapping[str, Any]:
        if token in self.failures:
            raise LookupError(self.failures[token])
        if token == GET_CLUSTER:
            path = FIXTURES / "invokes" / f"getCluster-{args.get('name')}.json"
            if not path.exists():
                raise LookupError(f"Error: cluster {args.get('name')!r} not found (HTTP 404)")
            data: dict[str, Any] = json.loads(path.read_text())
            return data
        if token == GET_SHARED_ELB:
            return self._fixture(
                f"getLoadbalancer-{args.get('id')}", "Error: loadbalancer not found (HTTP 404)"
            )
        if token == GET_DEDICATED_ELBS:
            path = FIXTURES / "invokes" / f"getLoadbalancers-{args.get('loadbalancerId')}.json"
            return json.loads(path.read_text()) if path.exists() else {"loadbalancers": []}
        raise LookupError(f"no fixture for {token}")

    @staticmethod
    def _fixture(name: str, missing: str) -> Mapping[str, Any]:
        path = FIXTURES / "invokes" / f"{name}.json"
        if not path.exists():
            raise LookupError(missing)
        data: dict[str, Any] = json.loads(path.read_text())
        return data


def run_stack(
    stack: str | None = None,
    *,
    config_file: Path | None = None,
    preview: bool = True,
    invokes: FixtureInvokes | None = None,
) -> tuple[PlanResult, OfflineMocks]:
    project = load_project(ROOT)
    path = config_file if config_file is not None else project.stack_file(stack or "dev")
    config = load_stack_config(project, path, stack)
    mocks = OfflineMocks(invokes or FixtureInvokes(), preview=preview)
    result = run_program(
        project.main, project.name, config.stack, config.values, config.secret_keys, mocks, preview
    )
    return result, mocks


def write_stack(
    directory: Path,
    cluster: Mapping[str, Any],
    services: list[Any],
    name: str = "test",
    config: Mapping[str, Any] | None = None,
) -> Path:
    """Stack `name`'s file: its cluster and services, and any further `config` keys (`namespace:key`)."""
    path = directory / f"Pulumi.{name}.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "config": {
                    "cce-passthrough:cluster": dict(cluster),
                    "cce-passthrough:services": services,
                    **(config or {}),
                }
            },
            sort_keys=False,
        )
    )
    return path


STANDARD_CLUSTER = {"name": "t-cce", "version": "v1.28", "flavor": "standard", "kubeProxyMode": "iptables"}


def service(name: str = "web", **overrides: Any) -> dict[str, Any]:
    """A valid service (shared autocreated inner ELB), with top-level keys replaced by `overrides`."""
    base: dict[str, Any] = {
        "name": name,
        "image": "nginx:1.27",
        "ports": [{"name": "http", "port": 80, "targetPort": 80, "protocol": "TCP"}],
        "elb": {"class": "shared", "autocreate": {"type": "inner", "name": f"{name}-elb"}},
    }
    base.update(overrides)
    return base


def planned(type_: str, name: str, inputs: dict[str, Any], stack: str = "dev") -> PlannedResource:
    """A top-level custom resource as the offline engine records it, for tests that build plans by hand."""
    return PlannedResource(
        urn=f"urn:pulumi:{stack}::other::{type_}::{name}",
        type=type_,
        name=name,
        custom=True,
        parent=None,
        provider=None,
        protect=False,
        delete_before_replace=False,
        replace_on_changes=[],
        dependencies=[],
        inputs=inputs,
    )
