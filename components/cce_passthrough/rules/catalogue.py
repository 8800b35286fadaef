"""The rule catalogue, as data: every diagnostic code with its severity, summary, rationale, fix and
source. Codes are stable; a retired code stays here with `retired=True` and is never reused.

Every rule names its sources: public pages (title and full URL, see `sources.py`) that a reader can
open, or for rules about this project's own configuration, the README of this repository.

Numbering: PT1xx cluster support and version gates, PT2xx the ELB source and its autocreate/managed
settings, PT3xx rules across the services of a stack, PT4xx the Service spec and its annotations, PT9xx
configuration shape and cluster lookup. A new rule takes the next free number of its family.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.diagnostics import Diagnostic, Severity
from . import sources as src
from .sources import Source


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    summary: str
    rationale: str
    fix: str
    cites: tuple[Source, ...] | str
    """The sources: titled pages, or a plain string of whitespace-separated URLs."""
    retired: bool = False

    @property
    def sources(self) -> tuple[Source, ...]:
        if isinstance(self.cites, str):
            # `url`, `url url`, `url and url`, `url, url`: each address is its own source.
            addresses = [word.strip(",;") for word in self.cites.split() if word not in ("and", ",", ";")]
            return tuple(Source(address, address) for address in addresses if address)
        return self.cites

    @property
    def source(self) -> str:
        """Every source as `title <url>`, for one-line output."""
        return "; ".join(str(s) for s in self.sources)

    def finding(self, resource: str | None, field: str, message: str, fix: str | None = None) -> Diagnostic:
        """A diagnostic of this rule; `fix` overrides the catalogue's generic fix with a precise one."""
        return Diagnostic(self.code, self.severity, resource, field, message, fix or self.fix)


E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

# Sources of the live rules: Huawei's published error code lists (the OTC pages carry the same tables)
# and the cloud controller event every CCE ELB failure arrives as.
_ELB_ERRORS = (src.HW_ELB_ERRORS, src.OTC_ELB_ERRORS)
_VPC_ERRORS = (src.HW_VPC_ERRORS, src.OTC_VPC_ERRORS)
_SYNC_EVENT = (src.K8S_SERVICE_CONTROLLER, src.SYNC_EVENT_REPORT)

