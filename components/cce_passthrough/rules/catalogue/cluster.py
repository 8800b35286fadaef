"""Cluster support and version gates (PT1xx)."""

from __future__ import annotations

from .. import sources as src
from .rule import INFO, E, Rule, W

RULES = [
    Rule(
        "PT101",
        E,
        "pass-through on a cluster v1.15 or older",
        "CCE does not support kubernetes.io/elb.pass-through on clusters v1.15 or earlier; the annotation is "
        "ignored and in-cluster traffic to the ELB address stays inside the cluster.",
        "Upgrade the cluster to v1.19 or later, or set passThrough: false.",
        (src.OTC_PT, src.HW_BP_SEED),
    ),
    Rule(
        "PT102",
        W,
        "pass-through on a cluster older than v1.19",
        "The pass-through pages (CCE's own and Huawei's best practice) only exclude v1.15 and older, but the "
        "annotation table lists kubernetes.io/elb.pass-through from v1.19 on: between the two, support is "
        "not documented.",
        "Upgrade the cluster to v1.19 or later before relying on pass-through, or set passThrough: false.",
        (src.OTC_ANN, src.OTC_PT, src.HW_BP_SEED),
    ),
    Rule(
        "PT103",
        E,
        "dedicated ELB on a cluster older than v1.17",
        "kubernetes.io/elb.class: performance (dedicated ELB) is only supported on clusters v1.17 and later.",
        "Use elb.class: shared, or upgrade the cluster to v1.17 or later.",
        (src.OTC_ANN, src.HW_ANN_CN),
    ),
    Rule(
        "PT104",
        E,
        "retired: was CCE Turbo + shared ELB + pass-through as an error",
        "Retired, never reused: the sentence it rested on (shared ELBs in CCE Turbo clusters do not support "
        "passthrough networking) is about the ELB reaching pods directly, not about the "
        "kubernetes.io/elb.pass-through annotation. No pass-through page restricts the annotation on CCE Turbo "
        "with a shared ELB, and the page's own example uses a shared ELB.",
        "Nothing to do: this rule no longer fires.",
        (src.OTC_PT, src.HW_DRAWER_CLASS),
        retired=True,
    ),
    Rule(
        "PT105",
        E,
        "CCE Turbo + externalTrafficPolicy: Local without hostNetwork pods",
        "Cloud Native Network 2.0 clusters support node-level affinity (Local) only when the backend pods "
        "use the host network.",
        "Set externalTrafficPolicy: Cluster, or hostNetwork: true on the service.",
        (src.OTC_CREATE, src.OTC_OVERVIEW),
    ),
    Rule(
        "PT106",
        W,
        "CCE Standard + dedicated ELB + pass-through: ELB private IP unreachable from the backend's node",
        "With pass-through on a dedicated ELB in a CCE Standard cluster, the ELB private IP cannot be reached "
        "from the node that hosts a backend pod, nor from other pods on that node (hairpin through the ELB).",
        "Let in-cluster clients use the Service's cluster IP, or keep clients off the backend pods' nodes "
        "(anti-affinity).",
        (src.OTC_PT, src.HW_BP_SEED),
    ),
    Rule(
        "PT107",
        W,
        "patch-level version gate cannot be proven from vX.Y",
        "The feature needs a specific CCE patch release (vX.Y.Z-rN) of this minor version; the declared "
        "version names only the minor, so the check cannot prove support.",
        "Declare the full cluster version (vX.Y.Z-rN, as `cluster_version` shows) or turn cluster.lookup on.",
        (src.OTC_ANN,),
    ),
    Rule(
        "PT108",
        E,
        "annotation or autocreate field needs a newer cluster",
        "Each ELB annotation and several autocreate fields exist only from a given CCE release on (per minor "
        "version, often a patch release such as v1.25.8-r0); an older cluster ignores or rejects them after "
        "`pulumi up`.",
        "Remove the annotation or field, or upgrade the cluster to the release the message names.",
        (src.OTC_ANN, src.OTC_HTTP, src.OTC_TIMEOUT, src.OTC_HC_MULTI),
    ),
    Rule(
        "PT109",
        INFO,
        "check deferred until the value is known",
        "A value that is an output of a resource not yet created (an ELB id from another stack or a managed "
        "ELB) is unknown at preview; the checks that read it run when it resolves, during `pulumi up`, and "
        "fail the update there.",
        "Nothing to do; pass a plain value instead of an output to have the check run at preview.",
        (src.PULUMI_OUTPUTS,),
    ),
    Rule(
        "PT110",
        INFO,
        "externalTrafficPolicy: Local turns pass-through on although passThrough is false",
        "With externalTrafficPolicy: Local, CCE sets kubernetes.io/elb.pass-through to onlyLocal itself: "
        "in-cluster calls to the ELB address go out through the ELB whatever passThrough says. The component "
        "sends onlyLocal so that the Service does not drift.",
        "Set externalTrafficPolicy: Cluster to keep in-cluster calls inside the cluster, or drop "
        "passThrough: false to state what CCE does.",
        (src.OTC_PT, src.OTC_OVERVIEW, src.HW_BP_SEED),
    ),
    Rule(
        "PT120",
        E,
        "declared container network type does not match the cluster flavor",
        "CCE Turbo clusters use Cloud Native Network 2.0 (`eni`); CCE Standard clusters use a tunnel "
        "(`overlay_l2`) or VPC (`vpc-router`) network. The network model decides which in-cluster clients "
        "reach a Service's ELB address, so a contradiction makes every access answer wrong.",
        "Set cluster.containerNetworkType to the value the CCE console shows under Networking, or correct "
        "cluster.flavor.",
        (src.OTC_NETWORK_MODELS,),
    ),
]
