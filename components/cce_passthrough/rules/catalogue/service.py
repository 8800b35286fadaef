"""The Service spec and its annotations (PT4xx)."""

from __future__ import annotations

from .. import sources as src
from .rule import E, Rule, W

RULES = [
    Rule(
        "PT401",
        E,
        "service or port spec invalid",
        "Kubernetes rejects ports outside 1-65535, node ports outside 30000-32767 (0 or none: Kubernetes "
        "picks one), duplicate ports, Service port names that are not DNS-1123 labels and container port "
        "names that are not IANA service names of at most 15 characters. The component names each container "
        "port after its Service port, so a name it reuses must satisfy both. A resource request or limit "
        "that is not a quantity (512MB) fails the Deployment; an image with leading or trailing whitespace "
        "passes in the Deployment and fails every pod it creates.",
        "Correct the port, nodePort, name, quantity or image as the message says.",
        (
            src.OTC_CREATE,
            src.K8S_SERVICE_PORT,
            src.K8S_CONTAINER_PORT,
            src.K8S_NAMES,
            src.K8S_QUANTITY,
            src.K8S_POD_IMAGE,
        ),
    ),
    Rule(
        "PT402",
        E,
        "invalid annotation combination: sticky sessions with SOURCE_IP, health-check forms, ACL, tags",
        "The combinations interface.md §3 names, each refused by CCE: session-affinity-mode with "
        "lb-algorithm: SOURCE_IP; health-check-option together with health-check-options, or "
        "health-check-flag: on with neither; a non-empty acl-id without acl-status and acl-type; tags or "
        "enterpriseID on an ELB CCE does not create (they apply only with elb.autocreate); more than 19 tags "
        "(an ELB holds 20 and CCE adds one). Other combinations have their own codes, PT430-PT441.",
        "Change the annotations as the message says.",
        (src.OTC_ANN, src.OTC_STICKY, src.OTC_HC_MULTI, src.OTC_ING_KUBECTL, src.HW_DRAWER_EPS),
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
        "PT412",
        W,
        "spec.loadBalancerIP on a hand-written Service",
        "CCE connects a Service to an ELB by kubernetes.io/elb.id and falls back to spec.loadBalancerIP only "
        "without it and only on clusters up to v1.23; Kubernetes deprecated the field in v1.24. CCE writes it "
        "itself on the Services it manages, so a read-back Service is not reported.",
        "Remove spec.loadBalancerIP and name the ELB with kubernetes.io/elb.id.",
        (src.OTC_ANN, src.OTC_CREATE, src.K8S_LOAD_BALANCER_IP),
    ),
    Rule(
        "PT413",
        W,
        "older annotation key replaced by a kubernetes.io/elb.* one",
        "Huawei Cloud's Chinese user guide wrote sticky sessions as kubernetes.io/session-affinity-mode until "
        "November 2022; every current CCE page uses kubernetes.io/elb.session-affinity-mode, and none says "
        "whether the old key is still read.",
        "Rename the key to kubernetes.io/elb.session-affinity-mode.",
        (src.HW_CN_MANUAL_2022, src.OTC_ANN),
    ),
    Rule(
        "PT414",
        W,
        "unknown field in a JSON annotation",
        "CCE documents the fields of health-check-option, health-check-options and session-affinity-option "
        "but not what it does with others; its own health-check-options example carries an undocumented "
        "expected_codes. An unknown field may be a misspelling that CCE ignores.",
        "Correct the field to a documented one (the message suggests the nearest), or remove it.",
        (src.OTC_ANN, src.OTC_HC_MULTI),
    ),
    Rule(
        "PT430",
        E,
        "annotation of the other ELB class",
        "Some annotations act on one ELB class only: transparent-client-ip on shared ELBs, client-ca-cert-id "
        "on dedicated ones.",
        "Remove the annotation, or use the ELB class it belongs to.",
        (src.OTC_ANN, src.OTC_CLIENTIP, src.OTC_HTTP),
    ),
    Rule(
        "PT431",
        E,
        "sticky sessions with a shared ELB in a CCE Turbo cluster",
        "In CCE Turbo clusters a shared ELB cannot do source-IP sticky sessions "
        "(kubernetes.io/elb.session-affinity-mode).",
        "Use elb.class: dedicated, or remove kubernetes.io/elb.session-affinity-mode.",
        (src.OTC_ANN, src.OTC_CREATE, src.OTC_STICKY),
    ),
    Rule(
        "PT432",
        E,
        "sticky sessions without a TCP or UDP listener",
        "Source-IP sticky sessions apply to TCP/UDP frontends only; when protocol-port turns every port into "
        "an HTTP/HTTPS listener there is nothing they act on.",
        "Keep a TCP/UDP port, or remove kubernetes.io/elb.session-affinity-mode.",
        (src.OTC_ANN, src.OTC_STICKY),
    ),
    Rule(
        "PT433",
        E,
        "health-check protocol that cannot probe its port",
        "A TCP port is checked over TCP or HTTP, a UDP port over UDP only.",
        "Set the health check's protocol to one its port takes.",
        (src.OTC_ANN, src.OTC_HC_MULTI),
    ),
    Rule(
        "PT434",
        E,
        "per-port health check for a port the Service does not have",
        "Each entry of kubernetes.io/elb.health-check-options names the Service port it checks as "
        "target_service_port (PROTOCOL:port), which must be one of spec.ports.",
        "Set target_service_port to a port of the Service, e.g. TCP:80.",
        (src.OTC_ANN, src.OTC_HC_MULTI),
    ),
    Rule(
        "PT435",
        E,
        "protocol-port names a port the Service does not have",
        "Every port in kubernetes.io/elb.protocol-port must be one of the Service's spec.ports: it turns that "
        "port's listener into HTTP, HTTPS or TLS.",
        "Use ports of spec.ports in kubernetes.io/elb.protocol-port.",
        (src.OTC_ANN, src.OTC_HTTP),
    ),
    Rule(
        "PT436",
        E,
        "protocol-port on a port that is not TCP",
        "Only a TCP port can become an HTTP, HTTPS or TLS listener; UDP ports cannot be HTTP/HTTPS.",
        "Remove the port from kubernetes.io/elb.protocol-port, or make the port TCP.",
        (src.OTC_ANN, src.OTC_HTTP),
    ),
    Rule(
        "PT437",
        E,
        "HTTPS or TLS listener without a server certificate",
        "An HTTPS or TLS listener serves the certificate kubernetes.io/elb.cert-id names; without it the "
        "listener cannot be created.",
        "Add kubernetes.io/elb.cert-id with the id of an ELB server certificate.",
        (src.OTC_ANN, src.OTC_HTTP),
    ),
    Rule(
        "PT438",
        E,
        "keepalive timeout with a UDP listener on a shared ELB",
        "A shared ELB has no keepalive timeout for UDP listeners; UDP keepalive is a dedicated ELB setting.",
        "Remove kubernetes.io/elb.keepalive_timeout, move the UDP port to another service, or use a dedicated "
        "ELB.",
        (src.OTC_ANN, src.OTC_TIMEOUT),
    ),
    Rule(
        "PT439",
        E,
        "several IP address groups on a shared ELB",
        "Only a dedicated ELB takes more than one IP address group in kubernetes.io/elb.acl-id (up to 5, on "
        "recent cluster releases).",
        "Keep one IP address group, or use elb.class: dedicated.",
        (src.OTC_ANN,),
    ),
    Rule(
        "PT440",
        E,
        "custom-eip-id without an ELB CCE created with a public address",
        "kubernetes.io/elb.custom-eip-id replaces the EIP of an ELB CCE autocreated with type: public; on any "
        "other ELB there is no EIP of CCE's to replace.",
        "Remove kubernetes.io/elb.custom-eip-id; bind the EIP to the ELB itself (or use elb.managed.eip).",
        (src.OTC_ANN, src.OTC_EIP),
    ),
    Rule(
        "PT441",
        E,
        "hws-hostNetwork: true for pods that do not use the host network",
        "kubernetes.io/hws-hostNetwork tells CCE the backend pods listen on the node itself; it is only for "
        "pods that use the host network.",
        "Set hostNetwork: true, or remove kubernetes.io/hws-hostNetwork.",
        (src.OTC_ANN,),
    ),
    # Annotation keys as the API server reads them (issue 11): annotation_key_syntax.py
    Rule(
        "PT450",
        E,
        "annotation key the API server rejects (not a qualified name)",
        "The API server accepts an annotation key only when, lower-cased, it is a qualified name: an optional "
        "DNS subdomain prefix of at most 253 characters and '/', then a name of 1-63 letters, digits, '-', "
        "'_' and '.' that starts and ends with a letter or digit. A key with a space, a second '/' or a "
        "control character fails `pulumi up`.",
        "Correct the key to a qualified name (the message names the documented key it resembles).",
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/#syntax-and-character-set "
        "https://github.com/kubernetes/apimachinery/blob/master/pkg/api/validation/objectmeta.go",
    ),
    Rule(
        "PT451",
        E,
        "annotations larger than the API server's 256 KiB",
        "The API server refuses an object whose annotation keys and values take more than 256 KiB "
        "(262,144 bytes) together.",
        "Shorten or remove annotations; large data does not belong in annotations.",
        "https://github.com/kubernetes/apimachinery/blob/master/pkg/api/validation/objectmeta.go",
    ),
    Rule(
        "PT452",
        W,
        "near-miss of a documented CCE annotation key (misspelt prefix)",
        "CCE reads annotation keys exactly as documented: kubernets.io/elb.lb-algorithm is accepted by the API "
        "server and ignored by CCE, and the checks of the key it resembles never see it.",
        "Rename the key to the documented one the message names.",
        (src.OTC_ANN,),
    ),
]
