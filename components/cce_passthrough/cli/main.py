"""`cce-passthrough`: offline preview, the rule catalogue, and the state backend helpers."""

from __future__ import annotations

import argparse
import atexit
import gc
import json
import os
import re
import sys
import traceback
import warnings
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

from ..core.text import json_printable, printable, printable_lines
from ..rules.stackfile import StackFileError
from . import preview_live
from .exits import EXIT_FINDINGS, EXIT_OK, EXIT_UNUSABLE
from .rule_commands import run_explain, run_rules

# The offline engine loads Pulumi and the provider SDKs (most of a second): `rules`, `explain`, `--help`
# and `backend` answer without them, so only the commands that plan import it, when they run.
if TYPE_CHECKING:
    from ..offline.analyze import PolicyFinding
    from ..offline.plan import PlanResult


TRACEBACK_VARIABLE = "CCE_PASSTHROUGH_TRACEBACK"
_TRUE = frozenset({"1", "true", "yes", "on"})
# Pulumi's own rule for a stack name (letters, digits, `-`, `_`, `.`); offline the name picks a file,
# so `org/project/stack` forms and anything that could climb out of the stack directory are refused.
_STACK_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}")
# Commands whose parser takes imports to build: unless it runs, name and summary, all `--help` reads.
DEFERRED_SUMMARIES = {
    "verify": "prove pass-through on the live cluster: probe the ELB from a pod, watch its Cloud Eye metrics",
    "backend": "Pulumi state backend on Huawei OBS (S3-compatible)",
}
# A command's imports (Pulumi, the provider SDKs, pydantic) create ~100,000 objects that live as long as
# the process: at CPython's default thresholds the collector walks them again and again as they come
# (~20 collections, one full, before a one-service preview runs). The preview's run: offline.preview.
_COMMAND_COLLECTOR_THRESHOLDS = (50_000, 20, 20)


def _wants_traceback() -> bool:
    return os.environ.get(TRACEBACK_VARIABLE, "").strip().lower() in _TRUE


def _stack_name(value: str) -> str:
    if not _STACK_NAME.fullmatch(value) or value in (".", ".."):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a stack name: use 1-100 letters, digits, '-', '_' or '.' (e.g. dev)"
        )
    return value


class _Version(argparse.Action):
    """`--version` (nargs=0), reading the installed version only when asked for."""

    def __call__(self, parser: argparse.ArgumentParser, *_: object, **__: object) -> None:
        from .. import __version__

        print(f"{parser.prog} {__version__}")  # on stdout, as argparse's own version action
        parser.exit()


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse exits 2 on bad flags, which is our "could not run" code too; keep its one-line message.
        self.print_usage(sys.stderr)
        self.exit(EXIT_UNUSABLE, f"{self.prog}: error: {message}\n")


def _command_of(argv: Sequence[str] | None) -> str | None:
    """The command argparse picks: the first argument that is not an option (none takes a value)."""
    arguments = sys.argv[1:] if argv is None else argv
    return next((argument for argument in arguments if not argument.startswith("-")), None)


def _parser(stubs: Collection[str] = ()) -> argparse.ArgumentParser:
    """The command line; those of DEFERRED_SUMMARIES in `stubs` cannot parse their own arguments."""
    parser = _Parser(prog="cce-passthrough", description=__doc__)
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    preview = sub.add_parser("preview", help="preview a stack offline: plan, diagnostics, outputs")
    source = preview.add_mutually_exclusive_group()
    source.add_argument(
        "--stack", type=_stack_name, default=None, help="stack name: stacks/Pulumi.<NAME>.yaml (default: dev)"
    )
    source.add_argument("--config", type=Path, default=None, help="any stack file")
    preview.add_argument("--project", type=Path, default=Path(), help="directory of Pulumi.yaml (default: .)")
    preview.add_argument("--json", action="store_true", help="print one JSON object instead of the tree")
    preview.add_argument(
        "--state", type=Path, help="the stack's previous state (pulumi stack export), to compare"
    )
    preview.add_argument(
        "--render",
        type=Path,
        default=None,
        metavar="DIR",
        help="also write every Kubernetes object to DIR as kubectl-ready YAML, schema-checked, "
        "and the Huawei Cloud resources to DIR/huaweicloud-resources.yaml",
    )
    preview.add_argument(
        "--policy-pack",
        action="store_true",
        help="also run the policy pack (policy/) over every planned resource, with the stack's cluster facts",
    )
    preview_live.add_arguments(preview)

    rules = sub.add_parser("rules", help="list every rule: code, severity, summary")
    rules_format = rules.add_mutually_exclusive_group()
    rules_format.add_argument("--json", action="store_true", help="every rule as one JSON array")
    rules_format.add_argument("--markdown", action="store_true", help="the rule reference, docs/rules.md")
    explain = sub.add_parser("explain", help="what a rule checks, why, how to fix it, and its source")
    explain.add_argument("code", help="a rule code, e.g. PT302")
    if "verify" in stubs:
        sub.add_parser("verify", help=DEFERRED_SUMMARIES["verify"])
    else:
        from .verify_parser import add_verify_parser

        add_verify_parser(sub, _stack_name)
    access = sub.add_parser(
        "access", help="who reaches a service's ELB address from where, and which way, per CCE's docs"
    )
    access.add_argument("service", help="a service of the stack, e.g. nginx")
    access_source = access.add_mutually_exclusive_group()
    access_source.add_argument(
        "--stack", type=_stack_name, default=None, help="stack name: stacks/Pulumi.<NAME>.yaml (default: dev)"
    )
    access_source.add_argument("--config", type=Path, default=None, help="any stack file")
    access.add_argument("--project", type=Path, default=Path(), help="directory of Pulumi.yaml (default: .)")
    access.add_argument("--json", action="store_true", help="the matrix and its sources as one JSON object")
    if "backend" in stubs:
        sub.add_parser("backend", help=DEFERRED_SUMMARIES["backend"])
    else:
        from ..backend import add_backend_parser

        add_backend_parser(cast("argparse._SubParsersAction[argparse.ArgumentParser]", sub))
    from .adopt_parser import add_parser as add_adopt_parser

    add_adopt_parser(sub)
    from .doctor_parser import add_parser as add_doctor_parser

    add_doctor_parser(sub)
    return parser


