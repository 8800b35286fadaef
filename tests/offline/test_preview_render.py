"""`preview --render DIR`: kubectl-ready YAML, one file per object, schema-checked (issue 4, item 2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from cce_passthrough.cli.main import main
from cce_passthrough.core.versions import CceVersion
from cce_passthrough.offline import manifest_files
from cce_passthrough.offline import preview as preview_module
from cce_passthrough.offline.manifest_files import MARKER, SUMMARY, ManifestFilesError, write_manifests
from cce_passthrough.offline.manifests import validate
from cce_passthrough.offline.plan import COMPUTED, PlanResult
from cce_passthrough.offline.render_dir import MANIFEST
from helpers import ROOT, STACKS, planned, service, write_stack

CLUSTER_VERSIONS = {"dev": "v1.28", "prod": "v1.30.1-r0", "staging": "v1.29.4-r0"}


def render_stack(stack: str, directory: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["preview", "--project", str(ROOT), "--stack", stack, "--render", str(directory)]) == 0
    return capsys.readouterr().out


def objects(directory: Path) -> dict[str, dict[str, Any]]:
    return {
        p.name: yaml.safe_load(p.read_text()) for p in sorted(directory.glob("*.yaml")) if p.name != SUMMARY
    }


@pytest.mark.parametrize("stack", STACKS)
def test_every_rendered_object_passes_the_schema_of_the_cluster_version(
    stack: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = render_stack(stack, tmp_path, capsys)
    rendered = objects(tmp_path)
    config = yaml.safe_load((ROOT / "stacks" / f"Pulumi.{stack}.yaml").read_text())["config"]
    services = config["cce-passthrough:services"]
    # a Deployment and a Service each, and the namespaces the stack creates
    namespaces = (
        {s["namespace"] for s in services} if config.get("cce-passthrough:createNamespaces") else set()
    )
    expected = 2 * len(services) + len(namespaces - {"default"})
    assert len(rendered) == expected
    assert f"Rendered {expected} Kubernetes objects to {tmp_path}" in out
    for name, manifest in rendered.items():
        assert (tmp_path / name).read_text().startswith(MARKER)
        assert list(manifest)[:3] == ["apiVersion", "kind", "metadata"]
        validate(manifest, CceVersion.parse(CLUSTER_VERSIONS[stack]))


def test_file_names_are_numbered_namespace_kind_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    render_stack("staging", tmp_path, capsys)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        MANIFEST,
        "01-namespace-staging.yaml",  # first: kubectl applies the files in name order
        "02-staging-deployment-api.yaml",
        "03-staging-service-api.yaml",
        "04-staging-deployment-web.yaml",
        "05-staging-service-web.yaml",
        SUMMARY,
    ]


def test_integers_are_integers_in_the_yaml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    render_stack("prod", tmp_path, capsys)
    deployment = (tmp_path / "02-prod-deployment-shop.yaml").read_text()
    service_ = (tmp_path / "03-prod-service-shop.yaml").read_text()
    assert "replicas: 4\n" in deployment and "containerPort: 8080\n" in deployment
    assert "port: 443\n" in service_ and "targetPort: 8443\n" in service_
    # strings that look like other types stay strings
    assert "kubernetes.io/elb.pass-through: 'true'\n" in service_
    assert "cpu: '1'\n" in deployment


def test_a_value_known_only_after_up_is_a_placeholder_named_in_the_header(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = render_stack("prod", tmp_path, capsys)
    text = (tmp_path / "03-prod-service-shop.yaml").read_text()
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert "#   metadata.annotations.kubernetes.io/elb.id" in header
    assert yaml.safe_load(text)["metadata"]["annotations"]["kubernetes.io/elb.id"] == COMPUTED
    assert "03-prod-service-shop.yaml: metadata.annotations.kubernetes.io/elb.id known only after" in out
    assert not any(
        line.startswith("# known only") for line in (tmp_path / "02-prod-deployment-shop.yaml").open()
    )


def test_the_huaweicloud_summary_lists_elb_eip_and_bandwidth_with_inputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    render_stack("prod", tmp_path, capsys)
    summary = yaml.safe_load((tmp_path / SUMMARY).read_text())["resources"]
    by_name = {r["name"]: r for r in summary}
    assert set(by_name) == {"shop-elb", "shop-eip", "shop-bandwidth"}
    assert by_name["shop-elb"]["type"] == "huaweicloud:Elb/loadbalancer:Loadbalancer"
    assert by_name["shop-elb"]["inputs"] == {
        "name": "prod-shop",
        "vipSubnetId": "5c1e0f7a-9d2b-4e83-a6f4-0b7c3d2e1f90",
    }
    assert by_name["shop-bandwidth"]["inputs"]["size"] == 100
    assert by_name["shop-eip"]["inputs"]["publicip"] == {"portId": COMPUTED, "type": "5_bgp"}
    assert all(r["protect"] is True for r in summary)


def test_a_stack_without_huaweicloud_resources_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    render_stack("dev", tmp_path, capsys)
    text = (tmp_path / SUMMARY).read_text()
    assert yaml.safe_load(text) == {"resources": []}
    assert "# None: CCE creates" in text


def test_rendering_twice_gives_the_same_bytes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    render_stack("staging", tmp_path / "a", capsys)
    render_stack("staging", tmp_path / "b", capsys)
    for path in (tmp_path / "a").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes()


@pytest.mark.parametrize("stack", STACKS)
def test_pyyaml_without_libyaml_renders_the_same_bytes(
    stack: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The files are written with libyaml's emitter where PyYAML has it (five times faster) and with
    PyYAML's own otherwise: a directory rendered on either machine holds the same bytes."""
    assert manifest_files._DUMPER is yaml.CSafeDumper
    render_stack(stack, tmp_path / "libyaml", capsys)
    monkeypatch.setattr(manifest_files, "_DUMPER", yaml.SafeDumper)
    render_stack(stack, tmp_path / "pure", capsys)
    names = sorted(p.name for p in (tmp_path / "libyaml").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "pure").iterdir())
    for name in names:
        assert (tmp_path / "libyaml" / name).read_bytes() == (tmp_path / "pure" / name).read_bytes()


