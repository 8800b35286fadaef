"""The bad stack corpus (tests/corpus/bad-stacks/), each case in its own process: how long the command
runs and how much memory it takes, for docs/reliability.md ("Bad stack corpus").

Not a test: it prints figures. For each case a fresh Python process prepares the case as the test does and
runs `cce-passthrough preview ... --json` once in process; it reports the run's own time (imports
excluded) and its peak resident memory (imports included, as a user's process has them). The baseline is
the same for `stacks/Pulumi.dev.yaml`, a stack without a mistake.

    python bench/corpus_bench.py [--top 5] [CASE_NAME ...]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import json, resource, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, {tests!r})
from helpers.bad_stacks import load, prepare, run
from cce_passthrough.cli.main import main
path = Path(sys.argv[1])
if path.parent.name == "stacks":
    started = time.perf_counter()
    import contextlib, io
    with contextlib.redirect_stdout(io.StringIO()):
        code = main(["preview", "--project", {root!r}, "--config", str(path), "--json"])
else:
    case = load(path)
    with tempfile.TemporaryDirectory() as workdir:
        prepare(case, Path(workdir))
        started = time.perf_counter()
        code = run(case, Path(workdir), as_json=True).exit_code
seconds = time.perf_counter() - started
peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"seconds": seconds, "peak_kib": peak_kib, "exit": code}}))
"""


def measure(path: Path) -> dict[str, float]:
    script = CHILD.format(tests=str(ROOT / "tests"), root=str(ROOT))
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    figures["process_seconds"] = time.perf_counter() - started
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--top", type=int, default=5, help="how many of the longest and largest cases to list"
    )
    parser.add_argument("cases", nargs="*", help="case names (default: every file of the corpus)")
    args = parser.parse_args()
    corpus = ROOT / "tests" / "corpus" / "bad-stacks"
    paths = [corpus / f"{name}.yaml" for name in args.cases] or sorted(corpus.glob("*.yaml"))
    baseline = measure(ROOT / "stacks" / "Pulumi.dev.yaml")
    results = {path.stem: measure(path) for path in paths}
    total = sum(r["process_seconds"] for r in results.values())
    print(f"cases: {len(results)}, all processes together: {total:.1f} s")
    print(
        f"baseline (stacks/Pulumi.dev.yaml): run {baseline['seconds']:.3f} s, "
        f"peak {baseline['peak_kib'] / 1024:.0f} MiB"
    )
    longest = sorted(results.items(), key=lambda item: -item[1]["seconds"])[: args.top]
    largest = sorted(results.items(), key=lambda item: -item[1]["peak_kib"])[: args.top]
    print("longest runs (in process, imports excluded):")
    for name, r in longest:
        print(f"  {r['seconds']:.3f} s  {name} (exit {r['exit']:.0f})")
    print("largest peak resident memory (whole process):")
    for name, r in largest:
        print(f"  {r['peak_kib'] / 1024:.0f} MiB  {name} (exit {r['exit']:.0f})")


if __name__ == "__main__":
    main()
