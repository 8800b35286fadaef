"""`cce-passthrough doctor --stack NAME`: the stack's rules over the live cluster and its ELBs
(`live.doctor`), printed as findings plus the facts read, or as one JSON object."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from ..core.diagnostics import Diagnostic, Severity, sort_key
from ..live.reads import LiveReads
from .doctor_parser import CLUSTER_ID_KEY
from .exits import EXIT_FINDINGS, EXIT_OK, EXIT_UNUSABLE

if TYPE_CHECKING:
    from ..rules.config import ParsedStack


def facts_lines(reads: LiveReads) -> list[str]:
    lines = []
    cluster = reads.cluster
    if cluster is not None:
        lines.append(
            f"cluster {cluster.get('name')}: {cluster.get('cluster_version')}, {cluster.get('category')}, "
            f"kube-proxy {cluster.get('kube_proxy_mode')}, VPC {cluster.get('vpc_id')}, "
            f"network {cluster.get('container_network_type')}"
        )
    for elb in reads.elbs.values():
        listeners = ", ".join(f"{proto} {port} ({name})" for name, proto, port in elb.listeners) or "none"
        zones = ", ".join(elb.zones) or "-"
        lines.append(
            f"elb {elb.id} ({elb.name}): {elb.elb_class}, VPC {elb.vpc_id}, zones {zones}, listeners {listeners}"
        )
    lines.append(
        f"kubernetes: {len(reads.services)} Services, {len(reads.ingresses)} Ingresses in all namespaces"
    )
    return lines


def render_text(reads: LiveReads, findings: list[Diagnostic]) -> str:
    lines = [*facts_lines(reads), ""]
    lines += [f.render() for f in sorted(findings, key=sort_key)]
    worst = [f for f in findings if f.severity is Severity.ERROR]
    lines.append(f"doctor: {len(worst)} error(s), {len(findings) - len(worst)} other finding(s)")
    return "\n".join(lines) + "\n"


def read_stack_and_live(args: argparse.Namespace, stack_name: str) -> tuple[ParsedStack, LiveReads] | int:
    """The stack file parsed and every live read over it (`live.reads`): what doctor and `preview
    --live` both rest on. An exit code when the stack or the credentials cannot be used."""
    from ..live.errors import LiveError
    from ..live.huawei import HuaweiCloud, resolve_credentials
    from ..live.kube import connect, resolve_kubeconfig
    from ..live.reads import Reader
    from ..live.stackconfig import StackSecrets
    from ..rules.config import parse_stack
    from ..rules.stackconfig import StackFileError, existing_stack_file, load_project, load_stack_config

    try:
        project = load_project(args.project)
        stack_file = existing_stack_file(project, stack_name)
        config = load_stack_config(project, stack_file, stack_name)
        stack = parse_stack(
            config.object(f"{project.name}:cluster"), config.object(f"{project.name}:services")
        )
    except StackFileError as exc:
        print(f"cce-passthrough: error: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    try:
        secrets = StackSecrets(args.project, stack_name, config=config)
        kube = connect(
            resolve_kubeconfig(
                args.kubeconfig, stack_secret=lambda: secrets.secret("cce-passthrough:kubeconfig")
            )
        )
        cloud = HuaweiCloud(resolve_credentials(stack_secret=secrets.secret, stack_value=secrets.value))
    except LiveError as exc:
        print(exc.render(), file=sys.stderr)
        return EXIT_UNUSABLE
    try:
        cluster_id = args.cluster_id or secrets.value(CLUSTER_ID_KEY)
        return stack, Reader(kube, cloud, cluster_id).read(stack)
    finally:
        kube.close()
        cloud.close()


def facts_json(reads: LiveReads) -> dict[str, Any]:
    return {
        "cluster": reads.cluster,
        "elbs": {
            elb.id: {
                "name": elb.name,
                "class": elb.elb_class,
                "vpcId": elb.vpc_id,
                "zones": list(elb.zones),
                "l4FlavorId": elb.l4_flavor_id,
                "l7FlavorId": elb.l7_flavor_id,
                "listeners": [{"name": n, "protocol": p, "port": port} for n, p, port in elb.listeners],
            }
            for elb in reads.elbs.values()
        },
    }


def run(args: argparse.Namespace) -> int:
    from ..live.doctor import diagnose

    read = read_stack_and_live(args, args.stack)
    if isinstance(read, int):
        return read
    stack, reads = read
    _, findings = diagnose(stack, reads)
    if args.json:
        payload = {
            "ok": not any(f.severity is Severity.ERROR for f in findings),
            **facts_json(reads),
            "diagnostics": [f.to_dict() for f in sorted(findings, key=sort_key)],
        }
        print(json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False))
    else:
        print(render_text(reads, findings), end="")
    return EXIT_FINDINGS if any(f.severity is Severity.ERROR for f in findings) else EXIT_OK
