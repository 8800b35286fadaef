"""Offline preview against a bare pulumi-kubernetes program, same mocks, same machine, one run.

Not a test: it prints figures. Each measurement is a fresh Python process (so import time counts, as
it does for a user), repeated, median taken:

- **bare**: a plain `pulumi_kubernetes` program declaring one Deployment and one LoadBalancer Service
  per service, the very objects ours plans for the bench's stack (a test compares their inputs), run under
  `pulumi.runtime.set_mocks` in preview mode (the same SDK mock monitor);
- **ours**: `cce-passthrough preview --config <generated stack>` with the same number of services
  (autocreated shared ELBs, so the planned objects are the same Deployment + Service pairs), printing
  the whole tree.

Prints one table: services, bare and ours in wall seconds, in CPU seconds (user + system, the steadier
figure on a shared machine) and in peak resident memory, each with its ratio, and the ratio of the least CPU
time of each program's runs (another process only ever adds to a run's time), and the median ratio of
runs made one after the other (a slower spell of the machine that spans a pair drops out of its ratio);
then the CPU time of every run (how far apart runs are says how far to trust any ratio), memory per
service and the cost of `--render` against the plain preview. Targets (issue 13): ours within 1.2x of bare
in time and in memory per service, `--render` within 1.3x of the plain preview.

    python bench/preview_bench.py [--runs 3] [--sizes 1 100 1000] [--with-10k] [--runs-10k 1] [--render-at 100]
        [--with-floor]

`--with-floor` adds a third program, the least interface.md section 1 asks of any implementation: the bare
program's two objects parented to one component per service, with the six outputs registered, and nothing
else (no validation, no plan). Its memory per service and CPU time show what of ours' cost is the interface's.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "cce_passthrough"]

BARE_PROGRAM = """
import asyncio
import json
import sys

import pulumi
import pulumi_kubernetes as k8s


class Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args):
        return (None if args.custom else ""), dict(args.inputs)

    def call(self, args):
        return {}


def program(count):
    for index in range(count):
        name = f"svc{index}"
        selector = {"app.kubernetes.io/name": name, "app.kubernetes.io/instance": name}
        labels = {
            "app": name,
            "app.kubernetes.io/name": name,
            "app.kubernetes.io/instance": name,
            "app.kubernetes.io/managed-by": "pulumi",
            "app.kubernetes.io/part-of": "cce-passthrough",
        }
        k8s.apps.v1.Deployment(
            f"{name}-deployment",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=name, namespace="default", labels=labels),
            spec=k8s.apps.v1.DeploymentSpecArgs(
                replicas=2,
                selector=k8s.meta.v1.LabelSelectorArgs(match_labels=selector),
                template=k8s.core.v1.PodTemplateSpecArgs(
                    metadata=k8s.meta.v1.ObjectMetaArgs(labels=labels),
                    spec=k8s.core.v1.PodSpecArgs(
                        containers=[
                            k8s.core.v1.ContainerArgs(
                                name=name,
                                image="nginx:1.27",
                                ports=[k8s.core.v1.ContainerPortArgs(container_port=80, protocol="TCP", name="http")],
                            )
                        ],
                        image_pull_secrets=[k8s.core.v1.LocalObjectReferenceArgs(name="default-secret")],
                    ),
                ),
            ),
        )
        k8s.core.v1.Service(
            f"{name}-service",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=name,
                namespace="default",
                labels=labels,
                annotations={
                    "kubernetes.io/elb.class": "union",
                    "kubernetes.io/elb.autocreate": json.dumps(
                        {"type": "inner", "name": f"{name}-elb"}, separators=(",", ":")
                    ),
                    "kubernetes.io/elb.pass-through": "true",
                },
            ),
            spec=k8s.core.v1.ServiceSpecArgs(
                type="LoadBalancer",
                selector=selector,
                ports=[k8s.core.v1.ServicePortArgs(name="http", port=80, target_port=80, protocol="TCP")],
                external_traffic_policy="Cluster",
            ),
        )


loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
pulumi.runtime.set_mocks(Mocks(), project="bare", stack="bench", preview=True)
pulumi.runtime.test(lambda: program(int(sys.argv[1])))()
"""


# The least any program meeting interface.md section 1 can cost: the bare program's two objects parented to
# one component per service, with the six outputs ours has (three known at once, tied to the Service; the
# ELB id and address from its status; no EIP) registered as its outputs. No validation, no plan recorded.
COMPONENT_FLOOR_PROGRAM = (
    BARE_PROGRAM.replace(
        "def program(count):",
        """class Floor(pulumi.ComponentResource):
    def __init__(self, name):
        super().__init__("cce-passthrough:index:PassThroughService", name, {}, None)

    def outputs(self, svc):
        name, namespace = self._name, "default"
        sent = {"kubernetes.io/elb.class": "union", "kubernetes.io/elb.pass-through": "true"}
        self.service_name = svc.urn.apply(lambda _: name)
        self.namespace = svc.urn.apply(lambda _: namespace)
        self.annotations = svc.urn.apply(lambda _: sent)
        self.elb_id = svc.status.apply(lambda _: svc.metadata.apply(lambda metadata: None))
        self.load_balancer_ip = svc.status.apply(lambda status: None)
        self.public_ip = pulumi.Output.from_input(None)
        self.register_outputs(
            {key: getattr(self, key) for key in
             ("service_name", "namespace", "elb_id", "load_balancer_ip", "public_ip", "annotations")}
        )


