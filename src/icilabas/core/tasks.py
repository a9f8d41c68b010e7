"""The kernel's background tasks: spreadsheet imports and the recurring clean-ups (e-mails:
core.mail, imported here so that the worker knows its retries)."""

from datetime import timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import resolve
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from . import importing, jobs, mail, services  # noqa: F401 (mail: its task and retries)
from .models import RegistryModel, SpreadsheetImport
from .permissions import scheduler_user


@task()
def run_spreadsheet_job(job_pk: int, *, confirm: str = "", language: str = "fr") -> None:
    """A big spreadsheet's check (dry run), or its import once confirmed, with the rules of the
    import page that started it."""
    job = SpreadsheetImport.objects.filter(pk=job_pk).first()
    if job is None:
        return  # removed meanwhile: nothing to do, nothing to retry
    match = resolve(job.import_url)
    view = match.func.view_class(**match.func.view_initkwargs)
    with translation.override(language):
        if confirm:
            view.run_job(job_pk, confirm == "valid")
        else:
            view.check_job(job_pk)


@jobs.when_abandoned(run_spreadsheet_job)
def _spreadsheet_job_lost(job_pk: int, **kwargs) -> None:
    job = SpreadsheetImport.objects.filter(pk=job_pk).first()
    if job is None or not job.is_working:
        return
    services.undo_import(job, user=job.created_by)  # what its attempts committed
    services.end_spreadsheet_job(
        job,
        state=SpreadsheetImport.State.FAILED,
        message=gettext("Interrompu : le travail a été relancé sans succès, rien n'a été importé."),
    )
    (Path(settings.MEDIA_ROOT) / "imports" / job.token).unlink(missing_ok=True)


@jobs.every(timedelta(days=1), name="purge-fichiers-et-resultats", first_after=timedelta(0))
@task()
def purge_old_files() -> dict:
    """Uploaded spreadsheets never confirmed, and finished task rows older than 30 days."""
    folder = Path(settings.MEDIA_ROOT) / "imports"
    removed = importing.purge_stale_uploads(folder) if folder.exists() else 0
    old = timezone.now() - timedelta(days=30)
    pruned, _ = DBTaskResult.objects.finished().filter(finished_at__lt=old).delete()
    return {"fichiers": removed, "tâches": pruned}


BIN_PURGE_BATCH = 1000


@jobs.every(timedelta(days=1), name="vider-la-corbeille", first_after=timedelta(hours=1))
@task()
def purge_bin() -> int:
    """Records in the bin for longer than HARD_DELETE_AFTER_DAYS go for good (the history
    keeps a trace); one that others still depend on stays."""
    limit = timezone.now() - timedelta(days=settings.HARD_DELETE_AFTER_DAYS)
    user, deleted = scheduler_user(), 0
    for model in apps.get_models():
        if not issubclass(model, RegistryModel):
            continue
        for record in model.all_objects.filter(deleted_at__lt=limit)[:BIN_PURGE_BATCH]:
            try:
                services.hard_delete_record(record, user=user)
            except ValidationError:
                continue
            deleted += 1
    return deleted
