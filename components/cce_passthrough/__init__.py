"""cce-passthrough: a Kubernetes workload on Huawei Cloud CCE behind an ELB with pass-through, every
documented constraint checked at preview time."""

from .args import PassThroughServiceArgs
from .component import PassThroughService
from .diagnostics import Diagnostic, Severity
from .reporting import ConstraintViolation

__all__ = ["ConstraintViolation", "Diagnostic", "PassThroughService", "PassThroughServiceArgs", "Severity"]
__version__ = "0.1.0"