def program(count):""",
    )
    .replace(
        '        name = f"svc{index}"\n',
        '        name = f"svc{index}"\n'
        "        floor = Floor(name)\n"
        "        child = pulumi.ResourceOptions(parent=floor)\n",
    )
    .replace(
        "            ),\n        )\n        k8s.core.v1.Service(",
        "            ),\n            opts=child,\n        )\n        svc = k8s.core.v1.Service(",
    )
    .replace(
        "            ),\n        )\n\n\nloop",
        "            ),\n            opts=child,\n        )\n        floor.outputs(svc)\n\n\nloop",
    )
)
assert COMPONENT_FLOOR_PROGRAM.count("opts=child") == 2 and "floor.outputs(svc)" in COMPONENT_FLOOR_PROGRAM


def stack_file(directory: Path, count: int) -> Path:
    services = [
        {
            "name": f"svc{index}",
            "namespace": "default",
            "image": "nginx:1.27",
            "replicas": 2,
            "ports": [{"name": "http", "port": 80, "targetPort": 80, "protocol": "TCP"}],
            "elb": {"class": "shared", "autocreate": {"type": "inner", "name": f"svc{index}-elb"}},
        }
        for index in range(count)
    ]
    cluster = {"name": "bench-cce", "version": "v1.30", "flavor": "standard", "kubeProxyMode": "iptables"}
    path = directory / f"Pulumi.bench{count}.yaml"
    path.write_text(
        yaml.safe_dump({"config": {"cce-passthrough:cluster": cluster, "cce-passthrough:services": services}})
    )
    return path


@dataclass
class Run:
    seconds: float
    cpu_seconds: float
    peak_rss_mib: float


@dataclass
class Measured(Run):
    """Medians of the runs, and the least CPU time any run took: on a shared machine another process only
    ever adds to a run's time (caches, memory bandwidth, the core's clock), so the least is the steadier
    estimate of what the program itself costs (as `timeit` reports it)."""

    best_cpu_seconds: float
    cpu_runs: tuple[float, ...]
    """The CPU time of every run, in the order they ran: how far apart they are says how far to trust a
    ratio of medians or of least times."""


def paired_ratio(numerator: Measured, denominator: Measured) -> float:
    """The median of the CPU-time ratios of runs made one after the other (`medians` interleaves them, run
    i of one program next to run i of the other). A slower spell of the machine that spans a pair weighs
    on both its runs and drops out of their ratio; medians and least times of each program taken apart
    can come from different spells."""
    pairs = zip(numerator.cpu_runs, denominator.cpu_runs, strict=True)
    return statistics.median(mine / theirs for mine, theirs in pairs)


def child_environment(bytecode_cache: Path) -> dict[str, str]:
    """Both programs with compiled modules cached, as an installed package has them: the warm-up run
    compiles, the measured ones read. With PYTHONDONTWRITEBYTECODE set (as on some CI machines) every run
    would recompile this project's modules, about 0.16x of the bare program at one service, and not
    Pulumi's, which pip compiled at install. The cache is a scratch directory, never the source tree."""
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    environment["PYTHONPYCACHEPREFIX"] = str(bytecode_cache)
    return environment


