"""The public pages the rules rest on, each a title and a full URL, so that `explain`, `docs/rules.md` and
every finding's rule lead a reader to the page itself. The one page known only by its title is the
seed page of this project (Huawei Cloud's Chinese pass-through best practice).

Open Telekom Cloud's CCE user guide is Huawei-derived (same page ids, `cce_10_xxxx`); it is the full
text that was read, page by page, from its public source repository. Huawei Cloud's own pages confirm it
or add Huawei-only facts.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    title: str
    url: str | None = None
    """None only for the seed page, which is cited by its title."""

    def __str__(self) -> str:
        return f"{self.title} <{self.url}>" if self.url else self.title

    @property
    def short_title(self) -> str:
        """The title without its trailing `(publisher)`."""
        head, sep, _ = self.title.rpartition(" (")
        return head if sep and self.title.endswith(")") else self.title

    def markdown(self, short: bool = False) -> str:
        title = self.short_title if short else self.title
        return f"[{title}]({self.url})" if self.url else title


_OTC = "https://docs.otc.t-systems.com/cloud-container-engine/umn/"
_OTC_LB = _OTC + "networking/services/loadbalancer/"
_HW_DRAWER = "https://support.huaweicloud.com/intl/en-us/drawer-cce/"
_TF = "https://registry.terraform.io/providers/huaweicloud/huaweicloud/latest/docs/"


def _otc(title: str, path: str) -> Source:
    return Source(f"{title} (Open Telekom Cloud CCE user guide)", _OTC + path)


def _otc_lb(title: str, page: str) -> Source:
    return Source(f"{title} (Open Telekom Cloud CCE user guide)", f"{_OTC_LB}{page}.html")


OTC_PT = _otc_lb(
    "Configuring Passthrough Networking for a LoadBalancer Service",
    "configuring_passthrough_networking_for_a_loadbalancer_service",
)
OTC_ANN = _otc_lb(
    "Configuring Advanced Load Balancing Functions Using Annotations",
    "configuring_advanced_load_balancing_functions_using_annotations",
)
OTC_CREATE = _otc_lb("Creating a LoadBalancer Service", "creating_a_loadbalancer_service")
OTC_OVERVIEW = _otc("Service Overview", "networking/services/service_overview.html")
OTC_NETWORK_MODELS = _otc(
    "Container Network Models: Overview", "networking/container_network_models/overview.html"
)
OTC_HTTP = _otc_lb(
    "Configuring HTTP/HTTPS for a LoadBalancer Service", "configuring_http_https_for_a_loadbalancer_service"
)
OTC_HC_MULTI = _otc_lb(
    "Configuring Health Check on Multiple LoadBalancer Service Ports",
    "configuring_health_check_on_multiple_loadbalancer_service_ports",
)
OTC_TIMEOUT = _otc_lb(
    "Configuring Timeout for a LoadBalancer Service", "configuring_timeout_for_a_loadbalancer_service"
)
OTC_CLIENTIP = _otc_lb(
    "Enabling a LoadBalancer Service to Obtain the Client IP Address",
    "enabling_a_loadbalancer_service_to_obtain_the_client_ip_address",
)
OTC_EIP = _otc_lb(
    "Changing a Custom EIP for a LoadBalancer Service", "changing_a_custom_eip_for_a_loadbalancer_service"
)
OTC_STICKY = _otc(
    "Implementing Sticky Session Through Load Balancing",
    "best_practice/networking/implementing_sticky_session_through_load_balancing.html",
)
OTC_ING_KUBECTL = _otc(
    "Creating a LoadBalancer Ingress Using kubectl",
    "networking/ingresses/loadbalancer_ingresses/creating_a_loadbalancer_ingress_using_kubectl.html",
)

HW_BP_SEED = Source(
    "为负载均衡类型的Service配置pass-through能力 (Huawei Cloud CCE best practice, Chinese, updated 2024-10-14)"
)
HW_BP_EN = Source(
    "Configuring Passthrough Networking for a LoadBalancer Service (Huawei Cloud CCE best practice)",
    "https://support.huaweicloud.com/intl/en-us/bestpractice-cce/cce_bestpractice_0301.html",
)
HW_ANN = Source(
    "Using Annotations to Balance Load (Huawei Cloud CCE user guide, international)",
    "https://support.huaweicloud.com/intl/en-us/usermanual-cce/cce_10_0385.html",
)
HW_ANN_CN = Source(
    "Service annotations (Huawei Cloud CCE user guide, Chinese)",
    "https://support.huaweicloud.com/usermanual-cce/cce_10_0385.html",
)
HW_DRAWER_CLASS = Source(
    "kubernetes.io/elb.class (Huawei Cloud CCE configuration reference)",
    _HW_DRAWER + "Service_k8s_annotation__kubernetes_io_elb_class.html",
)
HW_DRAWER_ID = Source(
    "kubernetes.io/elb.id (Huawei Cloud CCE configuration reference)",
    _HW_DRAWER + "Service_k8s_annotation__kubernetes_io_elb_id.html",
)
HW_DRAWER_AUTOCREATE = Source(
    "kubernetes.io/elb.autocreate (Huawei Cloud CCE configuration reference)",
    _HW_DRAWER + "Service_k8s_annotation__kubernetes_io_elb_autocreate.html",
)
HW_DRAWER_EPS = Source(
    "kubernetes.io/elb.enterpriseID (Huawei Cloud CCE configuration reference)",
    "https://support.huaweicloud.com/intl/tr-tr/drawer-cce/Service_k8s_annotation__kubernetes_io_elb_enterpriseID.html",
)
HW_DRAWER_CHARGE = Source(
    "autocreate bandwidth_chargemode (Huawei Cloud CCE configuration reference)",
    _HW_DRAWER + "Serviceelbv3_bandwidth_chargemode.html",
)
HW_DRAWER_BWNAME = Source(
    "autocreate bandwidth_name (Huawei Cloud CCE configuration reference)",
    _HW_DRAWER + "Serviceelbv3_bandwidth_name.html",
)
HW_DRAWER_BWSIZE = Source(
    "autocreate bandwidth_size (Huawei Cloud CCE configuration reference)",
    _HW_DRAWER + "Ingresselbv3_bandwidth_size.html",
)
HW_ELB_PORTS = Source(
    "Listener frontend ports (Huawei Cloud ELB user guide)",
    "https://support.huaweicloud.com/intl/en-us/eu-west-0-usermanual-elb/elb_ug_jt_0002.html",
)
HW_ELB_FLAVORS = Source(
    "Querying Flavors: L4_flavor.elb.pro.max and L7_flavor.elb.pro.max are the elastic flavors "
    "(Huawei Cloud ELB API reference)",
    "https://support.huaweicloud.com/intl/en-us/api-elb/ListFlavors.html",
)
HW_CN_MANUAL_2022 = Source(
    "负载均衡(LoadBalancer), Huawei Cloud CCE user guide (Chinese) as of 2021-12-22, the last version with "
    "the key kubernetes.io/session-affinity-mode (huaweicloudDocs/cce)",
    "https://github.com/huaweicloudDocs/cce/blob/4c054159ae195a23d384263f411d982ebdc5efb5/cn.zh-cn/"
    "%E7%94%A8%E6%88%B7%E6%8C%87%E5%8D%97/%E8%B4%9F%E8%BD%BD%E5%9D%87%E8%A1%A1%28LoadBalancer%29.md",
)
HW_OSS_CCM_SCTP = Source(
    "cloud-provider-huaweicloud rejects SCTP listeners (Huawei's open-source cloud controller)",
    "https://github.com/kubernetes-sigs/cloud-provider-huaweicloud/blob/"
    "037c9107fd4a33aa924b5c7c55e9578cfc61aa01/pkg/cloudprovider/huaweicloud/dedicatedloadbalancer.go#L754",
)
CCE_WRITTEN_FIELD_REPORT = Source(
    "A Service read back from CCE: elb.id, elb.eip-id and elb.mark written by CCE (openkruise/kruise-game "
    "test fixture)",
    "https://github.com/openkruise/kruise-game/blob/48b5f8a82104dbd117e49a4eaf4b3a18aac1bd6f/"
    "cloudprovider/hwcloud/elb_cce_test.go",
)

K8S_MIXED_PROTOCOL = Source(
    "Load balancers with mixed protocol types (Kubernetes documentation)",
    "https://kubernetes.io/docs/concepts/services-networking/service/#load-balancers-with-mixed-protocol-types",
)
K8S_LOAD_BALANCER_IP = Source(
    "spec.loadBalancerIP deprecated in Kubernetes v1.24 (Kubernetes documentation)",
    "https://kubernetes.io/docs/concepts/services-networking/service/#load-balancer-ip",
)
K8S_NAMES = Source(
    "Object names: DNS-1123 labels, DNS-1035 labels (Kubernetes documentation)",
    "https://kubernetes.io/docs/concepts/overview/working-with-objects/names/",
)
K8S_QUANTITY = Source(
    "Quantity: the serialization format of resource requests and limits (Kubernetes API reference)",
    "https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/",
)
K8S_POD_IMAGE = Source(
    'validateContainerOnlyForPod: a pod\'s image "must not have leading or trailing whitespace" (Kubernetes '
    "API validation source)",
    "https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/core/validation/validation.go",
)
K8S_CONTAINER_PORT = Source(
    "ContainerPort: name must be an IANA_SVC_NAME, at most 15 characters (Kubernetes API reference)",
    "https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#ports",
)
K8S_SERVICE_PORT = Source(
    "ServicePort: name a DNS_LABEL, nodePort 0 or absent = allocated (Kubernetes API reference)",
    "https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/#ServiceSpec",
)

TF_ELB = Source("huaweicloud_elb_loadbalancer (Terraform provider docs)", _TF + "resources/elb_loadbalancer")
TF_EIP = Source("huaweicloud_vpc_eip (Terraform provider docs)", _TF + "resources/vpc_eip")
TF_BW = Source("huaweicloud_vpc_bandwidth (Terraform provider docs)", _TF + "resources/vpc_bandwidth")
TF_CCE_DS = Source(
    "huaweicloud_cce_cluster data source (Terraform provider docs)", _TF + "data-sources/cce_cluster"
)
PULUMI_HW = Source("pulumi-huaweicloud 0.0.12 (PyPI)", "https://pypi.org/project/pulumi-huaweicloud/0.0.12/")
PULUMI_OUTPUTS = Source(
    "Inputs and outputs: values unknown during preview (Pulumi documentation)",
    "https://www.pulumi.com/docs/iac/concepts/inputs-outputs/",
)
PULUMI_PROTECT = Source(
    "Resource option protect (Pulumi documentation)",
    "https://www.pulumi.com/docs/iac/concepts/options/protect/",
)
PULUMI_REPLACE_ON_CHANGES = Source(
    "Resource option replaceOnChanges (Pulumi documentation)",
    "https://www.pulumi.com/docs/iac/concepts/options/replaceonchanges/",
)
PULUMI_STACK_EXPORT = Source(
    "pulumi stack export (Pulumi CLI documentation)",
    "https://www.pulumi.com/docs/iac/cli/commands/pulumi_stack_export/",
)

# This project's own contract, for the rules about its configuration rather than about CCE.
README_CONFIG = Source(
    "Configuration reference (this repository's README)", "README.md#configuration-reference"
)

# Live access (verify, doctor, adopt): the APIs' own pages on access and on their error answers.
K8S_KUBECONFIG = Source(
    "Organizing cluster access using kubeconfig files (Kubernetes documentation)",
    "https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/",
)
K8S_API_CONCEPTS = Source(
    "Kubernetes API concepts (Kubernetes documentation)",
    "https://kubernetes.io/docs/reference/using-api/api-concepts/",
)
K8S_STATUS = Source(
    "Status (Kubernetes API reference)",
    "https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/status/",
)
TF_PROVIDER_AUTH = Source(
    "Authentication and configuration (Huawei Cloud Terraform provider)",
    "https://github.com/huaweicloud/terraform-provider-huaweicloud/blob/master/docs/index.md",
)
HW_API_SIGN = Source(
    "API request signing (Huawei Cloud developer guide)",
    "https://support.huaweicloud.com/eu/nl-nl/devg-apisign/api-sign-0001.html",
)
HW_API_STATUS = Source(
    "Status codes (Huawei Cloud API reference)",
    "https://support.huaweicloud.com/intl/tr-tr/api-ces/ces_03_0034.html",
)

# Live cluster (doctor): what the live reads rest on.
HW_ING_ANNOTATIONS = Source(
    "Configuring Advanced LoadBalancer Ingress Functions Using Annotations: kubernetes.io/elb.port, "
    "kubernetes.io/elb.listen-ports (Huawei Cloud CCE user guide)",
    "https://support.huaweicloud.com/intl/en-us/usermanual-cce/cce_10_0695.html",
)
HW_ING_LISTEN_PORTS = Source(
    "Configuring a Range of Listening Ports for a LoadBalancer Ingress (Huawei Cloud CCE user guide)",
    "https://support.huaweicloud.com/intl/en-us/usermanual-cce/cce_10_0937.html",
)
HW_ELB_LIST_LISTENERS = Source(
    "Querying Listeners: limit, marker, page_reverse and page_info (Huawei Cloud ELB API reference)",
    "https://support.huaweicloud.com/intl/en-us/api-elb/ListListeners.html",
)
HW_ELB_SHOW = Source(
    "Querying Details of a Load Balancer: guaranteed, vpc_id, availability_zone_list, l4_flavor_id, "
    "l7_flavor_id (Huawei Cloud ELB API reference)",
    "https://support.huaweicloud.com/intl/en-us/api-elb/ShowLoadBalancer.html",
)

# Live cluster (doctor): the error code lists CCE's ELB failures quote, and the event they arrive as.
HW_ELB_ERRORS = Source(
    "Error codes (Huawei Cloud ELB API reference)",
    "https://support.huaweicloud.com/intl/en-us/api-elb/ErrorCode.html",
)
OTC_ELB_ERRORS = Source(
    "Error codes (Open Telekom Cloud ELB API reference)",
    "https://docs.otc.t-systems.com/elastic-load-balancing/api-ref/appendix/error_codes.html",
)
HW_VPC_ERRORS = Source(
    "Error codes (Huawei Cloud VPC API reference)",
    "https://support.huaweicloud.com/intl/en-us/api-vpc/ErrorCode.html",
)
OTC_VPC_ERRORS = Source(
    "Error codes (Open Telekom Cloud VPC API reference)",
    "https://docs.otc.t-systems.com/virtual-private-cloud/api-ref/appendix/error_codes.html",
)
OTC_ELB_FLAVORS = Source(
    "Querying flavors (Open Telekom Cloud ELB API reference)",
    "https://docs.otc.t-systems.com/elastic-load-balancing/api-ref/apis_v3/load_balancer_flavor/querying_flavors.html",
)
K8S_SERVICE_CONTROLLER = Source(
    "The service controller's SyncLoadBalancerFailed event (kubernetes/cloud-provider)",
    "https://github.com/kubernetes/cloud-provider/blob/master/controllers/service/controller.go",
)
SYNC_EVENT_REPORT = Source(
    "A CCE SyncLoadBalancerFailed event quoted in a public issue (deckhouse/deckhouse#15569)",
    "https://github.com/deckhouse/deckhouse/issues/15569",
)
K8S_APISERVER_EVENT_TTL = Source(
    "kube-apiserver --event-ttl, default 1h (Kubernetes documentation)",
    "https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/",
)
