"""The component as another stack uses it: `from cce_passthrough import PassThroughService`."""

from __future__ import annotations

from pathlib import Path

import pytest

from cce_passthrough.core.diagnostics import errors
from cce_passthrough.offline.engine import OfflineMocks, run_program
from helpers import FixtureInvokes

PROGRAM = """
import pulumi
from cce_passthrough import PassThroughService

app = PassThroughService(
    "web",
    args={
        "cluster": {"version": "v1.28", "flavor": "standard", "kube_proxy_mode": "iptables"},
        "image": "nginx:1.27",
        "replicas": 3,
        "ports": [{"name": "http", "port": 80, "target_port": 8080}],
        "external_traffic_policy": "Local",
        "elb": {"class": "shared", "autocreate": {"type": "inner", "name": "web-elb"}},
    },
)
pulumi.export("annotations", app.annotations)
pulumi.export("service_name", app.service_name)
"""

BROKEN = """
from cce_passthrough import PassThroughService

PassThroughService(
    "Web_App",
    args={
        "cluster": {"version": "v1.15", "flavor": "standard", "kube_proxy_mode": "iptables"},
        "image": "nginx",
        "ports": [{"port": 70000}],
        "elb": {"class": "dedicated", "autocreate": {"type": "public", "bandwidth_size": 350.5}},
    },
)
"""


def _run(tmp_path: Path, source: str, preview: bool = True):  # type: ignore[no-untyped-def]
    main = tmp_path / "__main__.py"
    main.write_text(source)
    mocks = OfflineMocks(FixtureInvokes(), preview=preview)
    return run_program(main, "consumer", "dev", {}, [], mocks, preview)


@pytest.mark.parametrize("preview", [True, False], ids=["preview", "update"])
def test_snake_case_args_build_the_same_annotations(tmp_path: Path, preview: bool) -> None:
    result = _run(tmp_path, PROGRAM, preview)
    assert result.ok, [d.render() for d in result.diagnostics]
    assert result.outputs["annotations"] == {
        "kubernetes.io/elb.class": "union",
        "kubernetes.io/elb.autocreate": '{"type":"inner","name":"web-elb"}',
        "kubernetes.io/elb.pass-through": "onlyLocal",
    }
    assert result.outputs["service_name"] == "web"
    component = result.resource("web")
    assert component.type == "cce-passthrough:index:PassThroughService"
    deployment = result.resource("web-deployment")
    assert deployment.parent == component.urn
    assert deployment.inputs["spec"]["template"]["spec"]["containers"][0]["ports"] == [
        {"containerPort": 8080, "name": "http", "protocol": "TCP"}
    ]


def test_every_error_is_reported_at_once_before_any_child(tmp_path: Path) -> None:
    result = _run(tmp_path, BROKEN)
    assert not result.ok
    codes = {d.code for d in result.diagnostics}
    # bad name, port out of range, pass-through on v1.15, dedicated before v1.17,
    # float bandwidth, public without bandwidth fields, no AZ / L4 flavor for dedicated
    assert {"PT401", "PT101", "PT103", "PT203", "PT204", "PT207"} <= codes
    for finding in result.diagnostics:
        assert finding.fix and finding.field and finding.message
    assert not [r for r in result.resources if r.custom], "no child is declared"


HOST_NETWORK_PROGRAM = """
import pulumi
from cce_passthrough import PassThroughService

app = PassThroughService(
    "edge",
    args={
        "cluster": {"version": "v1.29", "flavor": "turbo", "kube_proxy_mode": "iptables"},
        "image": "envoyproxy/envoy:v1.31",
        "ports": [{"name": "http", "port": 8080}],
        "external_traffic_policy": "Local",
        "host_network": HOST_NETWORK,
        "elb": {"class": "dedicated", "autocreate": {"type": "inner", "available_zone": ["cn-north-4a"],
                                                      "l4_flavor_name": "L4_flavor.elb.s1.small"}},
    },
)
pulumi.export("annotations", app.annotations)
"""


