import pulumi
import pulumi_kubernetes as k8s

from cce_passthrough import PassThroughService

# The cluster's kubeconfig as a secret of this stack (pulumi config set --secret kubeconfig ...);
# unset, the provider reads KUBECONFIG or ~/.kube/config. CCE autocreates the ELB: no Huawei Cloud
# provider is needed (an elb.managed ELB would also take pulumi_huaweicloud.Provider in `providers`).
k8s_provider = k8s.Provider("kubernetes", kubeconfig=pulumi.Config().get_secret("kubeconfig"))

app = PassThroughService(
    "nginx",
    args={
        "cluster": {"version": "v1.28", "flavor": "standard", "kube_proxy_mode": "iptables"},
        "image": "nginx:latest",
        "replicas": 2,
        "ports": [{"name": "service0", "port": 80, "target_port": 80}],
        "external_traffic_policy": "Local",
        "elb": {"class": "shared", "autocreate": {"type": "inner", "name": "james"}},
    },
    opts=pulumi.ResourceOptions(providers=[k8s_provider]),
)
pulumi.export("elb_ip", app.load_balancer_ip)
