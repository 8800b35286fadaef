from live.fixtures import (
    cloud,
    huawei_env,
    huawei_server,
    kube,
    kube_server,
    kubeconfig,
    live_env,
    loopback_only,
)

__all__ = [
    "cloud",
    "huawei_env",
    "huawei_server",
    "kube",
    "kube_server",
    "kubeconfig",
    "live_env",
    "loopback_only",
]
