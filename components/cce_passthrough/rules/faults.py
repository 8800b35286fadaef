"""Faults of what runs around the rules at preview: each a coded finding, never a traceback, and the plan
still printed."""

from __future__ import annotations

from ..core.diagnostics import Diagnostic, shown
from ..core.text import printable
from .catalogue import rule


def policy_pack_failed(exc: BaseException) -> Diagnostic:
    """PT913: the policy pack raised instead of judging the plan."""
    return rule("PT913").finding(
        None,
        "--policy-pack",
        f"the policy pack could not run over the plan: {type(exc).__name__}: {shown(str(exc), 300)}; its "
        "policies were not checked.",
        "Run `pulumi preview --policy-pack ./policy` to see the pack's own error, or report it with this message.",
    )


def render_refused(directory: str, message: str, fix: str) -> Diagnostic:
    """PT912: `--render DIR` cannot be written safely; nothing was written."""
    return rule("PT912").finding(None, "--render", f"{printable(directory)}: {printable(message)}", fix)
