"""`cce-passthrough verify`: its flags, the progress display and the report, for humans and for CI.

Exit codes: 0 every service confirmed; 1 traffic did not reach the ELB for at least one service;
2 inconclusive (metrics missing, the probe could not run or connect, a live call failed, interrupted).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from ..live.errors import LiveError
from ..live.huawei import RetryPolicy
from ..live.kube import Timeouts
from ..live.verify import Outcome, Report, Verdict
from ..live.verify_settings import ClusterFacts, Options, Timing
from .exits import EXIT_UNUSABLE

# Tests replace these with sub-second polls, timeouts and backoffs against the fake servers.
TIMING = Timing()
TIMEOUTS = Timeouts(connect=5.0, read=30.0)
RETRY = RetryPolicy()


def escape(text: str) -> str:
    """Control characters from the cluster or the cloud shown, not obeyed, by the terminal."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


class ProgressDisplay:
    """On a terminal one status line rewritten in place; otherwise one timestamped line per step."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.live = stream.isatty()
        self._shown = False

    def __call__(self, message: str) -> None:
        text = escape(message)
        if self.live:
            self.stream.write("\r\x1b[K" + text[:200])
            self._shown = True
        else:
            self.stream.write(time.strftime("%H:%M:%S ") + text + "\n")
        self.stream.flush()

    def done(self) -> None:
        if self.live and self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def _load_outputs(path: Path) -> dict[str, Any]:
    from ..live.verify_targets import targets_from_outputs

    try:
        with path.open("rb") as handle:
            data = handle.read(4 << 20)
        parsed = json.loads(data)
    except OSError as exc:
        raise _UnusableError(f"cannot read {path}: {exc.strerror or exc}") from None
    except ValueError:
        raise _UnusableError(f"{path} is not JSON (`pulumi stack output --json > {path.name}`)") from None
    if not isinstance(parsed, dict):
        raise _UnusableError(f"{path} is not a JSON object of stack outputs")
    return targets_from_outputs(parsed)


class _UnusableError(Exception):
    pass


def _stack_services(stack: Any) -> list[tuple[str, str]]:
    services = stack.object("cce-passthrough:services")
    found = []
    for entry in services if isinstance(services, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            namespace = entry.get("namespace")
            found.append((entry["name"], namespace if isinstance(namespace, str) else "default"))
    return found


def _cluster_facts(stack: Any, version: str | None) -> ClusterFacts:
    cluster = stack.object("cce-passthrough:cluster")
    cluster = cluster if isinstance(cluster, dict) else {}

    def text(key: str) -> str | None:
        value = cluster.get(key)
        return value if isinstance(value, str) else None

    return ClusterFacts(version or text("version"), text("flavor"), text("kubeProxyMode"))


def _signal_to_interrupt(signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt


def run_verify(args: argparse.Namespace) -> int:
    from ..live.huawei import HuaweiCloud, resolve_credentials
    from ..live.kube import connect, resolve_kubeconfig
    from ..live.stackconfig import StackSecrets
    from ..live.verify import verify
    from ..live.verify_targets import read_target
    from .extras import missing_extra

    missing = missing_extra("verify")
    if missing is not None:
        print(missing, file=sys.stderr)
        return EXIT_UNUSABLE
    progress = ProgressDisplay(sys.stderr)
    previous = signal.signal(signal.SIGTERM, _signal_to_interrupt)
    kube = cloud = None
    try:
        stack = StackSecrets(args.project, args.stack)
        outputs = _load_outputs(args.outputs) if args.outputs else None
        wanted = set(args.service)
        services = [(n, ns) for n, ns in _stack_services(stack) if not wanted or n in wanted]
        unknown = sorted(wanted - {n for n, _ in services})
        if unknown:
            raise _UnusableError(f"stack {args.stack} has no service {', '.join(unknown)}")
        if not services:
            raise _UnusableError(f"stack {args.stack} declares no service")
        has_kubeconfig = stack.has("cce-passthrough:kubeconfig")
        source = resolve_kubeconfig(
            args.kubeconfig,
            stack_secret=(lambda: stack.secret("cce-passthrough:kubeconfig")) if has_kubeconfig else None,
        )
        kube = connect(source, TIMEOUTS)
        credentials = resolve_credentials(stack_secret=stack.secret, stack_value=stack.value)
        cloud = HuaweiCloud(credentials, timeouts=TIMEOUTS, retry=RETRY)
        version = kube.call("read the cluster version", kube.version.get_code).git_version
        cluster = _cluster_facts(stack, version)
        progress(
            f"cluster {version} ({cluster.flavor or 'flavor not declared'}), kubeconfig from {source.origin}"
        )
        targets = []
        for name, namespace in services:
            output = outputs.get(name) if outputs is not None else None
            if output is not None and isinstance(output.get("namespace"), str):
                namespace = output["namespace"]
            targets.append(read_target(kube, name, namespace, output))
        options = Options(
            stack=args.stack,
            services=tuple(args.service),
            requests=args.requests,
            timeout=float(args.timeout),
            node=args.node,
            image=args.image,
            timing=TIMING,
        )
        report = verify(kube, cloud, targets, options, cluster, progress)
    except _UnusableError as exc:
        progress.done()
        print(f"cce-passthrough: error: {escape(str(exc))}", file=sys.stderr)
        return EXIT_UNUSABLE
    except LiveError as exc:
        progress.done()
        print(escape(exc.render()), file=sys.stderr)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        progress.done()
        print("cce-passthrough: interrupted; the probe Job of this run was deleted", file=sys.stderr)
        return EXIT_UNUSABLE
    finally:
        signal.signal(signal.SIGTERM, previous)
        for client in (kube, cloud):
            if client is not None:
                client.close()
    progress.done()
    print(report_json(report) if args.json else report_text(report), end="")
    return report.exit_code()


def _outcome_json(outcome: Outcome) -> dict[str, Any]:
    target = outcome.target
    data: dict[str, Any] = {
        "service": target.service,
        "namespace": target.namespace,
        "elbId": target.elb_id,
        "address": target.address,
        "port": target.port,
        "source": target.source,
        "verdict": outcome.verdict.value,
        "reason": outcome.reason,
        "node": outcome.node,
        "job": outcome.job,
        "probe": None,
        "metrics": None,
        "finding": outcome.finding.to_dict() if outcome.finding else None,
    }
    if outcome.result is not None:
        r = outcome.result
        data["probe"] = {"requests": r.requests or r.attempted, "connected": r.connected, "http": r.http}
    if outcome.evidence is not None:
        e = outcome.evidence
        data["metrics"] = {
            "baselineNewConnectionsPerSecond": round(e.baseline_rate, 6),
            "newConnections": round(e.observed, 3),
            "windowPublished": e.covered,
            "concurrentPeak": e.concurrent_peak,
        }
    return data


def report_json(report: Report) -> str:
    verdicts = {o.verdict for o in report.outcomes}
    overall = next(
        (v for v in (Verdict.NOT_REACHED, Verdict.INCONCLUSIVE) if v in verdicts), Verdict.CONFIRMED
    )
    payload = {
        "stack": report.stack,
        "verdict": overall.value if report.outcomes else Verdict.INCONCLUSIVE.value,
        "exitCode": report.exit_code(),
        "services": [_outcome_json(o) for o in report.outcomes],
        "notes": [n.to_dict() for n in report.notes],
    }
    return json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def report_text(report: Report) -> str:
    lines: list[str] = []
    for outcome in report.outcomes:
        target = outcome.target
        lines.append(f"{target.namespace}/{target.service}: {outcome.verdict.value}")
        if target.elb_id or target.address:
            lines.append(
                f"  ELB {target.elb_id or '?'} at {target.address or '?'}:{target.port or '?'} ({target.source})"
            )
        if outcome.result is not None:
            where = f" from node {outcome.node}" if outcome.node else ""
            lines.append(f"  probe Job {outcome.job}{where}: {outcome.result.describe()}")
        if outcome.evidence is not None:
            lines.append(f"  Cloud Eye: {outcome.evidence.describe()}")
        if outcome.finding is not None:
            lines.append("  " + outcome.finding.render())
        elif outcome.verdict is Verdict.CONFIRMED:
            lines.append(f"  {outcome.reason}")
    for note in report.notes:
        lines.append(note.render())
    counts = {v: sum(o.verdict is v for o in report.outcomes) for v in Verdict}
    lines.append(
        f"{counts[Verdict.CONFIRMED]} confirmed, {counts[Verdict.NOT_REACHED]} not reached, "
        f"{counts[Verdict.INCONCLUSIVE]} inconclusive"
    )
    return "\n".join(escape(line) for line in lines) + "\n"
