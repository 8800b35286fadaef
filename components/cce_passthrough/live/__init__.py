"""Live access to the cluster and to Huawei Cloud, shared by `verify`, `doctor` and `adopt`.

* `kube`: kubeconfig resolution, the official `kubernetes` client with timeouts, `Kube.call` / `watch`.
* `huawei`: credentials from the provider's environment or secret config, the official
  `huaweicloudsdk*` clients (Cloud Eye, CCE, ELB) built one way, `HuaweiCloud.call` with retries.
* `errors`: `LiveError`, the one failure type (codes PT580-PT589), and `clean` for server text.
* `stackconfig`: the stack's config as `preview` reads it, and its secret values through the Pulumi CLI,
  never printed.

Nothing here imports pulumi; the SDKs are imported on first use (`pip install cce-passthrough[live]`).
"""

from .errors import Failure, LiveError

__all__ = ["Failure", "LiveError"]
