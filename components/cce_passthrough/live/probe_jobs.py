"""The probe Jobs' lifecycle: deleted at the end of each target, also on errors, timeouts and interruption;
leftovers of an interrupted earlier run found by their label and deleted first."""

from __future__ import annotations

import signal
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from ..core.diagnostics import Diagnostic
from ..rules.catalogue import rule
from . import probe
from .errors import Failure, LiveError
from .kube import Kube
from .verify_settings import Progress


@contextmanager
def uninterruptible() -> Iterator[None]:
    """A second Ctrl-C must not cut the cleanup short (each call is bounded by its timeout)."""
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: nothing to shield
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def delete_job(kube: Kube, namespace: str, name: str) -> None:
    from kubernetes import client

    try:
        kube.call(
            f"delete Job {namespace}/{name}",
            kube.batch.delete_namespaced_job,
            name,
            namespace,
            body=client.V1DeleteOptions(propagation_policy="Background"),
        )
    except LiveError as exc:
        if exc.failure is not Failure.NOT_FOUND:
            raise


def jobs_of_run(kube: Kube, namespace: str, run_id: str) -> list[str]:
    jobs = kube.call(
        f"list the probe Jobs in {namespace}",
        kube.batch.list_namespaced_job,
        namespace,
        label_selector=f"{probe.LABEL_RUN}={run_id}",
    )
    return [job.metadata.name for job in jobs.items]


def remove_leftovers(
    kube: Kube, namespaces: Sequence[str], run_id: str, progress: Progress
) -> list[Diagnostic]:
    """Jobs of earlier runs (found by label), deleted; one info finding each."""
    try:
        jobs = kube.call(
            "list verify Jobs", kube.batch.list_job_for_all_namespaces, label_selector=probe.SELECTOR
        ).items
    except LiveError as exc:
        if exc.failure is not Failure.FORBIDDEN:
            raise
        # a namespaced role: look where this run will create its Jobs
        jobs = [
            job
            for namespace in sorted(set(namespaces))
            for job in kube.call(
                f"list verify Jobs in {namespace}",
                kube.batch.list_namespaced_job,
                namespace,
                label_selector=probe.SELECTOR,
            ).items
        ]
    notes = []
    for job in jobs:
        labels = job.metadata.labels or {}
        if labels.get(probe.LABEL_RUN) == run_id:
            continue
        namespace, name = job.metadata.namespace, job.metadata.name
        progress(f"removing leftover probe Job {namespace}/{name} of an interrupted run")
        delete_job(kube, namespace, name)
        notes.append(
            rule("PT596").finding(
                labels.get(probe.LABEL_SERVICE),
                f"Job {namespace}/{name}",
                f"the probe Job {namespace}/{name} of an earlier, interrupted verify run was still there and "
                "has been deleted.",
            )
        )
    return notes
