"""Registry scans on the task queue (core.jobs)."""

from django_tasks import task

from icilabas.core import jobs

from . import services
from .models import ScanRun


@task()
def scan_the_registry(run_pk: int) -> None:
    services.run_scan(run_pk)


@jobs.when_abandoned(scan_the_registry)
def _scan_lost(run_pk: int) -> None:
    run = ScanRun.objects.filter(pk=run_pk, state=ScanRun.State.RUNNING).first()
    if run is not None:
        services.end_scan(run, "travailleur arrêté")


def start_scan(*, user) -> ScanRun:
    """A registry scan, queued; at most one at a time (the running one is returned)."""
    run, created = services.claim_scan(user=user)
    if created:
        jobs.enqueue(scan_the_registry, run.pk)
    return run
