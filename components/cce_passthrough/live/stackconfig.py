"""A stack's config for live commands: plain values straight from the stack file, `secure:` values
decrypted by the Pulumi CLI (`pulumi config get KEY --stack NAME`), the one tool that holds the
stack's secrets provider. A decrypted value lives in memory only: never printed, logged or written.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

from .errors import Failure, LiveError

_CLI_TIMEOUT = 60.0
Runner = Callable[..., "subprocess.CompletedProcess[str]"]


def _config_error(operation: str, detail: str) -> LiveError:
    return LiveError(Failure.CONFIG, "pulumi", operation, detail)


class StackConfig:
    """`value(key)` and `secret(key)` for `namespace:key` names (`cce-passthrough:kubeconfig`)."""

    def __init__(
        self,
        project_dir: Path,
        stack: str,
        *,
        runner: Runner = subprocess.run,
        pulumi: str | None = None,
    ) -> None:
        self.project_dir = project_dir
        self.stack = stack
        self._runner = runner
        self._pulumi = pulumi
        self._config, self._project = self._load()
        self._decrypted: dict[str, str | None] = {}

    def _load(self) -> tuple[Mapping[str, Any], str]:
        project_file = self.project_dir / "Pulumi.yaml"
        try:
            project = yaml.safe_load(project_file.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            raise _config_error("read the project", f"cannot read {project_file}") from None
        if not isinstance(project, Mapping):
            raise _config_error("read the project", f"{project_file} is not a mapping")
        name = str(project.get("name") or "")
        config_dir = self.project_dir / str(project.get("stackConfigDir") or ".")
        stack_file = config_dir / f"Pulumi.{self.stack}.yaml"
        try:
            data = yaml.safe_load(stack_file.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            raise _config_error("read the stack", f"cannot read {stack_file}") from None
        config = data.get("config") if isinstance(data, Mapping) else None
        if not isinstance(config, Mapping):
            config = {}
        qualified = {(k if ":" in str(k) else f"{name}:{k}"): v for k, v in config.items()}
        return qualified, name

    def raw(self, key: str) -> Any:
        return self._config.get(key)

    def value(self, key: str) -> str | None:
        """A plain value as a string (JSON for structured values); None when unset or secure."""
        raw = self._config.get(key)
        if raw is None or (isinstance(raw, Mapping) and set(raw) == {"secure"}):
            return None
        return raw if isinstance(raw, str) else json.dumps(raw)

    def object(self, key: str) -> Any:
        raw = self._config.get(key)
        return None if isinstance(raw, Mapping) and set(raw) == {"secure"} else raw

    def is_secret(self, key: str) -> bool:
        raw = self._config.get(key)
        return isinstance(raw, Mapping) and set(raw) == {"secure"}

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
