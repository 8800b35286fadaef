"""Offline preview against a bare pulumi-kubernetes program, same mocks, same machine, one run.

Not a test: it prints figures. Each measurement is a fresh Python process (so import time counts, as
it does for a user), repeated, median taken:

- **bare**: a plain `pulumi_kubernetes` program declaring one Deployment and one LoadBalancer Service
  per service, run under `pulumi.runtime.set_mocks` in preview mode (the same SDK mock monitor);
- **ours**: `cce-passthrough preview --config <generated stack>` with the same number of services
  (autocreated shared ELBs, so the planned objects are the same Deployment + Service pairs), printing
  the whole tree.

Targets (issue 4): ours <= 1.3x bare for one service; marginal cost per service <= 2x bare's.

    python bench/preview_bench.py [--runs 7] [--sizes 1 100]
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
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "cce_passthrough"]

BARE_PROGRAM = """
import asyncio
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
        labels = {"app.kubernetes.io/name": name, "app.kubernetes.io/instance": name}
        k8s.apps.v1.Deployment(
            f"{name}-deployment",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=name, namespace="default", labels=labels),
            spec=k8s.apps.v1.DeploymentSpecArgs(
                replicas=2,
                selector=k8s.meta.v1.LabelSelectorArgs(match_labels=labels),
                template=k8s.core.v1.PodTemplateSpecArgs(
                    metadata=k8s.meta.v1.ObjectMetaArgs(labels=labels),
                    spec=k8s.core.v1.PodSpecArgs(
                        containers=[
                            k8s.core.v1.ContainerArgs(
                                name=name,
                                image="nginx:1.27",
                                ports=[k8s.core.v1.ContainerPortArgs(container_port=80, protocol="TCP")],
                            )
                        ]
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
                annotations={"kubernetes.io/elb.class": "union", "kubernetes.io/elb.pass-through": "true"},
            ),
            spec=k8s.core.v1.ServiceSpecArgs(
                type="LoadBalancer",
                selector=labels,
                ports=[k8s.core.v1.ServicePortArgs(name="http", port=80, target_port=80, protocol="TCP")],
            ),
        )


loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
pulumi.runtime.set_mocks(Mocks(), project="bare", stack="bench", preview=True)
pulumi.runtime.test(lambda: program(int(sys.argv[1])))()
"""


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


def wall(argv: list[str]) -> float:
    start = time.perf_counter()
    run = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if run.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({run.returncode}):\n{run.stderr}{run.stdout}")
    return elapsed


def median_walls(bare: list[str], ours: list[str], runs: int) -> tuple[float, float]:
    """Medians of `runs` runs each, bare and ours alternating, so that a change in the machine's load
    weighs on both alike."""
    wall(bare), wall(ours)  # warm the page cache and the .pyc files
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        times[0].append(wall(bare))
        times[1].append(wall(ours))
    return statistics.median(times[0]), statistics.median(times[1])


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
    parser.add_argument("--runs", type=int, default=7, help="runs per measurement, median taken")
    parser.add_argument("--sizes", type=int, nargs=2, default=(1, 100), metavar=("SMALL", "LARGE"))
    args = parser.parse_args()
    small, large = args.sizes

    print(f"machine: {machine()}")
    print(f"median of {args.runs} fresh processes each, bare and ours alternating, after a warm-up run\n")
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        bare_script = directory / "bare.py"
        bare_script.write_text(BARE_PROGRAM)
        bare: dict[int, float] = {}
        ours: dict[int, float] = {}
        for count in (small, large):
            bare[count], ours[count] = median_walls(
                [sys.executable, str(bare_script), str(count)],
                [*CLI, "preview", "--config", str(stack_file(directory, count))],
                args.runs,
            )

    print(f"{'services':>8}  {'bare (s)':>9}  {'ours (s)':>9}  {'ratio':>6}")
    for count in (small, large):
        print(f"{count:>8}  {bare[count]:>9.3f}  {ours[count]:>9.3f}  {ours[count] / bare[count]:>6.2f}x")
    span = large - small
    bare_marginal = (bare[large] - bare[small]) / span
    ours_marginal = (ours[large] - ours[small]) / span
    print(
        f"\nmarginal cost per service: bare {bare_marginal * 1000:.2f} ms, ours {ours_marginal * 1000:.2f} ms"
        f" ({ours_marginal / bare_marginal:.2f}x)"
    )
    ratio_ok = ours[small] / bare[small] <= 1.3
    marginal_ok = ours_marginal <= 2 * bare_marginal
    print(f"target ratio at {small} service <= 1.3x: {'met' if ratio_ok else 'NOT met'}")
    print(f"target marginal cost <= 2x bare: {'met' if marginal_ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