def measure(argv: list[str], environment: dict[str, str]) -> Run:
    """Wall time, CPU time (user + system) and peak resident memory of one fresh process (its own
    rusage, via wait4). On a shared machine CPU time is the steadier figure: waiting for a core adds to
    the wall time only."""
    start = time.perf_counter()
    child = subprocess.Popen(
        argv, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        stderr = child.stderr.read().decode(errors="replace") if child.stderr else ""
        raise SystemExit(f"{' '.join(argv)} failed ({child.returncode}):\n{stderr}")
    if child.stderr:
        child.stderr.close()
    return Run(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)  # Linux reports KiB


def medians(
    commands: dict[str, list[str]], runs: int, environment: dict[str, str], warm_up: bool = True
) -> dict[str, Measured]:
    """Median wall time, CPU time and peak RSS of `runs` runs per command, and their least CPU time; the
    commands interleaved so that a change in the machine's load weighs on all alike; one warm-up run each
    first (page cache, .pyc) unless the same programs have just run on a smaller stack."""
    if warm_up:
        for argv in commands.values():
            measure(argv, environment)
    seen: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            seen[name].append(measure(argv, environment))
    return {
        name: Measured(
            statistics.median(r.seconds for r in found),
            statistics.median(r.cpu_seconds for r in found),
            statistics.median(r.peak_rss_mib for r in found),
            min(r.cpu_seconds for r in found),
            tuple(r.cpu_seconds for r in found),
        )
        for name, found in seen.items()
    }


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement, median taken")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 100, 1000], metavar="N")
    parser.add_argument("--with-10k", action="store_true", help="also 10,000 services (minutes, GBs)")
    parser.add_argument("--runs-10k", type=int, default=1, metavar="N", help="runs at 10,000 services")
    parser.add_argument("--render-at", type=int, default=100, help="services for the --render ratio")
    parser.add_argument(
        "--with-floor",
        action="store_true",
        help="also the bare program under one component per service with ours' outputs (interface.md §1)",
    )
    args = parser.parse_args()
    sizes = [*args.sizes, *([10_000] if args.with_10k else [])]

    print(f"machine: {machine()}")
    print(
        f"median (and least cpu) of {args.runs} fresh processes each ({args.runs_10k} at 10,000), interleaved,"
        " after one warm-up run\n"
    )
    rows: list[tuple[int, dict[str, Measured]]] = []
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        environment = child_environment(directory / "bytecode")
        bare_script = directory / "bare.py"
        bare_script.write_text(BARE_PROGRAM)
        floor_script = directory / "floor.py"
        floor_script.write_text(COMPONENT_FLOOR_PROGRAM)
        for count in sizes:
            found = medians(
                {
                    "bare": [sys.executable, str(bare_script), str(count)],
                    "ours": [*CLI, "preview", "--config", str(stack_file(directory, count))],
                    **({"floor": [sys.executable, str(floor_script), str(count)]} if args.with_floor else {}),
                },
                args.runs if count < 10_000 else args.runs_10k,
                environment,
                warm_up=not rows,
            )
            rows.append((count, found))
        render_dir = directory / "rendered"
        stack = str(stack_file(directory, args.render_at))
        rendered = medians(
            {
                "plain": [*CLI, "preview", "--config", stack],
                "render": [*CLI, "preview", "--config", stack, "--render", str(render_dir)],
            },
            args.runs,
            environment,
        )

    print(f"load average {' '.join(f'{load:.1f}' for load in os.getloadavg())} on {os.cpu_count()} CPUs\n")
    print(
        f"{'services':>8}  {'bare s':>8}  {'ours s':>8}  {'ratio':>6}  {'bare cpu':>8}  {'ours cpu':>8}  {'ratio':>6}"
        f"  {'least':>6}  {'paired':>6}  {'bare MiB':>9}  {'ours MiB':>9}  {'ratio':>6}"
    )
    for count, found in rows:
        bare, ours = found["bare"], found["ours"]
        print(
            f"{count:>8}  {bare.seconds:>8.2f}  {ours.seconds:>8.2f}  {ours.seconds / bare.seconds:>5.2f}x"
            f"  {bare.cpu_seconds:>8.2f}  {ours.cpu_seconds:>8.2f}  {ours.cpu_seconds / bare.cpu_seconds:>5.2f}x"
            f"  {ours.best_cpu_seconds / bare.best_cpu_seconds:>5.2f}x  {paired_ratio(ours, bare):>5.2f}x"
            f"  {bare.peak_rss_mib:>9.0f}  {ours.peak_rss_mib:>9.0f}  {ours.peak_rss_mib / bare.peak_rss_mib:>5.2f}x"
        )
    print("\ncpu seconds of each run, in the order they ran:")
    for count, found in rows:
        runs = "   ".join(
            f"{name} {' '.join(f'{seconds:.2f}' for seconds in measured.cpu_runs)}"
            for name, measured in found.items()
        )
        print(f"{count:>8}  {runs}")
    (small, at_small), (large, at_large) = rows[0], rows[-1]
    if large > small:

        def per_service(program: str) -> float:
            """KiB of peak resident memory each further service costs `program`."""
            return (at_large[program].peak_rss_mib - at_small[program].peak_rss_mib) * 1024 / (large - small)

        per_bare, per_ours = per_service("bare"), per_service("ours")
        print(
            f"\nmemory per service ({small} to {large}): bare {per_bare:.0f} KiB, ours {per_ours:.0f} KiB"
            f" ({per_ours / per_bare:.2f}x)"
        )
        if "floor" in at_large:
            per_floor, floor_cpu = per_service("floor"), at_large["floor"].cpu_seconds
            print(
                f"component floor ({small} to {large}): {per_floor:.0f} KiB per service ({per_floor / per_bare:.2f}x"
                f" of bare), cpu at {large}: {floor_cpu:.2f} s"
                f" ({floor_cpu / at_large['bare'].cpu_seconds:.2f}x of bare)"
            )
    plain, render = rendered["plain"], rendered["render"]
    print(
        f"--render at {args.render_at} services: {render.seconds:.2f} s against {plain.seconds:.2f} s plain"
        f" ({render.seconds / plain.seconds:.2f}x); cpu {render.cpu_seconds:.2f} s against"
        f" {plain.cpu_seconds:.2f} s ({render.cpu_seconds / plain.cpu_seconds:.2f}x; least"
        f" {render.best_cpu_seconds / plain.best_cpu_seconds:.2f}x; paired {paired_ratio(render, plain):.2f}x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
