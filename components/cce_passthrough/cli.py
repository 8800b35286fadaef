"""`cce-passthrough`: offline preview, the rule catalogue, and the state backend helpers."""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import cast

from .backend import add_backend_parser, run_backend
from .catalogue import CATALOGUE
from .offline.engine import PlanResult
from .offline.stackconfig import StackFileError

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse exits 2 on bad flags, which is our "could not run" code too; keep its one-line message.
        self.print_usage(sys.stderr)
        self.exit(EXIT_UNUSABLE, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cce-passthrough", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    preview = sub.add_parser("preview", help="preview a stack offline: plan, diagnostics, outputs")
    source = preview.add_mutually_exclusive_group()
    source.add_argument("--stack", default=None, help="stack name: stacks/Pulumi.<NAME>.yaml (default: dev)")
    source.add_argument("--config", type=Path, default=None, help="any stack file")
    preview.add_argument("--project", type=Path, default=Path(), help="directory of Pulumi.yaml (default: .)")
    preview.add_argument("--json", action="store_true", help="print one JSON object instead of the tree")

    sub.add_parser("rules", help="list every rule: code, severity, summary")
    explain = sub.add_parser("explain", help="what a rule checks, why, how to fix it, and its source")
    explain.add_argument("code", help="a rule code, e.g. PT302")
    add_backend_parser(cast("argparse._SubParsersAction[argparse.ArgumentParser]", sub))
    return parser


def _plan_json(result: PlanResult) -> str:
    payload = {
        "project": result.project,
        "stack": result.stack,
        "ok": result.ok,
        "resources": [
            {
                "urn": r.urn,
                "type": r.type,
                "name": r.name,
                "parent": r.parent,
                "dependencies": r.dependencies,
                "protect": r.protect,
                "replaceOnChanges": r.replace_on_changes,
                "inputs": r.inputs,
            }
            for r in result.resources
        ],
        "diagnostics": [d.to_dict() for d in result.diagnostics],
        "outputs": result.outputs,
    }
    return json.dumps(payload, indent=2, sort_keys=True)


def _colour() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _run_preview(args: argparse.Namespace) -> int:
    from .offline.preview import preview
    from .offline.tree import render_tree

    try:
        result = preview(args.project, stack=args.stack, config_file=args.config)
    except StackFileError as exc:
        print(f"cce-passthrough: error: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    print(
        _plan_json(result) if args.json else render_tree(result, colour=_colour()),
        end="" if not args.json else "\n",
    )
    return EXIT_OK if result.ok else EXIT_FINDINGS


def _run_rules() -> int:
    for rule in CATALOGUE.values():
        if not rule.retired:
            print(f"{rule.code}  {rule.severity.value:<7}  {rule.summary}")
    return EXIT_OK


def _run_explain(code: str) -> int:
    rule = CATALOGUE.get(code.upper())
    if rule is None:
        print(
            f"cce-passthrough: error: no rule {code!r}; `cce-passthrough rules` lists them", file=sys.stderr
        )
        return EXIT_UNUSABLE
    print(f"{rule.code} ({rule.severity.value}): {rule.summary}\n")
    print(f"Why: {rule.rationale}\n")
    print(f"Fix: {rule.fix}\n")
    print(f"Source: {rule.source}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    # pulumi-huaweicloud 0.0.12 imports pkg_resources; its deprecation notice is not ours to print.
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
    args = _parser().parse_args(argv)
    if args.command == "preview":
        return _run_preview(args)
    if args.command == "rules":
        return _run_rules()
    if args.command == "backend":
        return run_backend(args)
    return _run_explain(args.code)


if __name__ == "__main__":
    sys.exit(main())
