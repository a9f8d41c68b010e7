"""The queue's own rules (core.jobs), on the database backend in this process: e-mails leave
only after commit, recurring work is claimed once, dead workers' tasks are run again or given
up with their job told, bad arguments end cleanly. Real worker processes are in
tests/e2e/test_worker.py."""

import os
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django_tasks_db.models import DBTaskResult

from icilabas.actors.models import Organisation
from icilabas.core import jobs
from icilabas.core.mail import send_after_commit
from icilabas.core.models import ScheduledRun, WorkerHeartbeat
from icilabas.core.services import soft_delete_record
from icilabas.core.tasks import purge_bin
from icilabas.interop import services as interop_services
from icilabas.interop import tasks as interop_tasks
from icilabas.interop.models import ImportJob
from icilabas.interop.tasks import purge_iati_uploads

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_an_e_mail_in_a_transaction_rolled_back_is_never_sent(
    database_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        try:
            with transaction.atomic():
                send_after_commit(subject="Publié", message="…", to=["a@example.org"])
                raise RuntimeError("the change fails after the e-mail was asked for")
        except RuntimeError:
            pass
    assert queued == [] and not DBTaskResult.objects.exists() and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        send_after_commit(subject="Publié", message="…", to=["a@example.org", ""])
    assert DBTaskResult.objects.get().args_kwargs["args"][2] == ["a@example.org"]


def test_the_recurring_work_is_declared_and_claimed_once(database_queue):
    autodiscover_modules("tasks")
    declared = jobs.schedules()
    assert {"campagne-de-confirmation", "vider-la-corbeille", "purge-fichiers-et-resultats"} <= set(
        declared
    )
    now = timezone.now()
    at_once = {
        "purge-fichiers-et-resultats",
        "purge-imports-iati",
        "rappels-des-rencontres",
        "avis-apres-les-rencontres",
        "chiffres-du-portail",
        "echeances-des-conventions",
    }
    assert set(jobs.run_schedules(now)) == at_once  # the others wait their first interval
    assert jobs.run_schedules(now) == []  # a second worker at the same moment gets nothing
    day_later = now + timedelta(days=1, seconds=1)
    assert set(jobs.run_schedules(day_later)) == {*at_once, "vider-la-corbeille"}
    assert DBTaskResult.objects.count() == 2 * len(at_once) + 1
    assert ScheduledRun.objects.get(name="vider-la-corbeille").last_run_at == day_later


def _claimed_import(tmp_path, staff_user, *, worker: str, attempts: int) -> tuple:
    path = tmp_path / "a.xml"
    path.write_text('<iati-activities version="2.03"></iati-activities>')
    job = ImportJob.objects.create(
        original_name="a.xml", stored_name="a.xml", size=1, created_by=staff_user, state="en_cours"
    )
    job.path.parent.mkdir(parents=True, exist_ok=True)
    job.path.write_bytes(path.read_bytes())
    result = interop_tasks.import_iati_file.enqueue(job.pk).db_result
    result.status = "RUNNING"
    result.started_at = timezone.now() - timedelta(hours=1)
    result.worker_ids = [worker] * attempts
    result.save()
    return job, result


def test_a_task_of_a_silent_worker_is_queued_again(database_queue, tmp_path, staff_user, settings):
    WorkerHeartbeat.objects.create(
        worker_id="parti", host="ailleurs", pid=1, last_seen=timezone.now() - timedelta(hours=1)
    )
    _job, result = _claimed_import(tmp_path, staff_user, worker="parti", attempts=1)
    assert jobs.reap() == {"requeued": 1, "failed": 0}
    result.refresh_from_db()
    assert result.status == "READY"


def test_a_live_worker_s_task_is_left_alone(database_queue, tmp_path, staff_user):
    jobs.beat("vivant")  # this very process, just now
    _job, result = _claimed_import(tmp_path, staff_user, worker="vivant", attempts=1)
    assert jobs.reap() == {"requeued": 0, "failed": 0}
    result.refresh_from_db()
    assert result.status == "RUNNING"


def test_after_the_last_attempt_the_job_is_told_and_its_file_removed(
    database_queue, tmp_path, staff_user, settings
):
    job, result = _claimed_import(
        tmp_path, staff_user, worker="inconnu", attempts=settings.TASK_MAX_ATTEMPTS
    )
    assert jobs.reap() == {"requeued": 0, "failed": 1}
    result.refresh_from_db()
    job.refresh_from_db()
    assert result.status == "FAILED" and result.exception_class_path.endswith("WorkerLost")
    assert job.state == "echec" and "relancé sans succès" in job.problems[0][2]
    assert not job.path.exists()


def test_only_the_errors_a_task_asked_for_are_tried_again(database_queue, settings):
    from icilabas.core.mail import send_email

    result = send_email.enqueue("s", "m", ["a@example.org"]).db_result
    result.status, result.worker_ids = "FAILED", ["w"]
    result.exception_class_path = "builtins.ConnectionRefusedError"  # an OSError
    result.save()
    assert jobs.retry_if_asked(result)
    assert result.status == "READY" and result.run_after > timezone.now()
    result.status, result.exception_class_path = "FAILED", "builtins.ValueError"
    result.save()
    assert not jobs.retry_if_asked(result)
    result.status, result.worker_ids = "FAILED", ["w"] * settings.TASK_MAX_ATTEMPTS
    result.exception_class_path = "smtplib.SMTPServerDisconnected"
    assert not jobs.retry_if_asked(result)  # enough tries


def test_a_task_for_a_removed_job_or_file_ends_cleanly(staff_user):
    interop_services.run_iati_job(123456)  # no such job: nothing to do, no error, no loop
    job = ImportJob.objects.create(
        original_name="parti.xml", stored_name="parti.xml", size=1, created_by=staff_user
    )
    interop_services.run_iati_job(job.pk)
    job.refresh_from_db()
    assert job.state == "echec" and "n'existe plus" in job.problems[0][2]


def test_health_reports_the_worker(client):
    assert client.get(reverse("healthz")).json()["worker"]["alive"] is False
    jobs.beat("w1")
    worker = client.get(reverse("healthz")).json()["worker"]
    assert worker["alive"] is True and worker["seconds_ago"] <= 5


def test_an_unknown_job_page_is_not_found(staff_client):
    assert staff_client.get(reverse("interop:iati_job", args=[987654])).status_code == 404
    assert staff_client.get(reverse("spreadsheet_import", args=[987654])).status_code == 404
    assert staff_client.get(reverse("matching:scan_status", args=[987654])).status_code == 404


def test_the_daily_clean_ups_remove_what_is_old_and_keep_what_is_in_use(
    staff_user, settings, tmp_path
):
    old, recent = f.organisation(name="Ancienne"), f.organisation(name="Récente")
    for record in (old, recent):
        soft_delete_record(record, user=staff_user)
    Organisation.all_objects.filter(pk=old.pk).update(
        deleted_at=timezone.now() - timedelta(days=settings.HARD_DELETE_AFTER_DAYS + 1)
    )
    assert purge_bin.call() == 1
    assert list(Organisation.all_objects.values_list("name", flat=True)) == ["Récente"]

    folder = ImportJob.folder()
    folder.mkdir(parents=True)
    waiting = ImportJob.objects.create(
        original_name="a.xml", stored_name="attend.xml", size=1, created_by=staff_user
    )
    for name in ("attend.xml", "orphelin.xml", "frais.xml"):
        (folder / name).write_text("<iati-activities/>")
    day_ago = time.time() - (settings.IMPORT_FILE_HOURS + 1) * 3600
    for name in ("attend.xml", "orphelin.xml"):
        os.utime(folder / name, (day_ago, day_ago))
    assert purge_iati_uploads.call() == 1
    assert sorted(p.name for p in folder.iterdir()) == ["attend.xml", "frais.xml"]
    assert waiting.path.exists()