def _plan_json(result: PlanResult, policy: list[PolicyFinding] | None = None) -> str:
    """interface.md §4, plus each resource's action, options, provider and per-input dependencies, and
    each service's access matrix; resources parent first, keys sorted: two runs give the same bytes."""
    from .access import matrix_json

    payload = {
        "project": result.project,
        "stack": result.stack,
        "ok": result.ok,
        "resources": [
            {
                "urn": r.urn,
                "type": r.type,
                "name": r.name,
                "action": r.action,
                "custom": r.custom,
                "parent": r.parent,
                "provider": r.provider,
                "dependencies": r.dependencies,
                "propertyDependencies": r.property_dependencies,
                "protect": r.protect,
                "replaceOnChanges": r.replace_on_changes,
                "deleteBeforeReplace": r.delete_before_replace,
                "inputs": r.inputs,
            }
            for r in result.ordered()
        ],
        "diagnostics": [d.to_dict() for d in result.diagnostics],
        "outputs": result.outputs,
        "access": {name: matrix_json(matrix) for name, matrix in sorted(result.access.items())},
    }
    if policy is not None:
        from .policy_report import to_json

        payload["policy"] = to_json(policy)
    return json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False)


def _colour() -> bool:
    """On a terminal only, and never when NO_COLOR is set to anything (https://no-color.org)."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _render(result: PlanResult, directory: Path) -> tuple[int, str]:
    """(exit code, what to tell the user) for `--render DIR`."""
    from ..offline.manifest_files import SUMMARY, ManifestFilesError, NoSchemaError, write_manifests
    from ..offline.render_dir import RenderRefusedError

    if not result.ok:
        return EXIT_FINDINGS, f"nothing rendered to {printable(str(directory))}: the configuration has errors"
    try:
        rendered = write_manifests(result, directory)
    except (NoSchemaError, RenderRefusedError) as exc:
        return EXIT_UNUSABLE, f"cce-passthrough: error: {exc}"
    except ManifestFilesError as exc:
        return EXIT_FINDINGS, f"cce-passthrough: error: {exc}"
    except OSError as exc:
        reason = printable(str(exc.strerror or exc))
        return EXIT_UNUSABLE, f"cce-passthrough: error: cannot write {printable(str(directory))}: {reason}"
    where = printable(str(directory))
    lines = [f"Rendered {len(rendered)} Kubernetes objects to {where} (schema-checked), and {SUMMARY}"]
    lines += [
        f"    {printable(r.path.name)}: {printable(', '.join(r.computed))} known only after `pulumi up`"
        for r in rendered
        if r.computed
    ]
    return EXIT_OK, "\n".join(lines)


def _plan(args: argparse.Namespace) -> PlanResult | int:
    """The offline plan of the stack `args` name, or the exit code of a command that cannot run."""
    from ..offline.engine import ProgramFailedError
    from ..offline.preview import preview

    try:
        live_cluster = getattr(args, "live_cluster", None)  # preview --live: the live facts as declared
        result = preview(
            args.project,
            stack=args.stack,
            config_file=args.config,
            state=getattr(args, "state", None),
            config_objects={"cluster": live_cluster} if live_cluster is not None else None,
        )
    except StackFileError as exc:
        if args.json:
            # stdout stays one JSON object, with the finding that stopped the command
            payload = {"ok": False, "diagnostics": [exc.diagnostic.to_dict()]}
            print(json_printable(json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False)))
        print(f"cce-passthrough: error: {printable(str(exc))}", file=sys.stderr)
        return EXIT_UNUSABLE
    except ProgramFailedError as exc:
        # The program itself failed (a bug in it, or in a library it uses): one line, exit 2, and the
        # traceback only on request; both with every secret the run had in hand masked. Asking for the
        # traceback changes what is printed, never the exit code a script tests.
        if _wants_traceback():
            print(printable_lines(exc.traceback.rstrip("\n")), file=sys.stderr)
        message = printable(" ".join(exc.message.split())) or "no message"
        print(
            f"cce-passthrough: error: the program failed: {exc.kind}: {message} "
            f"({TRACEBACK_VARIABLE}=1 shows the traceback)",
            file=sys.stderr,
        )
        return EXIT_UNUSABLE
    except Exception as exc:  # outside the program (the engine, a library): still one line, exit 2
        if _wants_traceback():
            print(printable_lines(traceback.format_exc().rstrip("\n")), file=sys.stderr)
        message = printable(" ".join(str(exc).split())) or "no message"
        print(f"cce-passthrough: error: {type(exc).__name__}: {message}", file=sys.stderr)
        return EXIT_UNUSABLE
    return result


def _run_preview(args: argparse.Namespace) -> int:
    from .extras import missing_extra
    from .tree import tree_text

    for flag, wanted in (("--policy-pack", args.policy_pack), ("--render", args.render is not None)):
        missing = missing_extra(flag) if wanted else None
        if missing is not None:
            print(missing, file=sys.stderr)
            return EXIT_UNUSABLE
    live: preview_live.LivePreview | None = None
    if args.live:
        if args.config is not None:
            print(
                "cce-passthrough: error: --live reads the stack's credentials: use --stack", file=sys.stderr
            )
            return EXIT_UNUSABLE
        read = preview_live.read(args)
        if isinstance(read, int):
            return read
        live, args.live_cluster = read, read.cluster
    result = _plan(args)
    if isinstance(result, int):
        return result
    if live is not None:
        preview_live.apply(result, live)
    code = EXIT_OK if result.ok else EXIT_FINDINGS
    note = ""
    if args.render is not None:
        render_code, note = _render(result, args.render)
        code = max(code, render_code)
    policy: list[PolicyFinding] | None = None
    if args.policy_pack:
        from .policy_report import blocking, run_pack

        try:
            policy = run_pack(result.resources, result.declared_cluster)
        except Exception as exc:  # the pack's own failure: a finding, and the plan still prints
            from ..rules.faults import policy_pack_failed

            result.diagnostics.append(policy_pack_failed(exc))
            policy = []
        if blocking(policy) or not result.ok:
            code = max(code, EXIT_FINDINGS)
    if args.json:
        text = _plan_json(result, policy)
        print(json_printable(preview_live.with_facts(text, live) if live is not None else text))
    else:
        if live is not None:
            print(printable_lines(preview_live.facts_text(live)), end="")
        print(tree_text(result, colour=_colour()), end="")
        if policy is not None:
            from .policy_report import report_text

            print(report_text(policy), end="")
    if note:
        # stdout stays one JSON object with --json; a failure always goes to stderr
        print(printable_lines(note), file=sys.stderr if args.json or code != EXIT_OK else sys.stdout)
    return code


def _run_access(args: argparse.Namespace) -> int:
    from .access import matrix_json, table

    result = _plan(args)
    if isinstance(result, int):
        return result
    if not result.ok:
        print(
            "cce-passthrough: error: the configuration has errors; `cce-passthrough preview` lists them",
            file=sys.stderr,
        )
        return EXIT_FINDINGS
    matrix = result.access.get(args.service)
    if matrix is None:
        known = ", ".join(sorted(result.access)) or "none"
        print(
            f"cce-passthrough: error: no service {args.service!r} in this stack (services: {known})",
            file=sys.stderr,
        )
        return EXIT_UNUSABLE
    if args.json:
        print(json.dumps({"service": args.service, **matrix_json(matrix)}, indent=2, sort_keys=True))
    else:
        print(table(args.service, matrix), end="")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    # pulumi-huaweicloud 0.0.12 imports pkg_resources; its deprecation notice is not ours to print.
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
    args = _parser(stubs=DEFERRED_SUMMARIES.keys() - {_command_of(argv)}).parse_args(argv)
    collector = gc.get_threshold()
    gc.set_threshold(*_COMMAND_COLLECTOR_THRESHOLDS)
    atexit.unregister(gc.freeze)  # registered once per process: at exit, the interpreter's last
    atexit.register(gc.freeze)  # collection would walk all that the command made once more
    try:
        code = _dispatch(args)
        sys.stdout.flush()  # inside the try: a closed pipe must surface here, not at interpreter exit
        return code
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly, as other command-line tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    finally:
        gc.set_threshold(*collector)


def _dispatch(args: argparse.Namespace) -> int:
    if args.command in ("preview", "access"):
        from ..offline.preview import collector_tuned_for_preview

        # Its output is printed while the plan's objects are still frozen: no full collection walks them.
        with collector_tuned_for_preview():
            return _run_preview(args) if args.command == "preview" else _run_access(args)
    if args.command == "rules":
        return run_rules(args.json, args.markdown)
    if args.command == "backend":
        from ..backend import run_backend

        return run_backend(args)
    if args.command == "adopt":
        from .adopt_command import run as run_adopt

        return run_adopt(args)
    if args.command == "doctor":
        from .doctor import run as run_doctor

        return run_doctor(args)
    if args.command == "verify":
        from .verify import run_verify

        return run_verify(args)
    return run_explain(args.code)


if __name__ == "__main__":
    sys.exit(main())