_RULES = [
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
        "https://support.huaweicloud.com/intl/en-us/usermanual-cce/cce_10_0281.html",
    ),
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
        "public autocreate without all bandwidth and EIP fields",
        "type: public makes CCE create an EIP and a bandwidth, which needs bandwidth_name, "
        "bandwidth_chargemode, bandwidth_size, bandwidth_sharetype and eip_type.",
        "Add the missing fields, or use type: inner for a private ELB.",
        (src.OTC_ANN,),
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
        "PT302",
        E,
        "IPVS cluster: services on one ELB disagree on pass-through",
        "With kube-proxy in IPVS mode, all Services attached to the same ELB must have the same pass-through "
        "setting; otherwise the ELB address is captured on the ipvs-0 device for some of them.",
        "Give every service on this ELB the same passThrough (and externalTrafficPolicy) setting.",
        (src.OTC_PT, src.OTC_OVERVIEW, src.HW_BP_SEED),
    ),
    Rule(
        "PT303",
        E,
        "two listeners on one ELB claim the same port",
        "Each Service port becomes an ELB listener; TCP, HTTP, HTTPS and TLS share one port space per ELB, "
        "and only UDP may reuse a port another protocol uses.",
        "Change one of the ports, or put the service on another ELB.",
        (src.HW_ELB_PORTS, src.OTC_HTTP),
    ),
    Rule(
        "PT304",
        W,
        "user-supplied pass-through annotation that CCE rewrites",
        "With externalTrafficPolicy: Local CCE sets kubernetes.io/elb.pass-through to onlyLocal; any other "
        "value you send is rewritten and shows as drift on every preview.",
        "Drop kubernetes.io/elb.pass-through from annotations and use passThrough; the component emits the "
        "value CCE keeps.",
        (src.OTC_PT, src.HW_BP_SEED),
    ),
    Rule(
        "PT401",
        E,
        "service or port spec invalid",
        "Kubernetes rejects ports outside 1-65535, node ports outside 30000-32767 (0 or none: Kubernetes "
        "picks one), duplicate ports, Service port names that are not DNS-1123 labels and container port "
        "names that are not IANA service names of at most 15 characters. The component names each container "
        "port after its Service port, so a name it reuses must satisfy both.",
        "Correct the port, nodePort or name as the message says.",
        (src.OTC_CREATE, src.K8S_SERVICE_PORT, src.K8S_CONTAINER_PORT, src.K8S_NAMES),
    ),
    Rule(
        "PT402",
        E,
        "invalid annotation combination",
        "Some ELB annotations exclude or require others, or fit only some ports and ELBs: sticky sessions "
        "with the SOURCE_IP algorithm, health-check flag and option forms and their target ports, ACL id "
        "without status and type, tags, enterpriseID or custom-eip-id on an ELB CCE does not create, more "
        "than 19 tags, protocol-port on a port the Service lacks or on UDP, HTTPS without cert-id, an "
        "annotation of the other ELB class (transparent-client-ip, client-ca-cert-id, UDP keepalive).",
        "Change the annotations as the message says.",
        (src.OTC_ANN, src.OTC_STICKY, src.OTC_HC_MULTI, src.OTC_HTTP, src.OTC_ING_KUBECTL),
    ),
    Rule(
        "PT403",
        E,
        "annotation the component owns set through annotations",
        "kubernetes.io/elb.class, elb.id and elb.autocreate are built from the typed elb settings and "
        "kubernetes.io/elb.pass-through from passThrough; a second source for them would be ignored or fight "
        "the model.",
        "Remove the key from annotations and use elb.class, elb.existing, elb.autocreate or passThrough.",
        (src.README_CONFIG, src.OTC_ANN),
    ),
    Rule(
        "PT404",
        E,
        "annotation value outside its documented format or range",
        "CCE reads every kubernetes.io/elb.* annotation as a string of a fixed form (an enum, an integer "
        "range, `key=value` lists, JSON objects with typed fields); a value out of that form fails the "
        "Service only when CCE reconciles it, after `pulumi up`.",
        "Give the annotation a value of its documented form, as the message says.",
        (src.OTC_ANN, src.OTC_HC_MULTI, src.OTC_TIMEOUT, src.OTC_ING_KUBECTL),
    ),
    Rule(
        "PT405",
        W,
        "unknown or undocumented kubernetes.io/elb.* annotation",
        "CCE ignores kubernetes.io/elb.* keys it does not know, so a misspelt key silently loses its intent; "
        "keys found only in unofficial notes may not work at all.",
        "Correct the key (the message suggests the nearest documented one), or remove it.",
        (src.OTC_ANN, src.HW_ANN),
    ),
    Rule(
        "PT406",
        W,
        "annotation has no effect in this configuration",
        "Some annotations only act on certain listeners, ELB classes or cluster types (http2-enable on HTTPS, "
        "transparent-client-ip with Local on CCE Standard, adaptive-weight outside CCE Turbo with a dedicated "
        "ELB, options without the annotation that enables them); elsewhere CCE ignores them.",
        "Remove the annotation, or add what it depends on, as the message says.",
        (src.OTC_ANN, src.OTC_CLIENTIP, src.OTC_HTTP),
    ),
    Rule(
        "PT407",
        W,
        "annotation CCE writes itself",
        "CCE writes kubernetes.io/elb.eip-id and kubernetes.io/elb.custom-eip-status onto Services with an "
        "autocreated public ELB, and kubernetes.io/elb.mark onto the Services it manages; a value you send "
        "is overwritten or rejected and shows as drift. On a Service read back from a cluster they are "
        "expected and not reported.",
        "Remove the key from annotations; read it from the live Service instead.",
        (src.OTC_EIP, src.CCE_WRITTEN_FIELD_REPORT),
    ),
    Rule(
        "PT408",
        W,
        "custom-eip-id on a Service that has no elb.eip-id yet",
        "CCE accepts kubernetes.io/elb.custom-eip-id only when updating a Service that already carries "
        "kubernetes.io/elb.eip-id, i.e. after its autocreated public ELB exists; on a new Service it is not "
        "applied.",
        "Create the Service first, then add custom-eip-id in a later update (with an unbound EIP).",
        (src.OTC_ANN, src.OTC_EIP),
    ),
    Rule(
        "PT409",
        W,
        "sticky sessions on CCE Standard with externalTrafficPolicy: Cluster",
        "On a CCE Standard cluster, source-IP sticky sessions hold only with node-level service affinity "
        "(externalTrafficPolicy: Local) and backend pods spread over nodes by anti-affinity; with Cluster the "
        "node forwards the ELB's connection to any pod and stickiness is lost.",
        "Set externalTrafficPolicy: Local and give the pods anti-affinity across nodes, or remove "
        "kubernetes.io/elb.session-affinity-mode.",
        (src.OTC_STICKY, src.OTC_ANN),
    ),
    Rule(
        "PT410",
        E,
        "SCTP port on a LoadBalancer Service",
        "ELB listeners are TCP or UDP (HTTP/HTTPS through kubernetes.io/elb.protocol-port); the cloud "
        "controller rejects an SCTP port, so the Service never gets its ELB.",
        "Use TCP or UDP, or expose the SCTP port through a Service of another type.",
        (src.OTC_CREATE, src.HW_OSS_CCM_SCTP),
    ),
    Rule(
        "PT411",
        W,
        "TCP and UDP in one LoadBalancer Service on a cluster older than v1.24",
        "A LoadBalancer Service with both TCP and UDP ports needs Kubernetes' MixedProtocolLBService, on by "
        "default from v1.24; older clusters reject the Service. CCE documents nothing about it.",
        "Split the TCP and UDP ports into two Services on the same ELB, or upgrade the cluster to v1.24 or "
        "later.",
        (src.K8S_MIXED_PROTOCOL,),
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
        "PT305",
        E,
        "shareWith names no usable service",
        "shareWith attaches this service to the ELB of another service of the same stack; that service must "
        "exist, own its ELB (not share one itself) and use the same ELB class.",
        "Point shareWith at a service of this stack that autocreates, manages or names its ELB.",
        (src.README_CONFIG,),
    ),
    Rule(
        "PT930",
        E,
        "shareWith an autocreated ELB whose id CCE did not write back",
        "A Service joins an existing ELB through kubernetes.io/elb.id, which is mandatory for it. The id of an "
        "ELB CCE autocreates is known only from the annotation CCE writes onto the owner's Service (the "
        "Service read back in cce_10_0924 carries it); if it is missing when `pulumi up` has created the "
        "owner, the sharing Service is not sent rather than sent with an empty id.",
        "Run `pulumi up --refresh` once the owner's Service shows kubernetes.io/elb.id, or share through "
        "existing: {id: <the ELB's id>}.",
        (src.OTC_ANN, src.OTC_EIP),
    ),
    Rule(
        "PT931",
        INFO,
        "a service's namespace is not created by the stack",
        "Kubernetes refuses a Deployment or Service in a namespace that does not exist, so the first "
        "`pulumi up` on a fresh cluster fails unless the namespace is there; the stack creates it only when "
        "cce-passthrough:createNamespaces is true.",
        "Set cce-passthrough:createNamespaces: true, or create the namespace first and set "
        "createNamespaces: false.",
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/",
    ),
    Rule(
        "PT901",
        E,
        "unknown configuration key",
        "A misspelt key would otherwise be ignored silently and its intent lost.",
        "Remove the key or correct its spelling.",
        (src.README_CONFIG,),
    ),
    Rule(
        "PT902",
        E,
        "configuration value of the wrong type",
        "Values drive resource inputs and checks; a wrong type cannot be interpreted safely.",
        "Give the value the documented type.",
        (src.README_CONFIG,),
    ),
    Rule(
        "PT903",
        E,
        "required configuration key missing",
        "The value has no safe default.",
        "Add the key with a documented value.",
        (src.README_CONFIG,),
    ),
    Rule(
        "PT904",
        E,
        "cluster lookup failed or contradicts the declared facts",
        "Checks use the cluster's version, flavor and VPC; when the lookup fails or disagrees with what the "
        "stack declares, the checks would rest on wrong facts.",
        "Fix the cluster name, region and credentials, or correct the declared cluster facts to match.",
        (src.TF_CCE_DS, src.PULUMI_HW),
    ),
    Rule(
        "PT905",
        E,
        "project or stack file cannot be read",
        "Only a regular file of at most 4 MiB of UTF-8 text is read: a FIFO, a device such as /dev/zero or a "
        "directory would block the preview or never end, and a missing or unreadable file has nothing to "
        "preview. The command cannot run (exit 2).",
        "Pass the path of the stack file itself (stacks/Pulumi.<stack>.yaml), readable and UTF-8 encoded.",
        "https://www.pulumi.com/docs/iac/concepts/projects/stack-settings-file/",
    ),
    Rule(
        "PT906",
        E,
        "project or stack file is not YAML shaped like one",
        "A stack file is one YAML mapping with a config: mapping; a project file names the project and its "
        "program. Anything else cannot be read as Pulumi would read it. The command cannot run (exit 2).",
        "Correct the YAML at the line the message names.",
        "https://www.pulumi.com/docs/iac/concepts/projects/stack-settings-file/",
    ),
    Rule(
        "PT907",
        E,
        "stack file passes the reader's limits (aliases, nesting, size)",
        'YAML aliases can make a few hundred bytes expand to gigabytes ("billion laughs"), or refer to '
        "themselves; the file is refused before anything is expanded when its size, its nesting or its "
        "expansion passes the documented limits. The command cannot run (exit 2).",
        "Write the values out, without aliases that expand to such a size or refer to themselves.",
        "https://yaml.org/spec/1.2.2/#3222-anchors-and-aliases",
    ),
    Rule(
        "PT908",
        E,
        "duplicate key in a stack file",
        "YAML requires the keys of a mapping to be unique; a reader that accepts a duplicate keeps one value "
        "silently, and the Pulumi CLI refuses the file.",
        "Keep one of the two keys and delete the other.",
        "https://yaml.org/spec/1.2.2/#mapping",
    ),
    Rule(
        "PT909",
        E,
        "YAML tag Pulumi config cannot hold (!!binary, !!set, custom tags)",
        "Pulumi config values are strings, numbers, booleans, null, lists and mappings; a tag such as "
        "!!binary, !!set, !!omap or a custom !Tag would silently become something else on its way to the "
        "program.",
        "Remove the tag and write the value as plain text, a number, a list or a mapping.",
        "https://www.pulumi.com/docs/iac/concepts/config/#structured-configuration https://yaml.org/type/",
    ),
    Rule(
        "PT910",
        E,
        "mapping key that is not a string",
        "YAML reads 1, true, null or a date as a key of that type, which Pulumi config (JSON) turns into text "
        "or cannot hold at all; the key the program sees is not the one written.",
        "Quote the key, or correct it.",
        "https://www.pulumi.com/docs/iac/concepts/config/#structured-configuration",
    ),
    Rule(
        "PT911",
        E,
        "number too long for any setting",
        "No setting takes a number of more than 64 characters; reading one costs time and memory for nothing.",
        "Use a number in the range the setting documents.",
        "https://yaml.org/type/int.html",
    ),
    # Live access (the `live` package: verify, doctor, adopt). One code per kind of failure, whatever
    # the API; the message names the API and the call.
    Rule(
        "PT580",
        E,
        "no usable kubeconfig or Huawei Cloud credentials for a live call",
        "A live command talks to the cluster with a kubeconfig and to Huawei Cloud with an access key, "
        "secret key, region and project; without them nothing can be read, and guessing would read the "
        "wrong cluster or account.",
        "Set KUBECONFIG (or the secret cce-passthrough:kubeconfig) and HW_ACCESS_KEY, HW_SECRET_KEY, "
        "HW_REGION_NAME (or the secret huaweicloud:* config) as for `pulumi up`.",
        (src.K8S_KUBECONFIG, src.TF_PROVIDER_AUTH),
    ),
    Rule(
        "PT581",
        E,
        "live API unreachable",
        "The connection to the API server or the Huawei Cloud endpoint failed before any answer: wrong "
        "address, no route from this machine, DNS or TLS failure.",
        "Check the server address in the kubeconfig or the region, and that this machine can reach it "
        "(VPN, EIP on the API server, proxy settings).",
        (src.K8S_API_CONCEPTS, src.HW_API_SIGN),
    ),
    Rule(
        "PT582",
        E,
        "live API rejected the credentials (HTTP 401)",
        "The server did not accept the kubeconfig's credentials or the request signature of the access "
        "key: expired certificate or token, wrong or deleted access key, or a clock far off.",
        "Renew the kubeconfig or the access key pair the message names, and check this machine's clock.",
        (src.K8S_STATUS, src.HW_API_SIGN),
    ),
    Rule(
        "PT583",
        E,
        "live API denied the call (HTTP 403)",
        "The identity is known but lacks the permission for this call (Kubernetes RBAC, or an IAM policy "
        "of the Huawei Cloud user).",
        "Grant the permission the message names (see the README's permissions table) to the kubeconfig's "
        "user or the IAM user.",
        (src.K8S_STATUS, src.HW_API_STATUS),
    ),
    Rule(
        "PT584",
        E,
        "live object not found (HTTP 404)",
        "The object the command needs does not exist where it looked: wrong name, namespace, ELB id, "
        "project or region.",
        "Check the name, namespace or id, and that the kubeconfig and region point at the right cluster.",
        (src.K8S_STATUS, src.HW_API_STATUS),
    ),
    Rule(
        "PT585",
        E,
        "live API throttled the calls (HTTP 429)",
        "The API kept refusing calls for exceeding its rate limit after the limited retries this command "
        "makes.",
        "Run the command again in a minute, or lower the request rate of other tools using the same account.",
        (src.K8S_STATUS, src.HW_API_STATUS),
    ),
    Rule(
        "PT586",
        E,
        "live API server error (HTTP 5xx)",
        "The API answered with a server error after the limited retries; the call may succeed later.",
        "Run the command again later; if it persists, check the service's status in the console.",
        (src.K8S_STATUS, src.HW_API_STATUS),
    ),
    Rule(
        "PT587",
        E,
        "live call timed out",
        "The server accepted the connection but did not answer within the timeout, or did not accept it "
        "at all in time; every live call has a bounded time.",
        "Run the command again, or raise the timeout if the network to the API is slow.",
        (src.K8S_API_CONCEPTS, src.HW_API_SIGN),
    ),
    Rule(
        "PT588",
        E,
        "live API answered with a malformed response",
        "The answer was not the JSON the API documents (a proxy's HTML page, a truncated body, a wrong "
        "type), so nothing in it can be trusted.",
        "Check that the address is the API itself and not a proxy or login page, then run again.",
        (src.K8S_API_CONCEPTS, src.HW_API_STATUS),
    ),
    Rule(
        "PT589",
        E,
        "live API refused the request (HTTP 4xx)",
        "The API refused the request itself (bad request, conflict, invalid object), for example an "
        "admission webhook or a quota rejecting what the command tried to create.",
        "Read the API's message in the finding and fix what it names (namespace quota, admission policy).",
        (src.K8S_STATUS, src.HW_API_STATUS),
    ),
    # Live cluster (doctor, adopt): PT500-PT579. A pending Service explained from CCE's events.
    Rule(
        "PT500",
        E,
        "pending Service: the account's load balancer quota is used up",
        "CCE could not create the ELB of an autocreate Service: the ELB API answered that the number of load "
        "balancers exceeds the quota (ELB.1091, or quota exceeded for loadbalancer).",
        "Delete load balancers that are no longer used or request a higher ELB quota, then let CCE retry.",
        _ELB_ERRORS,
    ),
    Rule(
        "PT501",
        E,
        "pending Service: the listener quota is used up",
        "Each Service port is an ELB listener; the ELB API refused a new one because the listener quota is "
        "reached (ELB.6091).",
        "Delete listeners that are no longer used or request a higher listener quota.",
        _ELB_ERRORS,
    ),
    Rule(
        "PT502",
        E,
        "pending Service: the ELB's subnet has no free IP address",
        "The ELB's private address (or a dedicated ELB's backend addresses) comes from a subnet with no "
        "address left (VPC.0703 No more IP addresses available on network, ELB.8934).",
        "Free addresses in the subnet, or choose another subnet with autocreate vip_subnet_cidr_id.",
        (*_VPC_ERRORS, *_ELB_ERRORS),
    ),
    Rule(
        "PT503",
        E,
        "pending Service: no EIP could be assigned to the public ELB",
        "An autocreate type: public ELB needs a new EIP; the VPC API refused it: EIP quota used up "
        "(VPC.0521, quota exceeded for floatingip) or no address left in the pool (VPC.0532).",
        "Release unbound EIPs or request a higher EIP quota, or use autocreate type: inner.",
        _VPC_ERRORS,
    ),
    Rule(
        "PT504",
        E,
        "pending Service: the dedicated ELB's flavor or availability zone is unavailable",
        "A dedicated ELB is created with the flavor and zones of autocreate; a flavor sold out or a zone the "
        "region does not offer makes the creation fail.",
        "Pick a flavor and zone the region offers (ListFlavors, ListAvailabilityZones) in autocreate.",
        (src.OTC_ELB_FLAVORS, *_ELB_ERRORS),
    ),
    Rule(
        "PT505",
        E,
        "pending Service: the ELB it names does not exist",
        "kubernetes.io/elb.id names an ELB the ELB API does not know in this region and project (ELB.1002, "
        "ELB.1003): deleted, or created elsewhere.",
        "Set elb.existing.id to an ELB of this region and project, or let CCE create one with autocreate.",
        _ELB_ERRORS,
    ),
    Rule(
        "PT506",
        E,
        "pending Service: a listener of the ELB already uses the port",
        "Listener ports are unique per ELB; the ELB API refused the Service's listener because another one "
        "holds the port (ELB.6200), made by another Service, an ingress or the console.",
        "Use another port, remove the other listener, or give this Service its own ELB.",
        (*_ELB_ERRORS, src.HW_ELB_PORTS),
    ),
    Rule(
        "PT507",
        E,
        "pending Service: the cloud refused CCE's call (permissions or account state)",
        "CCE calls the ELB and VPC APIs through its agency; a denied call (VPC.2201, ELB.9803) or an "
        "account in arrears or frozen (VPC.0502, VPC.2701) stops the ELB from being made.",
        "Check the account's balance and status, and that CCE's agency keeps its default permissions.",
        (*_VPC_ERRORS, *_ELB_ERRORS),
    ),
    Rule(
        "PT508",
        E,
        "pending Service: the ELB API rejected a value taken from the annotations",
        "CCE passes annotation values to the ELB API; an invalid one is refused (ELB.8902 Invalid input, "
        "ELB.1202 enterprise project).",
        "Correct the value the message names in the Service's kubernetes.io/elb.* annotations.",
        _ELB_ERRORS,
    ),
    Rule(
        "PT509",
        W,
        "pending Service: CCE reports an ELB error this tool does not know",
        "The Service has no address and its newest warning event is an ELB sync failure whose cause is none "
        "of the documented ones above; the message is quoted as CCE wrote it.",
        "Read the quoted error in Huawei's ELB and VPC error code lists and fix what it names.",
        (*_SYNC_EVENT, *_ELB_ERRORS),
    ),
    Rule(
        "PT510",
        W,
        "pending Service: no event says why",
        "The Service has no address and no warning event: CCE may still be creating the ELB, or the events "
        "have expired (the API server keeps them one hour by default).",
        "Wait a few minutes and run doctor again; if it stays pending, read the cloud controller's events "
        "with kubectl describe service.",
        (*_SYNC_EVENT, src.K8S_APISERVER_EVENT_TTL),
    ),
    # adopt: an existing Service and Deployment brought under the stack.
    Rule(
        "PT530",
        E,
        "adopt: the first plan after the import would replace the object",
        "After `pulumi import` the state holds every live field; a field the stack renders differently "
        "under an immutable path (kubernetes.io/elb.class, elb.id, elb.autocreate, spec.clusterIP, a "
        "Deployment's selector) makes Pulumi delete and recreate the object: a new ELB and a new address.",
        "Do not import: make the entry render the live value (the message names the field), or keep the "
        "object out of the stack.",
        "https://github.com/pulumi/pulumi-kubernetes/blob/master/provider/pkg/provider/diff.go "
        "https://www.pulumi.com/docs/iac/adopting-pulumi/import/",
    ),
    Rule(
        "PT531",
        W,
        "adopt: the first plan after the import would change the object in place",
        "A live field the stack entry renders differently, or does not render at all, shows as an update "
        "after `pulumi import`; `pulumi up` would then apply the stack's version.",
        "Check the change the message names; accept it, or adjust the entry so that it renders the live value.",
        "https://github.com/pulumi/pulumi-kubernetes/blob/master/provider/pkg/provider/provider.go "
        "https://www.pulumi.com/docs/iac/adopting-pulumi/import/",
    ),
    Rule(
        "PT532",
        W,
        "adopt: a live setting the stack cannot express is kept but not managed",
        "The component leaves fields the API server defaults (session affinity, rollout strategy, ...) to "
        "the cluster; a live value that differs from the default survives the import but is not in the "
        "stack, so a new environment built from the stack would not have it.",
        "Keep the value in mind when rebuilding the service elsewhere, or reset it to the default.",
        "https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/ "
        "https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/deployment-v1/",
    ),
    Rule(
        "PT533",
        E,
        "adopt: the live objects cannot become a stack entry",
        "The component makes a Deployment and a LoadBalancer Service of the same name whose ELB is named by "
        "kubernetes.io/elb.class and elb.id or elb.autocreate; a Service without them, or without a "
        "Deployment of its name, cannot be expressed.",
        "Adopt a LoadBalancer Service with its ELB annotations and a Deployment of the same name.",
        "https://support.huaweicloud.com/intl/en-us/usermanual-cce/cce_10_0385.html "
        "https://support.huaweicloud.com/intl/en-us/bestpractice-cce/cce_bestpractice_0301.html",
    ),
    Rule(
        "PT534",
        E,
        "adopt --write: the stack file was not written",
        "adopt edits the stack file in place only when it is a regular file (not a link), parses, has a "
        "services list, does not already hold a service of that name, and did not change while adopt ran.",
        "Fix what the message names, or add the printed entry to the stack file by hand.",
        "https://www.pulumi.com/docs/iac/concepts/projects/project-file/",
    ),
    # verify (issue 15): the verdicts other than "confirmed", and what the run did to the cluster.
    Rule(
        "PT590",
        E,
        "verify: traffic did not reach the ELB",
        "The probe pod connected to the ELB address, yet Cloud Eye counted no matching new connections on the "
        "ELB for the whole probe window: kube-proxy answered inside the cluster, as it does without "
        "pass-through.",
        "Set passThrough: true (kubernetes.io/elb.pass-through) on the service, or fix the cluster fact the "
        "message names, then run `pulumi up` and verify again.",
        "https://support.huaweicloud.com/intl/en-us/usermanual-cce/cce_10_0355.html "
        "https://support.huaweicloud.com/intl/en-us/usermanual-elb/elb_ug_jk_0001.html",
    ),
    Rule(
        "PT591",
        W,
        "verify inconclusive: Cloud Eye had no data for the probe in time",
        "Cloud Eye publishes raw ELB samples about a minute late; without samples covering the probe, the "
        "ELB's connection count cannot prove or disprove pass-through.",
        "Run verify again with a longer --timeout, and check that the ELB id is the one the Service uses.",
        "https://support.huaweicloud.com/intl/en-us/usermanual-elb/elb_ug_jk_0001.html",
    ),
    Rule(
        "PT592",
        W,
        "verify inconclusive: the probe pod could not run",
        "The probe Job's pod was never scheduled, could not pull its image, or did not finish in time, so no "
        "request was made.",
        "Fix what the message names (--node, --image with a mirror the cluster can pull, a longer --timeout).",
        "https://kubernetes.io/docs/concepts/workloads/controllers/job/ "
        "https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/",
    ),
    Rule(
        "PT593",
        W,
        "verify inconclusive: the probe could not connect to the ELB address",
        "Without a connection there is nothing for the ELB to count; the cause is the network path (a backend "
        "node behind a dedicated ELB on CCE Standard, a public address without egress, a listener or "
        "security group), not pass-through itself.",
        "Fix the path the message names and run verify again.",
        "https://support.huaweicloud.com/intl/en-us/usermanual-cce/cce_10_0355.html",
    ),
    Rule(
        "PT594",
        W,
        "verify inconclusive: the service has no ELB id or address yet",
        "verify probes the address in status.loadBalancer.ingress and reads the metrics of the ELB in "
        "kubernetes.io/elb.id; a Service still <pending> has neither.",
        "Wait until the Service has its ELB address (`cce-passthrough doctor` explains a pending one), or "
        "pass --outputs with the stack's outputs.",
        "https://support.huaweicloud.com/intl/en-us/usermanual-cce/cce_10_0355.html",
    ),
    Rule(
        "PT595",
        W,
        "verify inconclusive: no node without a backend pod for a dedicated ELB",
        "On a CCE Standard cluster the private IP of a dedicated ELB is unreachable from the node that hosts "
        "the backend pod and from other pods on that node, so the probe must run elsewhere.",
        "Add a node or keep one free of backend pods (anti-affinity), or pass --node to accept the limitation.",
        "https://support.huaweicloud.com/intl/en-us/usermanual-cce/cce_10_0355.html",
    ),
    Rule(
        "PT596",
        INFO,
        "verify removed a leftover probe Job of an earlier run",
        "An interrupted run (killed before its cleanup) can leave its labelled Job behind; the next run "
        "finds it by label and deletes it.",
        "Nothing to do; the leftover is gone.",
        "https://kubernetes.io/docs/concepts/workloads/controllers/job/",
    ),
    Rule(
        "PT597",
        E,
        "verify could not delete its probe Job",
        "Everything verify creates is deleted at the end; when the delete call fails the Job stays until "
        "its ttlSecondsAfterFinished (600 s) or a later run removes it.",
        "Delete the Job the message names with kubectl, or run verify again.",
        "https://kubernetes.io/docs/concepts/workloads/controllers/job/",
    ),
]

CATALOGUE: dict[str, Rule] = {rule.code: rule for rule in sorted(_RULES, key=lambda r: r.code)}


def rule(code: str) -> Rule:
    return CATALOGUE[code]
