"""`cce-passthrough adopt`: read the live Service and Deployment, print (or write) the stack entry and
the import file (`cli.adopt`), exit by what stands in the way."""

from __future__ import annotations

import argparse
import json
import sys

from ..rules.stackfile import StackFileError
from .exits import EXIT_FINDINGS, EXIT_OK, EXIT_UNUSABLE


def run(args: argparse.Namespace) -> int:
    from ..live.adopt import not_written
    from ..live.errors import LiveError
    from ..live.stackfile import StackFileRefusedError, write_entry
    from ..rules.stackconfig import load_project
    from .adopt import adopt, adoption_text, read_live, write_import_file

    try:
        project = load_project(args.project)
        stack_file = project.stack_file(args.stack)
        live_service, deployments = read_live(args)
        result = adopt(args.project, stack_file, live_service, deployments)
    except LiveError as exc:
        print(exc.diagnostic(args.service, "adopt").render(), file=sys.stderr)
        return EXIT_UNUSABLE
    except (StackFileError, StackFileRefusedError) as exc:
        print(f"cce-passthrough: error: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    wrote = None
    refused = False
    if args.write and result.ok and result.entry is not None:
        try:
            write_entry(stack_file, result.entry)
            wrote = stack_file
        except StackFileRefusedError as exc:
            refused = True
            result.findings.append(not_written(result.entry["name"], stack_file, exc))
    if args.import_file is not None and result.import_document is not None:
        try:
            write_import_file(args.import_file, result.import_document)
        except OSError as exc:
            print(
                f"cce-passthrough: error: cannot create {args.import_file}: {exc.strerror or exc}",
                file=sys.stderr,
            )
            return EXIT_UNUSABLE
    if args.json:
        payload = {
            "ok": result.ok,
            "entry": result.entry,
            "import": result.import_document,
            "diagnostics": [d.to_dict() for d in result.findings],
            "written": str(wrote) if wrote else None,
        }
        print(json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False))
    else:
        print(adoption_text(result, wrote), end="")
    return EXIT_OK if result.ok and not refused else EXIT_FINDINGS
