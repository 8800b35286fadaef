"""A stack's config for live commands: plain values read from the stack file as `preview` reads them,
`secure:` values decrypted by the Pulumi CLI (`pulumi config get KEY --stack NAME`), the one tool that
holds the stack's secrets provider. A decrypted value lives in memory only: never printed, logged or
written.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..rules.stackconfig import StackConfig, load_project, load_stack_config
from ..rules.stackfile import StackFileError
from .errors import Failure, LiveError

_CLI_TIMEOUT = 60.0
Runner = Callable[..., "subprocess.CompletedProcess[str]"]


def _config_error(operation: str, detail: str) -> LiveError:
    return LiveError(Failure.CONFIG, "pulumi", operation, detail)


class StackSecrets:
    """The stack's config as the Pulumi CLI hands it to a program (`rules.stackconfig`: the same reader,
    limits and findings as `preview`), and its `secure:` values decrypted on request. Keys are
    `namespace:key` names (`cce-passthrough:kubeconfig`)."""

    def __init__(
        self,
        project_dir: Path,
        stack: str,
        *,
        runner: Runner = subprocess.run,
        pulumi: str | None = None,
        config: StackConfig | None = None,
    ) -> None:
        """`config`: the stack's config when the caller has read it already."""
        self.project_dir = project_dir
        self.stack = stack
        self._runner = runner
        self._pulumi = pulumi
        self.config = config if config is not None else self._load()
        self._decrypted: dict[str, str | None] = {}

    def _load(self) -> StackConfig:
        try:
            project = load_project(self.project_dir, needs_program=False)
            config = load_stack_config(project, project.stack_file(self.stack), self.stack)
        except StackFileError as exc:
            raise _config_error("read the stack", exc.diagnostic.message) from None
        if config.findings:
            raise _config_error("read the stack", config.findings[0].message)
        return config

    def has(self, key: str) -> bool:
        return key in self.config.values

    def is_secret(self, key: str) -> bool:
        return key in self.config.secret_keys

    def value(self, key: str) -> str | None:
        """A plain value as a string (JSON for structured values); None when unset or secure."""
        return None if self.is_secret(key) else self.config.values.get(key)

    def object(self, key: str) -> Any:
        """A plain value as the program's `get_object` reads it; None when unset, secure or not JSON."""
        return None if self.is_secret(key) else self.config.object(key)

    def secret(self, key: str) -> str | None:
        """The decrypted value of a `secure:` key (a plain value is returned as is); None when unset."""
        if not self.is_secret(key):
            return self.value(key)
        if key not in self._decrypted:
            self._decrypted[key] = self._decrypt(key)
        return self._decrypted[key]

    def _decrypt(self, key: str) -> str:
        operation = f"decrypt {key} of stack {self.stack}"
        pulumi = self._pulumi or shutil.which("pulumi")
        if not pulumi:
            raise _config_error(
                operation,
                "the value is secret and the Pulumi CLI is not installed; install it and log in, or "
                "give the value through the environment instead",
            )
        try:
            done = self._runner(
                [pulumi, "config", "get", key, "--stack", self.stack, "--cwd", str(self.project_dir)],
                capture_output=True,
                text=True,
                timeout=_CLI_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise _config_error(
                operation, f"`pulumi config get` did not finish in {_CLI_TIMEOUT:.0f} s"
            ) from None
        except OSError as exc:
            raise _config_error(operation, f"cannot run pulumi: {exc.strerror or exc}") from None
        if done.returncode != 0:
            # stderr of the CLI says why (not logged in, wrong passphrase); it never holds the value
            reason = (done.stderr or "").strip().splitlines()
            raise _config_error(operation, reason[-1] if reason else f"pulumi exited {done.returncode}")
        value = done.stdout
        return value[:-1] if value.endswith("\n") else value
