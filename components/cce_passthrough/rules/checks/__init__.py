"""Pure evaluation of the rule catalogue over the typed model: no Pulumi engine involved."""

from .service import check_service
from .stack import check_stack

__all__ = ["check_service", "check_stack"]
