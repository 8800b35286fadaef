"""Credentials in the stack file: the cloud keys and the kubeconfig are read only from secret config (or
the environment), never from a plain-text value that anyone reading the file, or its history, can use."""

from __future__ import annotations

from collections.abc import Mapping

from ...core.diagnostics import Diagnostic
from ..catalogue import rule

ACCESS_KEY = "huaweicloud:accessKey"
SECRET_KEY = "huaweicloud:secretKey"
KUBECONFIG = "cce-passthrough:kubeconfig"
CREDENTIAL_KEYS = (ACCESS_KEY, SECRET_KEY, KUBECONFIG)

_WHAT = {
    ACCESS_KEY: "the Huawei Cloud access key",
    SECRET_KEY: "the Huawei Cloud secret key",
    KUBECONFIG: "the kubeconfig (its certificates and tokens)",
}
_FROM = {
    ACCESS_KEY: '"$HW_ACCESS_KEY"',
    SECRET_KEY: '"$HW_SECRET_KEY"',
    KUBECONFIG: '"$(cat ~/.kube/config)"',
}


def _is_kubeconfig_path(value: str) -> bool:
    """pulumi-kubernetes takes a kubeconfig's contents or the path of one; a path is not a credential."""
    text = value.strip()
    return "\n" not in text and not text.startswith(("{", "apiVersion"))


def plain_text_credentials(values: Mapping[str, tuple[str | None, bool]]) -> list[Diagnostic]:
    """`values`: config key -> (its value or None, whether it is a secret). The value is never quoted."""
    findings: list[Diagnostic] = []
    for key in CREDENTIAL_KEYS:
        value, secret = values.get(key, (None, False))
        if value is None or secret or not value.strip():
            continue
        if key == KUBECONFIG and _is_kubeconfig_path(value):
            continue
        findings.append(
            rule("PT932").finding(
                None,
                # keys of the project's own namespace are named bare, as `services` and `cluster` are
                key.removeprefix("cce-passthrough:"),
                f"{key} holds {_WHAT[key]} in plain text: the stack file hands it to anyone who reads the file "
                "or its history.",
                f"Run `pulumi config set --secret {key} {_FROM[key]}`, which replaces the plain value with an "
                "encrypted one (or delete the line and use the environment), and rotate the credential if "
                "the file was ever shared.",
            )
        )
    return findings
