"""`preview --live`: the same live reads as `doctor` (`cli.doctor.read_stack_and_live`), the offline plan
run over the live cluster's facts, and doctor's findings joined to the plan's (`live.preview_live`).
Nothing of the live clients is loaded unless --live is given."""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .doctor_parser import CLUSTER_ID_KEY

if TYPE_CHECKING:
    from ..live.reads import LiveReads
    from ..offline.plan import PlanResult
    from ..rules.config import ParsedStack


def add_arguments(preview: argparse.ArgumentParser) -> None:
    preview.add_argument(
        "--live",
        action="store_true",
        help="read the cluster, its ELBs and the Services, Ingresses and listeners on them (as doctor "
        "does) and plan over those facts",
    )
    preview.add_argument(
        "--kubeconfig", type=Path, default=None, help="with --live: kubeconfig file (default: KUBECONFIG)"
    )
    preview.add_argument(
        "--cluster-id",
        default=None,
        help=f"with --live: CCE cluster id (default: stack config {CLUSTER_ID_KEY}, else the cluster's name)",
    )


@dataclass
class LivePreview:
    stack: ParsedStack
    reads: LiveReads
    cluster: dict[str, Any] | None  # the `cluster` object the program reads, live facts in place


def read(args: argparse.Namespace) -> LivePreview | int:
    """The live reads for the stack `args` name, or the exit code of a refusal (printed)."""
    from ..live.preview_live import live_cluster_config
    from ..rules.stackconfig import StackFileError, existing_stack_file, load_project, load_stack_config
    from .doctor import read_stack_and_live

    stack_name = args.stack or "dev"
    found = read_stack_and_live(args, stack_name)
    if isinstance(found, int):
        return found
    stack, reads = found
    try:
        project = load_project(args.project)
        config = load_stack_config(project, existing_stack_file(project, stack_name), stack_name)
    except StackFileError:  # read a moment ago; a file that changed since is planned as declared
        return LivePreview(stack, reads, None)
    declared = config.object(f"{project.name}:cluster")
    return LivePreview(stack, reads, live_cluster_config(declared, reads.cluster))


def apply(result: PlanResult, live: LivePreview) -> None:
    """The plan's findings joined with doctor's over the same reads, in place."""
    from ..core.diagnostics import sort_key
    from ..live.preview_live import live_plan_findings

    result.diagnostics = sorted(live_plan_findings(live.stack, live.reads, result.diagnostics), key=sort_key)


def facts_text(live: LivePreview) -> str:
    from .doctor import facts_lines

    return "".join(f"live: {line}\n" for line in facts_lines(live.reads))


def with_facts(plan_json: str, live: LivePreview) -> str:
    """The plan's JSON object with the live facts under `live`."""
    from .doctor import facts_json

    payload = json.loads(plan_json)
    payload["live"] = facts_json(live.reads)
    return json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False)
