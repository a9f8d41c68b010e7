"""The task queue with real worker processes on the test database: a worker killed in the
middle of an import is replaced and the file is imported exactly once; after the last attempt
the job says it failed and its file is gone; two scans asked at once make one; an e-mail whose
SMTP server is away is tried again later; a document's text, read by the worker, makes its
experience sheet findable."""

import json
import signal
import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tasks_db.models import DBTaskResult

from icilabas.cooperation.models import Project
from icilabas.core import search
from icilabas.core.services import create_record
from icilabas.interop import tasks as interop_tasks
from icilabas.interop.models import ImportJob
from icilabas.knowledge.models import SheetDocument
from icilabas.matching import tasks as matching_tasks
from icilabas.matching.models import ScanRun

from .. import documents
from .. import factories as f
from ..test_iati_import import _many_activities

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ACTIVITIES = 3000


def wait_for(condition, *, seconds: float = 240, what: str = ""):
    """Poll until `condition()` is true (the queue works at its own pace); never a timing
    assertion, only a bound on how long the test waits."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"still waiting for {what}")


@pytest.fixture
def staff():
    return get_user_model().objects.create_user(
        username="equipe", password="demo-equipe-2011", is_staff=True
    )


def queue_import(tmp_path, staff) -> ImportJob:
    path = _many_activities(tmp_path, ACTIVITIES)
    upload = SimpleUploadedFile("puits.xml", path.read_bytes())
    return interop_tasks.start_iati_import(upload=upload, user=staff)


def kill_mid_import(start_worker, job: ImportJob) -> None:
    first = start_worker()
    wait_for(lambda: job.progress.read()["done"] > 0, what="the import to be under way")
    first.send_signal(signal.SIGKILL)
    first.wait()
    job.refresh_from_db()
    assert job.state == "en_cours"  # what a killed worker leaves behind
    assert DBTaskResult.objects.running().get().task_path.endswith("import_iati_file")


def test_a_worker_killed_mid_import_is_replaced_and_the_file_imported_once(
    start_worker, tmp_path, staff
):
    job = queue_import(tmp_path, staff)
    kill_mid_import(start_worker, job)
    assert Project.objects.count() == 0  # its transaction died with it
    second = start_worker("--batch")
    assert second.wait(timeout=300) == 0
    job.refresh_from_db()
    assert (job.state, job.created, job.updated) == ("terminee", ACTIVITIES, 0)
    assert Project.objects.count() == ACTIVITIES  # not one twice
    result = DBTaskResult.objects.get(task_path__endswith="import_iati_file")
    assert result.status == "SUCCESSFUL" and len(result.worker_ids) == 2
    assert not job.path.exists()


def test_after_its_last_attempt_a_job_says_it_failed_and_its_file_is_removed(
    start_worker, tmp_path, staff
):
    job = queue_import(tmp_path, staff)
    kill_mid_import(start_worker, job)
    second = start_worker("--batch", TASK_MAX_ATTEMPTS="1")
    assert second.wait(timeout=120) == 0
    job.refresh_from_db()
    assert job.state == "echec" and "relancé sans succès" in job.problems[0][2]
    assert not job.path.exists() and not job.progress.path.exists()
    assert DBTaskResult.objects.get(task_path__endswith="import_iati_file").status == "FAILED"
    assert Project.objects.count() == 0
    # A new import can start, and runs.
    again = queue_import(tmp_path, staff)
    assert start_worker("--batch").wait(timeout=300) == 0
    again.refresh_from_db()
    assert again.state == "terminee" and Project.objects.count() == ACTIVITIES


def test_two_scans_asked_at_once_make_one(queue, staff):
    started = threading.Barrier(2)
    runs = []

    def ask():
        started.wait()
        try:
            runs.append(matching_tasks.start_scan(user=staff).pk)
        finally:
            connection.close()  # a thread's own connection

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(runs) == 2 and runs[0] == runs[1]
    assert ScanRun.objects.count() == 1
    assert DBTaskResult.objects.filter(task_path__endswith="scan_the_registry").count() == 1


def test_an_e_mail_whose_server_is_away_is_tried_again_later(start_worker, queue):
    from icilabas.core.mail import send_after_commit

    send_after_commit(subject="Essai", message="Bonjour", to=["claire@example.org"])
    # Port 1 on this machine: nothing listens, the connection is refused (an OSError).
    worker = start_worker("--batch", EMAIL_HOST="127.0.0.1", EMAIL_PORT="1", EMAIL_USE_TLS="0")
    assert worker.wait(timeout=120) == 0
    result = DBTaskResult.objects.get(task_path__endswith="send_email")
    assert result.status == "READY" and len(result.worker_ids) == 1
    assert "ConnectionRefusedError" in result.exception_class_path
    assert result.run_after > result.started_at  # not before its pause


def test_a_worker_reads_an_attached_report_and_its_sheet_is_found_by_its_words(
    start_worker, staff, tmp_path
):
    sheet = f.experience_sheet(title="Chantier de Foundiougne")
    report = documents.pdf("Bilan 2011 : la pepiniere communale compte 4000 plants")
    document = create_record(
        SheetDocument,
        user=staff,
        data={
            "sheet": sheet,
            "title": "Bilan",
            "file": SimpleUploadedFile("bilan.pdf", report),
        },
    )
    assert DBTaskResult.objects.filter(task_path__endswith="extract_document_text").exists()
    assert not search.search("pepiniere")
    start_worker()
    wait_for(lambda: SheetDocument.objects.get(pk=document.pk).text, what="the report's text")
    assert [h.object_id for h in search.search("pepiniere")] == [sheet.pk]
    # Its log says which job did it, as a JSON line.
    lines = (tmp_path / "worker-0.log").read_text().splitlines()
    entries = [json.loads(line) for line in lines if line.startswith("{")]
    extracted = [e for e in entries if e.get("action") == "texte extrait"]
    assert extracted and extracted[0]["job_id"] and extracted[0]["object_id"] == document.pk
