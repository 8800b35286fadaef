from live.fixtures import huawei_env, huawei_server, kube_server, kubeconfig, live_env, loopback_only

__all__ = ["huawei_env", "huawei_server", "kube_server", "kubeconfig", "live_env", "loopback_only"]
