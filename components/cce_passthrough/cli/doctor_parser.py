"""The `doctor` subcommand's arguments, apart from the command: building the parser (for `--help`,
`rules`, any command) loads none of the live reads or the typed model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

# Stack config key of the CCE cluster id, read by `doctor` when --cluster-id is not given.
CLUSTER_ID_KEY = "cce-passthrough:clusterId"


def add_parser(sub: Any) -> None:
    doctor = sub.add_parser(
        "doctor", help="check a stack against the live cluster, its ELBs and the Services already on them"
    )
    doctor.add_argument("--stack", default="dev", help="stack name: stacks/Pulumi.<NAME>.yaml (default: dev)")
    doctor.add_argument("--project", type=Path, default=Path(), help="directory of Pulumi.yaml (default: .)")
    doctor.add_argument("--kubeconfig", type=Path, default=None, help="kubeconfig file (default: KUBECONFIG)")
    doctor.add_argument(
        "--cluster-id",
        default=None,
        help=f"CCE cluster id (default: stack config {CLUSTER_ID_KEY}, else the cluster named in the stack)",
    )
    doctor.add_argument("--json", action="store_true", help="print one JSON object")
