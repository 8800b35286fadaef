"""Pulumi DIY state backend on Huawei OBS (S3-compatible): ``cce-passthrough backend ...``.

Imports nothing else of cce_passthrough. Pure (no botocore, no network): ``url`` (targets and
login URLs), ``layout`` (object keys), ``state`` (object contents), ``posture`` (bucket
settings and bootstrap's decisions), ``protocol`` (time bounds, the shape of S3 answers),
``output`` (escaping, redaction), ``report`` (the text printed), ``interrupt`` (Ctrl-C).
Requests: ``connection`` (session, client, errors), ``bucket`` (bootstrap), ``objects`` (state
listing, versions, restore). ``cli`` wires them to argparse. botocore (the ``backend`` extra)
is imported only when a subcommand that talks to S3 runs, so importing this package, building
the parser and ``backend url`` work without it.
"""

from __future__ import annotations

from .cli import add_backend_parser, run_backend
from .state import StackSummary, StateReport
from .url import BackendConfigError, BackendError, BackendTarget, login_url, make_target, parse_login_url

__all__ = [
    "BackendConfigError",
    "BackendError",
    "BackendTarget",
    "StackSummary",
    "StateReport",
    "add_backend_parser",
    "login_url",
    "make_target",
    "parse_login_url",
    "run_backend",
]
