"""One evaluation for every caller: the program's stack config, the component's own args and the policy
pack's Services all go through `rules.evaluate`, so the same service gets the same findings."""

from __future__ import annotations

from typing import Any

from cce_passthrough.rules.config import parse_component_args, parse_stack
from cce_passthrough.rules.evaluate import evaluate
from cce_passthrough.rules.manifest_reader import stack_from_manifests
from helpers import service
from helpers.rule_cases import CLUSTER, ELB_ID, codes

SNAKE_CLUSTER = {"version": "v1.17", "flavor": "standard", "kube_proxy_mode": "iptables"}
WRONG: dict[str, Any] = {
    "image": "nginx",
    "ports": [{"port": 80}, {"port": 70000}],
    "elb": {"class": "shared", "autocreate": {"type": "public", "bandwidth_size": 333}},
}


def test_a_service_in_stack_config_and_as_component_args_gets_the_same_findings() -> None:
    stack = evaluate(parse_stack({**CLUSTER, "version": "v1.17"}, [service("web", **WRONG)]))
    component = evaluate(parse_component_args("web", {"cluster": SNAKE_CLUSTER, **WRONG}))
    in_stack = sorted((f.code, f.field.removeprefix("services[0].")) for f in stack.findings)
    as_args = sorted((f.code, f.field) for f in component.findings)
    assert in_stack == as_args
    assert {"PT102", "PT204", "PT206", "PT401"} <= codes(component.findings)


def test_component_args_sharing_an_elb_by_its_id_need_no_owner_among_them() -> None:
    args = {"cluster": SNAKE_CLUSTER | {"version": "v1.28"}, "image": "nginx", "ports": [{"port": 80}]}
    shared = {"class": "shared", "share_with": {"service": "web", "elb_id": ELB_ID}}
    evaluation = evaluate(parse_component_args("api", {**args, "elb": shared}))
    assert evaluation.findings == []


def test_share_with_in_stack_config_names_a_service_of_the_stack() -> None:
    stack = parse_stack(CLUSTER, [service("api", elb={"class": "shared", "shareWith": "web"})])
    assert codes(evaluate(stack).findings) == {"PT305"}


def test_a_service_whose_elb_id_is_known_only_after_apply_is_checked_on_its_own() -> None:
    class UnknownValueError(Exception):
        pass

    class PendingAnnotations(dict[str, str]):
        def __getitem__(self, key: str) -> str:
            if key == "kubernetes.io/elb.id":
                raise UnknownValueError(key)
            return super().__getitem__(key)

    manifest = {
        "metadata": {
            "name": "web",
            "annotations": PendingAnnotations(
                {
                    "kubernetes.io/elb.class": "union",
                    "kubernetes.io/elb.id": "",
                    "kubernetes.io/elb.pass-through": "true",
                }
            ),
        },
        "spec": {"type": "LoadBalancer", "ports": [{"port": 80, "protocol": "TCP"}]},
    }
    cluster = parse_stack(CLUSTER, []).cluster
    alone = evaluate(stack_from_manifests([manifest], cluster, (UnknownValueError,)))
    assert alone.findings == []
    assert stack_from_manifests([manifest], cluster, (UnknownValueError,), pending_ids=False).services == []
