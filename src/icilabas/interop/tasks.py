"""IATI imports on the task queue (core.jobs): stored by the request, run by the worker."""

from datetime import timedelta

from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from icilabas.core import files, jobs

from . import services
from .models import ImportJob


@task()
def import_iati_file(job_pk: int, *, language: str = "fr") -> None:
    with translation.override(language):
        services.run_iati_job(job_pk)


@jobs.when_abandoned(import_iati_file)
def _import_lost(job_pk: int, *, language: str = "fr") -> None:
    job = ImportJob.objects.filter(pk=job_pk).first()
    if job is not None and job.state in (ImportJob.State.WAITING, ImportJob.State.RUNNING):
        with translation.override(language):
            services.end_iati_job(
                job,
                _(
                    "Interrompu : l'import a été relancé sans succès après l'arrêt du "
                    "travailleur. Rien n'a été importé ; déposez le fichier à nouveau."
                ),
            )


@jobs.every(timedelta(days=1), name="purge-imports-iati", first_after=timedelta(0))
@task()
def purge_iati_uploads() -> int:
    """IATI files no waiting or running job will read any more (left by a crash), once they
    are older than IMPORT_FILE_HOURS."""
    working = ImportJob.objects.filter(
        state__in=[ImportJob.State.WAITING, ImportJob.State.RUNNING]
    ).values_list("stored_name", flat=True)
    return files.remove_old_uploads(ImportJob.folder(), in_use=set(working))


def start_iati_import(*, upload, user, valid_only: bool = False) -> ImportJob:
    """Store the file and queue its import once the job is committed."""
    job = services.store_iati_upload(upload=upload, user=user, valid_only=valid_only)
    jobs.enqueue(import_iati_file, job.pk, language=translation.get_language() or "fr")
    return job
