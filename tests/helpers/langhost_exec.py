"""Stands in for `pulumi-language-python-exec`, the script the Pulumi CLI ships next to its Python language host
and runs every Python program with (sdk/python/cmd/pulumi-language-python-exec in pulumi/pulumi; the `pulumi`
package on PyPI does not carry it). The same arguments and the same steps, written here: load the stack
configuration from PULUMI_CONFIG, configure the SDK with the engine's monitor and engine addresses, change to
--pwd, and run the program directory as `__main__` inside the root stack resource. Exit codes as the script's:
0, 1 after a `RunError` (logged to the engine), 32 after any other exception (logged with its traceback).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import runpy
import sys
import traceback

import pulumi
import pulumi.runtime

FLAGS = [
    "project",
    "root_directory",
    "stack",
    "parallel",
    "dry_run",
    "pwd",
    "monitor",
    "engine",
    "tracing",
    "organization",
]


def main() -> int:
    parser = argparse.ArgumentParser()
    for flag in FLAGS:
        parser.add_argument(f"--{flag}")
    parser.add_argument("PROGRAM")
    parser.add_argument("ARGS", nargs="*")
    args = parser.parse_args()

    pulumi.runtime.set_all_config(
        pulumi.runtime.get_config_env(), pulumi.runtime.get_config_secret_keys_env()
    )
    pulumi.runtime.configure(
        pulumi.runtime.Settings(
            monitor=args.monitor,
            engine=args.engine,
            project=args.project,
            stack=args.stack,
            parallel=int(args.parallel),
            dry_run=args.dry_run == "true",
            organization=args.organization,
            root_directory=args.root_directory,
        )
    )
    sys.argv = [args.PROGRAM, *args.ARGS]
    if args.pwd is not None:
        os.chdir(args.pwd)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(
            pulumi.runtime.run_in_stack(lambda: runpy.run_path(args.PROGRAM, run_name="__main__"))
        )
    except pulumi.RunError as exc:
        pulumi.log.error(str(exc))
        return 1
    except Exception:
        pulumi.log.error("Program failed with an unhandled exception:\n" + traceback.format_exc())
        return 32
    finally:
        loop.close()
        sys.stdout.flush()
        sys.stderr.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
