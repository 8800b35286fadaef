"""Pulumi DIY state backend on Huawei OBS (S3-compatible): ``cce-passthrough backend ...``.

``url`` and ``state`` are pure; ``s3`` does the boto3 I/O. boto3 (the ``backend`` extra) is
imported only when a subcommand that talks to S3 runs, so importing this package, building the
parser and ``backend url`` work without it.
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
