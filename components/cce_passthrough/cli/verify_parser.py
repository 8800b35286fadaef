"""The `verify` subcommand's arguments, apart from the command: building the parser (for `--help`,
`rules`, any command) loads none of the live clients."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..live.probe import DEFAULT_IMAGE


def add_verify_parser(sub: Any, stack_name: Any) -> None:
    verify = sub.add_parser(
        "verify",
        help="prove pass-through on the live cluster: probe the ELB from a pod, watch its Cloud Eye metrics",
        description="Probe each service's ELB address from a short-lived pod and watch the ELB's connection "
        "metrics in Cloud Eye: exit 0 pass-through confirmed, 1 traffic did not reach the ELB, 2 inconclusive.",
    )
    verify.add_argument(
        "--stack", required=True, type=stack_name, help="stack name: stacks/Pulumi.<NAME>.yaml"
    )
    verify.add_argument(
        "--service", action="append", default=[], metavar="S", help="only this service (repeatable)"
    )
    verify.add_argument(
        "--outputs", type=Path, metavar="FILE", help="`pulumi stack output --json` of the stack"
    )
    verify.add_argument(
        "--requests", type=_positive(1, 1000), default=10, metavar="N", help="requests of the probe (10)"
    )
    verify.add_argument(
        "--timeout", type=_positive(1, 3600), default=300, metavar="SECONDS", help="per service (300)"
    )
    verify.add_argument("--node", metavar="NODE", help="run the probe on this node")
    verify.add_argument(
        "--image", default=DEFAULT_IMAGE, help=f"probe image with sh and curl ({DEFAULT_IMAGE})"
    )
    verify.add_argument(
        "--kubeconfig", type=Path, metavar="FILE", help="kubeconfig (default: stack secret, KUBECONFIG)"
    )
    verify.add_argument(
        "--project", type=Path, default=Path(), metavar="DIR", help="directory of Pulumi.yaml (.)"
    )
    verify.add_argument(
        "--json", action="store_true", help="print one JSON object (progress stays on stderr)"
    )


def _positive(low: int, high: int) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is outside {low}-{high}")
        return value

    return parse
