"""Publishing findings through Pulumi: warnings as `pulumi.log.warn` on the resource they concern,
errors as one `pulumi.RunError` listing every one (so a preview fails with a message, no traceback)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import pulumi

from ..core.diagnostics import Diagnostic, errors, sort_key, warnings_and_infos
from ..rules.evaluate import Evaluation

Listener = Callable[[Diagnostic], None]
EvaluationListener = Callable[[Evaluation], None]
_listeners: list[Listener] = []
_evaluation_listeners: list[EvaluationListener] = []


class ConstraintViolation(pulumi.RunError):
    """The configuration breaks documented CCE constraints; `diagnostics` holds every error found."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics, key=sort_key)
        count = len(self.diagnostics)
        lines = [f"cce-passthrough: {count} error{'s' if count != 1 else ''} in the configuration:"]
        lines += [f"  {d.render()}" for d in self.diagnostics]
        super().__init__("\n".join(lines))


@contextmanager
def listening(listener: Listener, on_evaluation: EvaluationListener | None = None) -> Iterator[None]:
    """Also hand every published finding to `listener`, and every evaluation the program or a component
    makes to `on_evaluation` (the offline preview collects them this way, without a second evaluation)."""
    _listeners.append(listener)
    if on_evaluation is not None:
        _evaluation_listeners.append(on_evaluation)
    try:
        yield
    finally:
        _listeners.remove(listener)
        if on_evaluation is not None:
            _evaluation_listeners.remove(on_evaluation)


def announce(evaluation: Evaluation) -> None:
    """Hand an evaluation to whoever listens; under `pulumi up` nobody does, and this costs nothing."""
    for listener in _evaluation_listeners:
        listener(evaluation)


def publish(findings: Iterable[Diagnostic], resource: pulumi.Resource | None = None) -> None:
    """Warn about warnings and infos; raise ConstraintViolation when there is any error."""
    findings = sorted(findings, key=sort_key)
    for finding in findings:
        for listener in _listeners:
            listener(finding)
    for finding in warnings_and_infos(findings):
        log = pulumi.log.info if finding.severity.value == "info" else pulumi.log.warn
        log(finding.render(), resource=resource)
    failed = errors(findings)
    if failed:
        raise ConstraintViolation(failed)
