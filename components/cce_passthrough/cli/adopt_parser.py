"""The `adopt` subcommand's arguments, apart from the command itself: building the parser for `--help`
or `rules` loads nothing of the live clients or the offline engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def add_parser(sub: Any) -> None:
    adopt_parser = sub.add_parser(
        "adopt",
        help="bring an existing Service and Deployment into a stack without a new ELB or IP",
    )
    adopt_parser.add_argument(
        "--namespace", default="default", help="namespace of the Service (default: default)"
    )
    adopt_parser.add_argument("--service", required=True, help="name of the Service (and of its Deployment)")
    adopt_parser.add_argument(
        "--stack", default="dev", help="stack name: stacks/Pulumi.<NAME>.yaml (default: dev)"
    )
    adopt_parser.add_argument(
        "--project", type=Path, default=Path(), help="directory of Pulumi.yaml (default: .)"
    )
    adopt_parser.add_argument(
        "--kubeconfig", type=Path, default=None, help="kubeconfig file (default: KUBECONFIG)"
    )
    adopt_parser.add_argument(
        "--import-file",
        type=Path,
        default=None,
        help="also write the `pulumi import --file` document to FILE (new file)",
    )
    adopt_parser.add_argument(
        "--write", action="store_true", help="add the entry to the stack file (comments and key order kept)"
    )
    adopt_parser.add_argument("--json", action="store_true", help="print one JSON object")
