"""``cce-passthrough backend ...``: Pulumi DIY state on Huawei OBS (or any S3-compatible server).

Subcommands: ``bootstrap``, ``url``, ``check``, ``versions``, ``restore``.
Exit codes: 0 ok, 1 refused / problem found, 2 could not run, 130 interrupted (Ctrl-C). Errors are
one line on stderr prefixed ``cce-passthrough: error:``; no tracebacks, no credential values.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping
from typing import Any, TextIO

from .interrupt import EXIT_INTERRUPTED, Interrupted, finish_before_interrupt
from .layout import StateFormatError, stack_keys, stack_ref_for_key
from .output import Screen, secret_values
from .report import posture_summary, render_report, render_versions
from .url import (
    AddressingChoice,
    BackendConfigError,
    BackendError,
    BackendTarget,
    login_url,
    make_target,
    parse_login_url,
    render_url_output,
    shell_quote,
)

# botocore (the `backend` extra) is imported only by the subcommands that talk to S3, so
# `backend url` and the parser itself work without it.

PROG = "cce-passthrough"
ERROR_PREFIX = f"{PROG}: error:"

_CREDENTIALS_HELP = (
    "Credentials: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (your Huawei AK/SK) or AWS_PROFILE; "
    "if neither is set, HW_ACCESS_KEY/HW_SECRET_KEY (and HW_SECURITY_TOKEN). Never printed."
)


def _add_target_args(parser: argparse.ArgumentParser, *, from_url: bool) -> None:
    required = not from_url
    parser.add_argument("--bucket", required=required, help="OBS/S3 bucket holding the state")
    parser.add_argument("--region", required=required, help="region, e.g. cn-north-4 (us-east-1 for moto)")
    parser.add_argument(
        "--endpoint",
        help="S3 endpoint [http(s)://]host[:port]; default https://obs.<region>.myhuaweicloud.com",
    )
    parser.add_argument("--prefix", help="key prefix inside the bucket, e.g. one per environment: dev")
    parser.add_argument(
        "--addressing-style",
        choices=("auto", "path", "virtual"),
        default="auto",
        help="auto: virtual-hosted for DNS names (OBS requires it), path-style for IP/localhost",
    )
    if from_url:
        parser.add_argument(
            "--backend-url",
            help="an s3:// Pulumi login URL instead of --bucket/--region/...; default: $PULUMI_BACKEND_URL",
        )


def add_backend_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``backend`` and its subcommands to the main CLI's subparsers."""
    backend = subparsers.add_parser(
        "backend",
        help="Pulumi state backend on Huawei OBS (S3-compatible)",
        description="Pulumi DIY state backend on Huawei OBS or another S3-compatible server. "
        + _CREDENTIALS_HELP,
    )
    sub = backend.add_subparsers(dest="backend_command", metavar="SUBCOMMAND")
    sub.required = True

    def command(name: str, summary: str, description: str, *, from_url: bool) -> argparse.ArgumentParser:
        parser = sub.add_parser(name, help=summary, description=description)
        _add_target_args(parser, from_url=from_url)
        return parser

    def which_object(parser: argparse.ArgumentParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--stack", help="PROJECT/STACK (legacy layout: STACK)")
        which.add_argument("--key", help="full object key, as printed by `versions`")

    p = command(
        "bootstrap",
        "create/secure the state bucket (idempotent)",
        "Create the bucket if absent; enable versioning, AES256 default encryption and the public access "
        "block. An existing public or unversioned bucket is refused unless --fix. " + _CREDENTIALS_HELP,
        from_url=False,
    )
    p.add_argument("--fix", action="store_true", help="repair an existing public or unversioned bucket")
    p = command(
        "url",
        "print the `pulumi login` URL and the environment variables Pulumi needs",
        "Print the exact `pulumi login` URL (virtual-hosted for OBS, path-style for local servers) and the "
        "environment variables Pulumi needs. Offline; reads no credentials.",
        from_url=False,
    )
    p.add_argument(
        "--url-only", action="store_true", help="print only the URL (for PULUMI_BACKEND_URL=$(...))"
    )
    command(
        "check",
        "list stacks in the backend: last update and locks",
        "Read .pulumi/ in the bucket and list stacks, their last update and held locks. " + _CREDENTIALS_HELP,
        from_url=True,
    )
    which_object(
        command(
            "versions",
            "list the stored versions of a stack's state object",
            "List all versions (and delete markers) of a stack's state object, newest first.",
            from_url=True,
        )
    )
    p = command(
        "restore",
        "make an older version of a stack's state current again (nothing is deleted)",
        "Copy an older version of a state object on top of the current one. The replaced version stays in "
        "the history. Refused while the stack is locked unless --force, and while the bucket's versioning "
        "is not Enabled.",
        from_url=True,
    )
    which_object(p)
    p.add_argument("--version-id", required=True, help="version to restore, as printed by `versions`")
    p.add_argument("--force", action="store_true", help="restore even if the stack is locked")


def _target_from_args(args: argparse.Namespace, environ: Mapping[str, str]) -> BackendTarget:
    addressing: AddressingChoice = args.addressing_style
    backend_url = getattr(args, "backend_url", None)
    if args.bucket is None:
        if args.region is not None or args.endpoint is not None or args.prefix is not None:
            raise BackendConfigError("--region/--endpoint/--prefix need --bucket")
        url = backend_url or environ.get("PULUMI_BACKEND_URL")
        if not url:
            raise BackendConfigError(
                "no backend given: pass --bucket and --region, --backend-url, or set PULUMI_BACKEND_URL"
            )
        target = parse_login_url(url)
        if addressing != "auto":
            target = BackendTarget(
                target.bucket,
                target.region,
                target.endpoint,
                target.prefix,
                addressing == "path",
                target.profile,
            )
        return target
    if backend_url:
        raise BackendConfigError("pass either --backend-url or --bucket/--region, not both")
    if args.region is None:
        raise BackendConfigError("--bucket needs --region")
    return make_target(
        bucket=args.bucket,
        region=args.region,
        endpoint=args.endpoint,
        prefix=args.prefix,
        addressing=addressing,
    )


def _do_url(args: argparse.Namespace, target: BackendTarget, out: Screen) -> int:
    if args.url_only:
        out.line(login_url(target))
    else:
        out.lines(render_url_output(target))
    return 0


def _do_bootstrap(args: argparse.Namespace, target: BackendTarget, client: Any, out: Screen) -> int:
    from .bucket import bootstrap

    result = bootstrap(client, target, fix=args.fix)
    for action in result.actions:
        out.line(f"changed: {action}")
    if not result.actions:
        out.line(f"bucket '{target.bucket}' already bootstrapped: nothing to change")
    for note in result.notes:
        out.line(f"note: {note}")
    if result.posture is not None:
        out.line(posture_summary(result.posture))
    out.line(f"next: pulumi login {shell_quote(login_url(target))}")
    return 0


def _do_check(args: argparse.Namespace, target: BackendTarget, client: Any, out: Screen) -> int:
    from .objects import list_state

    try:
        report = list_state(client, target)
    except StateFormatError as exc:
        raise BackendError(f"cannot read Pulumi state in {target.where}: {exc}", exit_code=1) from exc
    out.lines(render_report(report, target.where))
    return 1 if report.problems else 0


def _resolve_keys(args: argparse.Namespace, client: Any, target: BackendTarget) -> tuple[list[str], int]:
    from .objects import read_layout_version

    try:
        version = read_layout_version(client, target)
    except StateFormatError as exc:
        raise BackendError(f"cannot read Pulumi state in {target.where}: {exc}", exit_code=1) from exc
    if args.key:
        return [args.key], version
    return stack_keys(target, args.stack, version), version


def _do_versions(args: argparse.Namespace, target: BackendTarget, client: Any, out: Screen) -> int:
    from .objects import list_versions

    keys, _ = _resolve_keys(args, client, target)
    versions = list_versions(client, target.bucket, keys)
    if not versions:
        raise BackendError(f"no versions of {keys[0]!r} in bucket '{target.bucket}'")
    for line in render_versions(versions):
        out.line(line)
    return 0


def _do_restore(args: argparse.Namespace, target: BackendTarget, client: Any, out: Screen) -> int:
    from .bucket import versioning_status
    from .objects import held_locks, list_versions, restore_version

    keys, layout = _resolve_keys(args, client, target)
    key = keys[0]
    if args.stack:
        matching = [v for v in list_versions(client, target.bucket, keys) if v.version_id == args.version_id]
        if not matching:
            raise BackendError(
                f"stack {args.stack} has no version {args.version_id!r}; see `backend versions`"
            )
        key = matching[0].key
    ref = stack_ref_for_key(target, key, layout)
    status = versioning_status(client, target.bucket)
    if status != "Enabled":
        raise BackendError(
            f"bucket '{target.bucket}' versioning is {status}: a restore now would replace the current "
            "state without keeping it in the history; turn versioning back on with "
            "`cce-passthrough backend bootstrap --fix`, then restore",
            exit_code=1,
        )
    locks = [] if args.force else held_locks(client, target, ref)
    if locks:
        raise BackendError(
            f"stack {ref.display} is locked ({len(locks)} lock(s), e.g. {locks[0]!r}); wait for the update "
            "to finish or `pulumi cancel`, or pass --force",
            exit_code=1,
        )
    with finish_before_interrupt(
        finished="interrupted after the restore was made (see above)",
        cut_short="interrupted during the copy: the state is either unchanged or restored, never mixed; "
        "`backend versions` shows which",
    ):
        new_version = restore_version(client, target.bucket, key, args.version_id)
        out.line(
            f"restored {key} from version {args.version_id}; new current version {new_version or '(unversioned)'}"
        )
        out.line("next: `pulumi refresh` on that stack to reconcile the restored state with the cloud")
    return 0


_IoHandler = Callable[[argparse.Namespace, BackendTarget, Any, Screen], int]
_IO_COMMANDS: dict[str, _IoHandler] = {
    "bootstrap": _do_bootstrap,
    "check": _do_check,
    "versions": _do_versions,
    "restore": _do_restore,
}


def run_backend(
    args: argparse.Namespace,
    *,
    environ: Mapping[str, str] | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Run ``backend <subcommand>``; 0 ok, 1 refused/problem found, 2 could not run, 130 Ctrl-C."""
    env = os.environ if environ is None else environ
    secrets = secret_values(env)  # grows with the credentials a profile resolves to
    stdout = Screen(sys.stdout if out is None else out, secrets)
    stderr = Screen(sys.stderr if err is None else err, secrets)
    try:
        return _run_backend(args, env, stdout, stderr)
    except KeyboardInterrupt as exc:
        # Ctrl-C: one line, no traceback. Changes hold Ctrl-C until they are complete
        # (interrupt.finish_before_interrupt), so anywhere else nothing was changed yet.
        message = exc.message if isinstance(exc, Interrupted) else "interrupted; nothing was changed"
        stderr.error(ERROR_PREFIX, message)
        return EXIT_INTERRUPTED
    except Exception as exc:
        # Last resort. The contract of every `backend` command is "one line on stderr, exit 2,
        # no traceback, no credential" even for a failure nobody anticipated (a parser or SDK
        # raising something unexpected); the message goes through the same redaction as all
        # other errors. KeyboardInterrupt/SystemExit are not Exceptions and pass through.
        stderr.error(ERROR_PREFIX, f"unexpected error: {type(exc).__name__}: {exc}")
        return 2


def _run_backend(args: argparse.Namespace, env: Mapping[str, str], stdout: Screen, stderr: Screen) -> int:
    command = getattr(args, "backend_command", None)
    try:
        target = _target_from_args(args, env)
    except BackendError as exc:
        stderr.error(ERROR_PREFIX, str(exc))
        return exc.exit_code
    if command == "url":
        return _do_url(args, target, stdout)
    handler = _IO_COMMANDS.get(str(command))
    if handler is None:
        stderr.error(ERROR_PREFIX, f"unknown backend subcommand: {command!r}")
        return 2
    try:
        import botocore.exceptions

        from . import connection
    except ImportError:
        stderr.error(ERROR_PREFIX, f"`backend {command}` needs boto3: pip install 'cce-passthrough[backend]'")
        return 2
    try:
        session = connection.make_session(target, env)
        stderr.secrets.extend(connection.credential_values(session))  # the list stdout shares
        client = connection.make_client(target, env, session)
        return handler(args, target, client, stdout)
    except BackendError as exc:
        stderr.error(ERROR_PREFIX, str(exc))
        return exc.exit_code
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
        stderr.error(ERROR_PREFIX, connection.describe_error(exc, target, env))
        return 2
