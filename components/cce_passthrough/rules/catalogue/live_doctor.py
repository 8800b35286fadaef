"""The live cluster: doctor and adopt (PT500-PT579)."""

from __future__ import annotations

from .. import sources as src
from .rule import INFO, E, Rule, W

# Sources of the live rules: Huawei's published error code lists (the OTC pages carry the same tables)
# and the cloud controller event every CCE ELB failure arrives as.
_ELB_ERRORS = (src.HW_ELB_ERRORS, src.OTC_ELB_ERRORS)
_VPC_ERRORS = (src.HW_VPC_ERRORS, src.OTC_VPC_ERRORS)
_SYNC_EVENT = (src.K8S_SERVICE_CONTROLLER, src.SYNC_EVENT_REPORT)

RULES = [
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
    # doctor: the deployed Service against the stack.
    Rule(
        "PT535",
        W,
        "drift: the deployed Service differs from what the stack sets",
        "An annotation or spec field the component sets has another value in the cluster (changed with "
        "kubectl or the console); the next `pulumi up` puts the stack's value back, and for "
        "kubernetes.io/elb.class, elb.id, elb.autocreate, elb.protocol-port or externalTrafficPolicy "
        "replaces the Service, which releases an autocreated ELB and its address.",
        "Put the live value into the stack entry if it is the one you want, or run pulumi up to restore "
        "the stack's value.",
        "https://www.pulumi.com/docs/iac/cli/commands/pulumi_refresh/ "
        "https://support.huaweicloud.com/intl/en-us/usermanual-cce/cce_10_0385.html",
    ),
    Rule(
        "PT536",
        INFO,
        "a value CCE wrote onto the Service (a fact, not drift)",
        "CCE writes the id of the ELB it created (kubernetes.io/elb.id), its EIP id and, with "
        "externalTrafficPolicy Local, pass-through onlyLocal onto the Service; the component leaves these "
        "to CCE, so they are shown as what the cluster holds.",
        "Nothing to change; use the ELB id to share that ELB (elb.shareWith) or to read its listeners.",
        (src.OTC_EIP, src.OTC_PT),
    ),
    # doctor and preview --live: what the live reads could not establish.
    Rule(
        "PT537",
        W,
        "an Ingress on the stack's ELB does not say which listener ports it uses",
        "CCE makes an Ingress's listeners from kubernetes.io/elb.listen-ports (a JSON list such as "
        '[{"HTTP":80},{"HTTPS":443}], which wins) or kubernetes.io/elb.port (HTTPS when the Ingress has '
        "tls); an Ingress with neither, or with a value that is not the documented form, gives no port "
        "the same-ELB rules could count.",
        "Give the Ingress kubernetes.io/elb.port (or kubernetes.io/elb.listen-ports) in the documented "
        "form, then run doctor again.",
        (src.HW_ING_ANNOTATIONS, src.HW_ING_LISTEN_PORTS),
    ),
    Rule(
        "PT538",
        W,
        "the listeners of an ELB were read in part",
        "ListListeners returns at most limit listeners per page and the next page from the marker of the "
        "last one; past the page bound of this command the rest is not read, so a listener that is "
        "there may not be counted by the same-ELB rules.",
        "Delete listeners the ELB no longer needs, or check the ports the message names in the ELB "
        "console before pulumi up.",
        (src.HW_ELB_LIST_LISTENERS,),
    ),
    # doctor and preview --live: the ELB and the Deployment as they are against what the stack declares.
    Rule(
        "PT539",
        E,
        "the live ELB is not of the class or in the VPC the stack says",
        "ShowLoadBalancer tells a dedicated ELB (guaranteed true) from a shared one and names its VPC; CCE "
        "attaches a Service only to an ELB of the class kubernetes.io/elb.class names, in the cluster's VPC "
        "(a managed ELB: the VPC the stack gives it).",
        "Set elb.class to the ELB's class (or use an ELB of the declared class) and keep the ELB in the "
        "cluster's VPC.",
        (src.OTC_ANN, src.HW_ELB_SHOW),
    ),
    Rule(
        "PT540",
        W,
        "the live ELB's zones or flavors differ from what the stack declares",
        "CCE creates an autocreate ELB with the zones and flavor ids of kubernetes.io/elb.autocreate and the "
        "stack creates a managed one with its own; once created, a change in the console, or in the stack "
        "afterwards, is not applied to the ELB: the stack no longer describes it.",
        "Put the live zones and flavor ids into the stack entry, or change the ELB back in the console.",
        (src.OTC_ANN, src.HW_ELB_SHOW, src.HW_ELB_FLAVORS),
    ),
    Rule(
        "PT541",
        W,
        "drift: the deployed Deployment differs from what the stack sets",
        "A label, the selector, the replica count or the container (name, image, ports, resources, pull "
        "secrets) the component sets has another value in the cluster (kubectl, the console, an "
        "autoscaler): the next pulumi up puts the stack's value back, and a changed selector replaces the "
        "Deployment. Fields the API server fills in are the cluster's and not drift.",
        "Put the live value into the stack entry if it is the one you want, or run pulumi up to restore "
        "the stack's value.",
        (
            "https://www.pulumi.com/docs/iac/cli/commands/pulumi_refresh/ "
            "https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/deployment-v1/"
        ),
    ),
]
