"""The ELB source and its autocreate and managed settings (PT2xx)."""

from __future__ import annotations

from .. import sources as src
from .rule import E, Rule, W

RULES = [
    Rule(
        "PT201",
        E,
        "not exactly one ELB source",
        "A service's ELB comes from exactly one place: autocreated by CCE, an existing ELB id, managed by "
        "Pulumi, or shared with another service. Setting both elb.id and elb.autocreate makes CCE treat an "
        "existing ELB as autocreated and delete it with the Service.",
        "Keep exactly one of elb.autocreate, elb.existing, elb.managed, elb.shareWith.",
        (src.OTC_ANN, src.HW_DRAWER_AUTOCREATE),
    ),
    Rule(
        "PT202",
        E,
        "ELB class missing or invalid",
        "The default of kubernetes.io/elb.class differs between CCE documents (union vs performance), and the "
        "class cannot change after creation, so it must be explicit.",
        "Set elb.class to shared (union) or dedicated (performance).",
        (src.OTC_ANN, src.HW_DRAWER_CLASS),
    ),
    Rule(
        "PT203",
        E,
        "autocreate: unknown field, wrong type or value outside its enum",
        "CCE parses kubernetes.io/elb.autocreate as JSON with a fixed set of fields per ELB class; an unknown "
        "or mistyped field fails only when CCE reconciles the Service, after `pulumi up`.",
        "Use only the documented autocreate fields with their documented types and values.",
        (src.OTC_ANN, src.OTC_CREATE),
    ),
    Rule(
        "PT204",
        E,
        "public autocreate without bandwidth_size, bandwidth_sharetype or eip_type",
        "type: public makes CCE create an EIP and a bandwidth; every CCE document lists bandwidth_size, "
        "bandwidth_sharetype and eip_type as mandatory for it and gives them no default.",
        "Add the missing fields, or use type: inner for a private ELB.",
        (src.OTC_ANN, src.HW_DRAWER_AUTOCREATE),
    ),
    Rule(
        "PT205",
        E,
        "ELB or bandwidth name not 1-64 of [A-Za-z0-9_.-]",
        "CCE and the ELB/VPC APIs accept names of 1 to 64 letters, digits, underscores, hyphens and dots.",
        "Rename to at most 64 characters of A-Z, a-z, 0-9, '_', '-' and '.'.",
        (src.OTC_ANN, src.HW_DRAWER_BWNAME),
    ),
    Rule(
        "PT206",
        E,
        "bandwidth size outside 1-2000 Mbit/s or off its step",
        "Bandwidth sizes go from 1 to 2000 Mbit/s: in steps of 1 up to 300, of 50 up to 1000 and of 500 above.",
        "Pick a size on the step grid, e.g. 5, 300, 350 or 1500.",
        (src.HW_DRAWER_BWSIZE,),
    ),
    Rule(
        "PT207",
        E,
        "dedicated autocreate without available_zone or without the L4 flavor its listeners need",
        "CCE needs the availability zones of a dedicated ELB. TCP/UDP listeners need a layer-4 flavor; "
        "HTTP/HTTPS-only Services need only a layer-7 one from v1.19.16-r50, v1.21.11-r10, v1.23.9-r10, "
        "v1.25.4-r10, v1.27.1-r10 on, and both before. An empty zone or flavor name counts as missing.",
        "Add available_zone: [<az>] and l4_flavor_name (or l4_flavor_id) to the autocreate object.",
        (src.OTC_ANN, src.OTC_CREATE, src.OTC_HTTP),
    ),
    Rule(
        "PT208",
        E,
        "dedicated-only autocreate field with a shared ELB",
        "available_zone, elb_virsubnet_ids, ipv6_vip_virsubnet_id, ipv6_bandwidth_id and the L4/L7 flavor "
        "fields exist only for dedicated ELBs.",
        "Remove the field, or use elb.class: dedicated.",
        (src.OTC_ANN,),
    ),
    Rule(
        "PT209",
        E,
        "existing ELB id malformed, not found, or of the other class",
        "kubernetes.io/elb.id must name an ELB of the declared class; CCE fails the Service otherwise.",
        "Use the id (a UUID) of an ELB of the declared class, as the ELB console or API shows it.",
        (src.OTC_ANN, src.HW_DRAWER_ID),
    ),
    Rule(
        "PT210",
        E,
        "ELB not in the cluster's VPC",
        "The ELB used by a Service, existing or autocreated, must be in the same VPC as the cluster.",
        "Use an ELB, or subnet, in the cluster's VPC.",
        (src.OTC_CREATE, src.HW_DRAWER_AUTOCREATE),
    ),
    Rule(
        "PT211",
        E,
        "managed ELB settings incomplete or contradictory",
        "Pulumi creates the ELB, EIP and bandwidth from these settings; a dedicated ELB needs its VPC and "
        "availability zones, an EIP bandwidth needs a size and name (PER) or a shared bandwidth (WHOLE).",
        "Complete elb.managed as the message says.",
        (src.TF_ELB, src.TF_EIP, src.TF_BW, src.PULUMI_HW),
    ),
    Rule(
        "PT212",
        E,
        "dedicated ELB without an L7 flavor for HTTP/HTTPS listeners",
        "kubernetes.io/elb.protocol-port turns listeners into HTTP/HTTPS ones, which a dedicated ELB can only "
        "serve with an application (layer-7) flavor.",
        "Add l7_flavor_name (or l7_flavor_id) to elb.autocreate, or l7FlavorId to elb.managed.",
        (src.OTC_ANN, src.OTC_HTTP, src.OTC_CREATE),
    ),
    Rule(
        "PT213",
        W,
        "autocreate bandwidth or EIP fields without type: public",
        "autocreate type defaults to inner: without type: public CCE creates a private ELB and no EIP, and "
        "ignores bandwidth_name, bandwidth_chargemode, bandwidth_size, bandwidth_sharetype and eip_type.",
        "Add type: public for an ELB with an EIP, or remove the bandwidth and EIP fields for a private one.",
        (src.OTC_ANN, src.OTC_CREATE),
    ),
    Rule(
        "PT214",
        E,
        "L4 and L7 flavors of different kinds (elastic and fixed)",
        "A dedicated ELB's layer-7 flavor must match its layer-4 flavor: both elastic (L4_flavor.elb.pro.max, "
        "L7_flavor.elb.pro.max) or both fixed (L4_flavor.elb.s1.small, ...).",
        "Use two elastic flavors or two fixed flavors.",
        (src.OTC_ANN, src.OTC_CREATE, src.HW_ELB_FLAVORS),
    ),
    Rule(
        "PT215",
        W,
        "hand-written Service without kubernetes.io/elb.class",
        "CCE's documents disagree on the class a Service without kubernetes.io/elb.class gets: union (shared) "
        "in the annotation tables (Open Telekom Cloud, Huawei Cloud Chinese), performance (dedicated) in "
        "Huawei Cloud's CCE configuration reference where dedicated ELBs exist. The class cannot change after "
        "creation, and an ELB named by elb.id must be of that class.",
        "Add kubernetes.io/elb.class: union (shared ELB) or performance (dedicated ELB), matching the ELB.",
        (src.OTC_ANN, src.HW_ANN_CN, src.HW_DRAWER_CLASS),
    ),
    Rule(
        "PT216",
        W,
        "public autocreate without bandwidth_name or bandwidth_chargemode",
        "The annotation tables list bandwidth_name and bandwidth_chargemode as mandatory for type: public, "
        "but the same tables give bandwidth_name a default (cce-bandwidth-******), and Huawei Cloud documents "
        "bandwidth_chargemode as optional with the default bandwidth (Open Telekom Cloud accepts only "
        "traffic). CCE may fill them in or refuse, depending on the cloud.",
        "Add bandwidth_name and bandwidth_chargemode (traffic on Open Telekom Cloud; bandwidth or traffic on "
        "Huawei Cloud).",
        (src.OTC_ANN, src.HW_DRAWER_CHARGE, src.HW_DRAWER_BWNAME),
    ),
    Rule(
        "PT217",
        W,
        "a change replaces or deletes a Service whose ELB CCE autocreated: CCE deletes the ELB and its EIP",
        "CCE deletes the ELB it autocreated for a Service when the Service is deleted, unless other resources "
        "still use it, and with it the EIP it created; an EIP created by hand is only unbound. A change of a "
        "field CCE takes only at creation (elb.class, elb.autocreate, elb.id, elb.protocol-port, "
        "externalTrafficPolicy) replaces the Service, deleting it first: the addresses change. Shown when "
        "the preview is given the stack's previous state (--state); pulumi preview shows the replacement.",
        "Keep the fields CCE takes only at creation as they are; to change one and keep a public address, "
        "first move the ELB to an EIP you created (kubernetes.io/elb.custom-eip-id), which CCE unbinds "
        "instead of deleting.",
        (src.OTC_CREATE, src.OTC_EIP, src.OTC_ANN, src.PULUMI_REPLACE_ON_CHANGES),
    ),
    Rule(
        "PT218",
        W,
        "managed ELB, EIP or bandwidth left unprotected in a production stack, or unprotected by this plan",
        "Pulumi's protect option makes the engine refuse to delete a resource (pulumi destroy, a removed "
        "service, a replacement) until it is unprotected first. A stack marked production: true protects "
        "what it creates in the cloud unless elb.managed.protect says false; a plan that turns protect off "
        "where the previous state had it lets the next change delete the ELB and release its EIP.",
        "Remove protect: false from elb.managed (or set protect: true), or set production: false for a "
        "stack that may be destroyed.",
        (src.PULUMI_PROTECT, src.README_CONFIG),
    ),
    Rule(
        "PT219",
        E,
        "previous state (--state) cannot be read or is of another stack",
        "The preview compares the plan with the stack's previous state to say what a change replaces or "
        "deletes; a file that is not a regular file of at most 64 MiB holding a pulumi stack export (or the "
        "backend's checkpoint) of this very project and stack cannot answer that. The command cannot run "
        "(exit 2).",
        "Pass the output of pulumi stack export --stack <this stack> > state.json as --state state.json.",
        (src.PULUMI_STACK_EXPORT,),
    ),
]
