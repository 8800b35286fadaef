"""A preview of a large stack declares its services in waves (issue 13, memory): each wave's components
are registered before the next wave is declared, so that what a pending registration holds is freed as
the preview goes. The plan is the same as when every service is declared at once; an update, and an SDK
without `pulumi.run`, declare every service at once."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pulumi
import pytest

from cce_passthrough.offline.engine import OfflineMocks
from cce_passthrough.offline.plan import PlanResult
from cce_passthrough.wiring import program
from cce_passthrough.wiring.component import TOKEN, PassThroughService
from helpers import STANDARD_CLUSTER, run_stack, service, write_stack

WAVE = 2


def _fleet() -> list[dict[str, Any]]:
    """Five services in three waves of two: owners of an ELB with a service sharing each one from a later
    wave, and namespaces the stack creates."""
    return [
        service("web", namespace="shop"),
        service("api", namespace="shop"),
        service("cart", namespace="pay"),
        service(
            "web-grpc",
            namespace="shop",
            ports=[{"name": "grpc", "port": 9090, "targetPort": 9090, "protocol": "TCP"}],
            elb={"class": "shared", "shareWith": "web"},
        ),
        service(
            "cart-grpc",
            namespace="pay",
            ports=[{"name": "grpc", "port": 9090, "targetPort": 9090, "protocol": "TCP"}],
            elb={"class": "shared", "shareWith": "cart"},
        ),
    ]


def _stack(directory: Path, services: list[dict[str, Any]]) -> Path:
    return write_stack(
        directory, STANDARD_CLUSTER, services, config={"cce-passthrough:createNamespaces": True}
    )


class _Timeline:
    """In order: each service's component as the program declares it, and as the engine registers it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.events: list[tuple[str, str]] = []
        declare = PassThroughService.from_checked.__func__  # type: ignore[attr-defined]
        register = OfflineMocks.new_resource

        def from_checked(cls: type[PassThroughService], config: Any, *args: Any, **kwargs: Any) -> Any:
            self.events.append(("declared", config.name))
            return declare(cls, config, *args, **kwargs)

        def new_resource(mocks: OfflineMocks, args: pulumi.runtime.MockResourceArgs) -> Any:
            if args.typ == TOKEN:
                self.events.append(("registered", args.name))
            return register(mocks, args)

        monkeypatch.setattr(PassThroughService, "from_checked", classmethod(from_checked))
        monkeypatch.setattr(OfflineMocks, "new_resource", new_resource)

    def registered_before(self, name: str) -> set[str]:
        """The components registered before `name`'s was declared."""
        until = self.events.index(("declared", name))
        return {who for what, who in self.events[:until] if what == "registered"}


def _plan(result: PlanResult) -> tuple[Any, ...]:
    return (
        [dataclasses.asdict(r) for r in result.ordered()],
        result.outputs,
        [d.to_dict() for d in result.diagnostics],
    )


def test_a_preview_declares_a_wave_once_the_last_ones_components_are_registered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(program, "WAVE", WAVE)
    timeline = _Timeline(monkeypatch)
    result, _ = run_stack(config_file=_stack(tmp_path, _fleet()))
    assert result.ok, [d.render() for d in result.diagnostics]
    # owners first, then the services sharing their ELB: web, api | cart, web-grpc | cart-grpc
    assert timeline.registered_before("web") == timeline.registered_before("api") == set()
    assert timeline.registered_before("cart") >= {"web", "api"}
    assert timeline.registered_before("cart-grpc") >= {"web", "api", "cart", "web-grpc"}


@pytest.mark.parametrize("preview", [True, False], ids=["preview", "update"])
def test_the_plan_is_the_same_declared_in_waves_or_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, preview: bool
) -> None:
    stack = _stack(tmp_path, _fleet())
    at_once, _ = run_stack(config_file=stack, preview=preview)
    monkeypatch.setattr(program, "WAVE", WAVE)
    in_waves, _ = run_stack(config_file=stack, preview=preview)
    assert at_once.ok and len(at_once.by_type(TOKEN)) == 5
    assert _plan(in_waves) == _plan(at_once)


def test_a_stack_with_an_error_shows_the_same_findings_and_plan_in_waves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fleet = [*_fleet(), service("broken", replicas=-1)]
    stack = _stack(tmp_path, fleet)
    at_once, _ = run_stack(config_file=stack)
    monkeypatch.setattr(program, "WAVE", WAVE)
    in_waves, _ = run_stack(config_file=stack)
    assert not at_once.ok
    # the services no error is about are still planned
    assert {r.name for r in at_once.by_type(TOKEN)} == {s["name"] for s in _fleet()}
    assert _plan(in_waves) == _plan(at_once)


def test_an_update_declares_every_service_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(program, "WAVE", WAVE)
    timeline = _Timeline(monkeypatch)
    result, _ = run_stack(config_file=_stack(tmp_path, _fleet()), preview=False)
    assert result.ok, [d.render() for d in result.diagnostics]
    assert timeline.registered_before("cart-grpc") == set()


def test_with_an_sdk_without_pulumi_run_a_preview_declares_every_service_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stack = _stack(tmp_path, _fleet())
    at_once, _ = run_stack(config_file=stack)
    monkeypatch.setattr(program, "WAVE", WAVE)
    monkeypatch.delattr(pulumi, "run")  # Pulumi before 3.254
    timeline = _Timeline(monkeypatch)
    result, _ = run_stack(config_file=stack)
    assert timeline.registered_before("cart-grpc") == set()
    assert _plan(result) == _plan(at_once)
