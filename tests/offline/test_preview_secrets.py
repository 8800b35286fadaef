"""Secrets: a value from secret config (kubeconfig, access keys) or made secret by the program shows as
`[secret]` in the tree, the JSON and the rendered files, never as itself (issue 4, item 4)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
import yaml

from cce_passthrough.cli.main import _plan_json, main
from cce_passthrough.cli.tree import tree_text
from cce_passthrough.core.secrets import SECRET
from cce_passthrough.offline.manifest_files import write_manifests
from cce_passthrough.offline.plan import PlanResult
from cce_passthrough.offline.preview import preview
from helpers import ROOT

CANARY_KUBECONFIG = "canary-kubeconfig-7f3a9c"
CANARY_ACCESS_KEY = "canary-access-key-51d0e2"
CANARY_SECRET_KEY = "canary-secret-key-9b8e41"
CIPHER = "v1:canaryCipherText0c4f=="
CANARIES = (CANARY_KUBECONFIG, CANARY_ACCESS_KEY, CANARY_SECRET_KEY, CIPHER)


def canary_stack(tmp_path: Path) -> Path:
    """prod, plus config the program reads with `get_secret`: a kubeconfig path in plain text (a path is
    no credential, PT932 lets it be), and the keys as `secure:` values (in plain text they are PT932)."""
    data = yaml.safe_load((ROOT / "stacks" / "Pulumi.prod.yaml").read_text())
    data["config"]["cce-passthrough:kubeconfig"] = CANARY_KUBECONFIG
    data["config"]["huaweicloud:accessKey"] = {"secure": CANARY_ACCESS_KEY}
    data["config"]["huaweicloud:secretKey"] = {"secure": CIPHER}
    path = tmp_path / "Pulumi.canary.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def everything_written(capsys: pytest.CaptureFixture[str], directory: Path) -> str:
    captured = capsys.readouterr()
    files = "".join(p.read_text() for p in sorted(directory.rglob("*")) if p.is_file())
    return captured.out + captured.err + files


def test_the_canary_never_appears_in_tree_json_or_render(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = canary_stack(tmp_path)
    rendered = tmp_path / "rendered"
    base = ["preview", "--project", str(ROOT), "--config", str(stack)]
    assert main([*base]) == 0
    assert main([*base, "--json"]) == 0
    assert main([*base, "--render", str(rendered)]) == 0
    assert main([*base, "--json", "--render", str(rendered / "again")]) == 0
    written = everything_written(capsys, rendered)
    assert "Deployment" in written and "shop-service" in written  # the outputs were captured at all
    for canary in CANARIES:
        assert canary not in written


def test_provider_credentials_show_as_secret(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", "--project", str(ROOT), "--config", str(canary_stack(tmp_path)), "--json"]) == 0
    providers = {
        r["name"]: r["inputs"]
        for r in json.loads(capsys.readouterr().out)["resources"]
        if r["type"].startswith("pulumi:providers:")
    }
    assert providers["kubernetes"] == {"kubeconfig": SECRET}
    assert providers["huaweicloud"] == {
        "accessKey": SECRET,
        "region": "cn-north-4",
        "secretKey": SECRET,
    }


def outputs_of(result: PlanResult, directory: Path) -> str:
    write_manifests(result, directory)
    files = "".join(p.read_text() for p in sorted(directory.iterdir()))
    return _plan_json(result) + tree_text(result) + tree_text(result, colour=True) + files


def test_decrypted_secret_config_is_masked_everywhere(tmp_path: Path) -> None:
    """The values a caller that can decrypt `secure:` config hands in: secrets to the program too."""
    result = preview(
        ROOT,
        stack="prod",
        secrets={
            "cce-passthrough:kubeconfig": CANARY_KUBECONFIG,
            "huaweicloud:secretKey": CANARY_SECRET_KEY,
        },
    )
    assert result.ok
    assert result.resource("kubernetes").inputs == {"kubeconfig": SECRET}
    text = outputs_of(result, tmp_path / "rendered")
    assert CANARY_KUBECONFIG not in text and CANARY_SECRET_KEY not in text


PROGRAM = """
import pulumi
import pulumi_kubernetes as k8s

config = pulumi.Config()
token = config.get("token")  # a secret key read as plain text: the value is still masked
labels = {"app": "leaky"}
k8s.apps.v1.Deployment(
    "leaky",
    metadata={"name": "leaky", "annotations": {"example.com/auth": f"Bearer {token}"}},
    spec={
        "replicas": 1,
        "selector": {"matchLabels": labels},
        "template": {
            "metadata": {"labels": labels},
            "spec": {"containers": [{"name": "app", "image": "nginx", "env": [{"name": "TOKEN", "value": token}]}]},
        },
    },
)
k8s.core.v1.ConfigMap("made-secret", data={"key": pulumi.Output.secret("canary-made-in-program-3e1f")})
pulumi.export("token", config.require_secret("token"))
pulumi.export("nested", {"plain": "visible", "hidden": pulumi.Output.secret("canary-made-in-program-3e1f")})
"""


def test_secrets_the_program_reads_as_plain_text_or_makes_are_masked(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: leaky\nruntime: python\n")
    (project / "__main__.py").write_text(textwrap.dedent(PROGRAM))
    (project / "Pulumi.dev.yaml").write_text(
        'config:\n  leaky:cluster: {version: v1.28}\n  leaky:token: {secure: "v1:abc"}\n'
    )
    token = "canary-token-in-config-a8c2d7"
    result = preview(project, stack="dev", secrets={"leaky:token": token})
    assert result.ok, result.diagnostics
    deployment = result.resource("leaky").inputs
    assert deployment["metadata"]["annotations"]["example.com/auth"] == f"Bearer {SECRET}"
    assert deployment["spec"]["template"]["spec"]["containers"][0]["env"][0]["value"] == SECRET
    assert result.resource("made-secret").inputs["data"] == {"key": SECRET}
    assert result.outputs["token"] == SECRET
    text = outputs_of(result, tmp_path / "rendered")
    assert token not in text and "canary-made-in-program-3e1f" not in text
    # as `pulumi preview` shows it: an export holding a secret is secret as a whole
    assert result.outputs["nested"] == SECRET
