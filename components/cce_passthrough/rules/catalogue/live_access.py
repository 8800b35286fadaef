"""Live access to the cluster and the cloud, and verify (PT580-PT599)."""

from __future__ import annotations

from .. import sources as src
from .rule import INFO, E, Rule, W

RULES = [
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