def test_host_network_pods_are_announced_to_cce(tmp_path: Path) -> None:
    result = _run(tmp_path, HOST_NETWORK_PROGRAM.replace("HOST_NETWORK", "True"))
    assert result.ok, [d.render() for d in result.diagnostics]
    assert result.outputs["annotations"]["kubernetes.io/hws-hostNetwork"] == "true"
    pod = result.resource("edge-deployment").inputs["spec"]["template"]["spec"]
    assert pod["hostNetwork"] is True
    # Turbo with Local needs host-network pods (PT105): without them the same service is refused
    refused = _run(tmp_path, HOST_NETWORK_PROGRAM.replace("HOST_NETWORK", "False"))
    assert [d.code for d in refused.diagnostics if d.severity.value == "error"] == ["PT105"]


# Found by fuzzing the component's args (tests/wiring/test_fuzz_component_args.py): each was an exception
# other than ConstraintViolation, or a secret in a finding.
ARGS_WITH = """
import pulumi
from cce_passthrough import PassThroughService

PassThroughService(
    NAME,
    args={
        "cluster": {"version": "v1.28", "flavor": "standard", "kube_proxy_mode": "iptables"},
        "image": "nginx:1.27",
        "ports": [{"name": "http", "port": 80}],
        "elb": {"class": "shared", "existing": EXISTING},
    },
)
"""


def _with(name: str, existing: str) -> str:
    return ARGS_WITH.replace("NAME", name).replace("EXISTING", existing)


def test_an_existing_elb_id_from_another_stack_next_to_a_misspelt_key_is_an_unknown_key(
    tmp_path: Path,
) -> None:
    source = _with(
        '"web"', '{"id": pulumi.Output.from_input("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"), "idd": "x"}'
    )
    result = _run(tmp_path, source)
    assert [(d.code, d.field) for d in errors(result.diagnostics)] == [("PT901", "elb.existing.idd")]


def test_a_secret_elb_id_that_is_not_a_uuid_is_refused_without_quoting_it(tmp_path: Path) -> None:
    result = _run(tmp_path, _with('"web"', '{"id": pulumi.Output.secret("my-elb-Secret-7f3a9c")}'))
    [finding] = errors(result.diagnostics)
    assert (finding.code, finding.field) == ("PT209", "elb.existing.id")
    assert "Secret-7f3a9c" not in finding.message and "a secret value" in finding.message


def test_an_empty_component_name_is_a_service_name_finding(tmp_path: Path) -> None:
    result = _run(tmp_path, _with('""', '{"id": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"}'))
    assert [(d.code, d.field) for d in errors(result.diagnostics)] == [("PT401", "name")]
    assert not result.resources or not [r for r in result.resources if r.custom]


def test_an_empty_key_among_the_args_is_named_in_the_finding(tmp_path: Path) -> None:
    result = _run(tmp_path, _with('"web"', '{"id": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "": 1}'))
    assert [(d.code, d.field) for d in errors(result.diagnostics)] == [("PT901", 'elb.existing[""]')]


HOLDS_NO_CONFIG = """
import gc

import pulumi
from cce_passthrough import PassThroughService
from cce_passthrough.core.model import ServiceConfig

PassThroughService(
    "web",
    args={
        "cluster": {"version": "v1.28", "flavor": "standard", "kube_proxy_mode": "iptables"},
        "image": "nginx:1.27",
        "ports": [{"name": "http", "port": 80, "target_port": 8080}],
        "elb": {"class": "shared", "autocreate": {"type": "inner", "name": "web-elb"}},
    },
)
gc.collect()
pulumi.export("configs_alive", sum(isinstance(o, ServiceConfig) for o in gc.get_objects()))
"""


def test_a_declared_component_keeps_no_parsed_config_while_its_outputs_wait(tmp_path: Path) -> None:
    """The outputs wait for the Service's registration; what they need of the parsed config is copied out,
    so that a stack's thousands of parsed services are freed before the registrations run (bench/)."""
    result = _run(tmp_path, HOLDS_NO_CONFIG)
    assert result.ok, [d.render() for d in result.diagnostics]
    assert result.outputs["configs_alive"] == 0