def test_lists_sit_at_their_keys_indent_as_kubectl_prints_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    render_stack("prod", tmp_path, capsys)
    deployment = (tmp_path / "02-prod-deployment-shop.yaml").read_text()
    assert "\n    spec:\n      containers:\n      - " in deployment


def test_a_new_render_replaces_the_old_one_and_keeps_other_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "kustomization.yaml").write_text("resources: []\n")
    render_stack("staging", tmp_path, capsys)
    render_stack("dev", tmp_path, capsys)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        MANIFEST,
        "01-default-deployment-nginx.yaml",
        "02-default-service-nginx.yaml",
        SUMMARY,
        "kustomization.yaml",
    ]


def test_with_json_stdout_stays_one_object(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["preview", "--project", str(ROOT), "--stack", "dev", "--json", "--render", str(tmp_path)]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["ok"] is True
    assert "Rendered 2 Kubernetes objects" in captured.err


def test_a_stack_with_errors_renders_nothing_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = write_stack(tmp_path, {"version": "v1.28", "flavor": "standard"}, [service("a", replica=2)])
    out_dir = tmp_path / "out"
    assert main(["preview", "--project", str(ROOT), "--config", str(stack), "--render", str(out_dir)]) == 1
    assert "nothing rendered" in capsys.readouterr().err
    assert not out_dir.exists()


def bad_plan() -> PlanResult:
    result = PlanResult("cce-passthrough", "bad", True, declared_cluster={"version": "v1.28"})
    deployment = planned(
        "kubernetes:apps/v1:Deployment",
        "web",
        {"metadata": {"name": "web"}, "spec": {"replicas": "two", "selector": {}, "template": {}}},
        stack="bad",
    )
    result.resources.append(deployment)
    return result


def test_an_object_that_fails_the_schema_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(
        ManifestFilesError, match=r"kubernetes:apps/v1:Deployment web: Deployment spec\.replicas"
    ):
        write_manifests(bad_plan(), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_an_object_that_fails_the_schema_exits_1_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(preview_module, "preview", lambda *args, **kwargs: bad_plan())
    assert main(["preview", "--project", str(ROOT), "--render", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "1 object(s) fail the Kubernetes 1.28.0 schema, nothing written" in err
    assert "spec.replicas" in err and "Traceback" not in err


def test_a_directory_that_cannot_be_written_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    argv = ["preview", "--project", str(ROOT), "--stack", "dev", "--render", str(blocker / "out")]
    assert main(argv) == 2
    assert "cannot write" in capsys.readouterr().err
