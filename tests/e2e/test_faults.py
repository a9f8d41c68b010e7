"""Faults with real processes on the test database: a process killed in the middle of a save,
and PostgreSQL going away in the middle of an IATI import. Afterwards nothing is half-written
and the next save or import goes through, with no restart."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from icilabas.cooperation.models import BudgetLine, Partnership, Project
from icilabas.cooperation.services import ProjectServices
from icilabas.core.models import SearchEntry
from icilabas.core.services import update_record

from .. import factories as f
from ..test_iati_import import _many_activities
from .conftest import process_env

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def _process(script: str, tmp_path, **env: str) -> subprocess.Popen:
    env = process_env(tmp_path, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]), **env)
    return subprocess.Popen(
        [sys.executable, "-c", script],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _log_in_while(process, *, staff, timeout: float, looking_at: str = "SELECT 1"):
    """Write what a login writes (its last-login date), again and again, while `process`
    runs, each time allowed `timeout` seconds to get SQLite's write lock, and after each
    write read `looking_at`. Returns the process's output and error, what was read after
    each write, and the refusals ("database is locked")."""
    outside = sqlite3.connect(
        connection.settings_dict["NAME"], timeout=timeout, isolation_level=None
    )
    seen, refused = [], []
    try:
        while process.poll() is None:
            try:
                outside.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                refused.append(str(error))
                continue
            outside.execute(
                "UPDATE auth_user SET last_login = datetime('now') WHERE id = ?", [staff.pk]
            )
            outside.execute("COMMIT")
            (value,) = outside.execute(looking_at).fetchone()
            seen.append(value)
            time.sleep(0.02)
        out, err = process.communicate(timeout=300)
    finally:
        outside.close()
        if process.poll() is None:
            process.kill()
    return out, err, seen, refused


def test_a_save_killed_midway_leaves_nothing_and_the_next_save_goes_through(tmp_path):
    """As a web worker killed (out of memory, timeout) while it saves a project with its budget
    and edits a partnership: the database drops the whole transaction and its locks."""
    staff = get_user_model().objects.create_user(username="equipe", is_staff=True)
    partnership = f.partnership(title="Martignas – Foundiougne", description="Avant")
    theme = f.theme()
    script = f"""
import time, django
django.setup()
from django.db import transaction
from django.contrib.auth import get_user_model
from icilabas.cooperation.models import BudgetLine, Partnership, Project
from icilabas.cooperation.services import ProjectServices
from icilabas.core.services import create_record, update_record
from icilabas.reference.models import Concept
user = get_user_model().objects.get(username="equipe")
with transaction.atomic():
    project = ProjectServices.create(Project, user=user, reason="Saisie", data={{
        "title": "Forage de Kolda", "status": "en_cours",
        "primary_theme": Concept.objects.get(pk={theme.pk}),
        "partnership": Partnership.objects.get(pk={partnership.pk})}})
    create_record(BudgetLine, user=user, reason="Saisie", data={{
        "project": project, "label": "Forage", "amount": 12000, "currency": "EUR"}})
    update_record(Partnership.objects.get(pk={partnership.pk}), user=user, reason="Saisie",
                  data={{"description": "Pendant"}})
    print("written, not committed", flush=True)
    time.sleep(300)
"""
    process = _process(script, tmp_path)
    try:
        line = process.stdout.readline()
        assert line.strip() == "written, not committed", process.stderr.read()[-3000:]
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)

    assert not Project.all_objects.filter(title="Forage de Kolda").exists()
    assert not BudgetLine.all_objects.exists()
    assert not Project.history.filter(title="Forage de Kolda").exists()
    assert not SearchEntry.objects.filter(title="Forage de Kolda").exists()
    partnership.refresh_from_db()
    assert partnership.description == "Avant"

    # The lock the killed process held on the partnership is gone: the same saves go through.
    update_record(partnership, user=staff, data={"description": "Après"}, reason="Reprise")
    project = ProjectServices.create(
        Project,
        user=staff,
        reason="Reprise",
        data={"title": "Forage de Kolda", "status": "en_cours", "primary_theme": theme},
    )
    assert Project.objects.get(pk=project.pk).title == "Forage de Kolda"
    assert Partnership.objects.get(pk=partnership.pk).description == "Après"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a database server that goes away")
def test_postgresql_gone_mid_import_leaves_nothing_and_the_import_runs_again(tmp_path):
    """The import reaches PostgreSQL through a relay, cut once the first batch is written:
    the import stops with an error (no hang), nothing of the file is kept, and once the server
    is back the same import goes through in the same process."""
    get_user_model().objects.create_user(username="equipe", is_staff=True)
    path = _many_activities(tmp_path, 1200)
    database = connection.settings_dict
    script = f"""
import json, django, os
from tests.tcp_proxy import Relay
relay = Relay(("{database["HOST"] or "127.0.0.1"}", {database["PORT"] or 5432}))
port = relay.start()
os.environ["DATABASE_URL"] = "postgres://{database["USER"]}@127.0.0.1:%d/{database["NAME"]}" % port
django.setup()
from django.contrib.auth import get_user_model
from django.db import connection
from icilabas.cooperation.models import Project
from icilabas.interop import services
user = get_user_model().objects.get(username="equipe")
write, cut = services._write, []
def write_then_cut(*args, **kwargs):
    written = write(*args, **kwargs)
    if not cut:
        cut.append(True)
        relay.stop()  # the server goes away with a batch written, uncommitted
    return written
services._write = write_then_cut
outcome = {{}}
try:
    report = services.import_iati_activities(path={str(path)!r}, user=user)
    outcome["first"] = "finished: " + str(report.created)
except Exception as error:
    outcome["first"] = type(error).__name__
relay.start()
connection.close()  # what Django does at the next request (CONN_HEALTH_CHECKS)
outcome["kept"] = Project.objects.filter(iati_identifier__startswith="XM-T-").count()
report = services.import_iati_activities(path={str(path)!r}, user=user)
outcome["second"] = report.created
print(json.dumps(outcome))
"""
    process = _process(script, tmp_path)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err[-3000:]
    outcome = json.loads(out.strip().splitlines()[-1])
    assert outcome["first"] in ("OperationalError", "InterfaceError"), outcome
    assert outcome["kept"] == 0
    assert outcome["second"] == 1200
    assert Project.objects.filter(iati_identifier__startswith="XM-T-").count() == 1200


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's single writer")
def test_on_sqlite_logins_go_through_while_the_registry_is_scanned(tmp_path):
    """The duplicate scan reads and scores the whole registry outside any transaction; only
    the replacement of the review queue holds SQLite's write lock. Another process runs the
    scan as the worker does, its reading slowed as a registry many times larger would make it
    (a progress callback that waits a little after each small chunk), while this one writes
    what a login writes, allowed 1 s for the lock: none is refused, and the queue is filled."""
    from icilabas.demo.generator import generate
    from icilabas.matching.models import DuplicateCandidate

    staff = get_user_model().objects.create_user(username="equipe", is_staff=True)
    generate(projects=600, seed=3)
    script = """
import time, django
django.setup()
from icilabas.matching import services
services.SCAN_CHUNK = 50
result = services.scan_registry(progress=lambda *args: time.sleep(0.2))
print(result["records"], result["queued"], flush=True)
"""
    process = _process(script, tmp_path)
    out, err, seen, refused = _log_in_while(process, staff=staff, timeout=1)
    assert process.returncode == 0, err[-3000:]
    records, queued = map(int, out.split())
    assert records == Project.objects.count() and queued == DuplicateCandidate.objects.count()
    assert queued > 0
    assert not refused
    assert len(seen) > 20  # the scan lasted (12 chunks, 2.4 s of waiting) and logins got in


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's single writer")
def test_on_sqlite_logins_go_through_while_a_large_file_is_imported(tmp_path):
    """SQLite lets one connection write at a time. A 3,000-activity file is imported by another
    process (as the worker would) while this one writes what a login writes, again and again,
    allowed to wait 5 s for the lock (a login's busy timeout would be as short): none is
    refused, and some see part of the file already there, since each batch is a transaction
    of its own instead of the file holding the lock from its first row to its last."""
    staff = get_user_model().objects.create_user(username="equipe", is_staff=True)
    path = _many_activities(tmp_path, 3000)
    script = f"""
import django
django.setup()
from django.contrib.auth import get_user_model
from icilabas.interop import services
report = services.import_iati_activities(
    path={str(path)!r}, user=get_user_model().objects.get(username="equipe"))
print(report.created, report.refused, flush=True)
"""
    process = _process(script, tmp_path)
    out, err, seen, refused = _log_in_while(
        process,
        staff=staff,
        timeout=5,
        looking_at="SELECT count(*) FROM cooperation_project WHERE iati_identifier LIKE 'XM-T-%'",
    )
    assert process.returncode == 0, err[-3000:]
    assert out.split() == ["3000", "False"]
    assert not refused
    assert any(0 < count < 3000 for count in seen), sorted(set(seen))


def _spreadsheet_job(staff, rows: int):
    """A confirmed import of `rows` new organisations, its file stored as the import page
    stores it, for another process to run as the worker would."""
    from django.conf import settings
    from django.urls import reverse

    from icilabas.core.models import SpreadsheetImport

    lines = ["name;kind", *(f"Association importée {n};association" for n in range(rows))]
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a1b2c3-csv").write_text("\n".join(lines), encoding="utf-8")
    return SpreadsheetImport.objects.create(
        title="organisations",
        list_url="/",
        import_url=reverse("actors:organisation_import"),
        created_by=staff,
        token="a1b2c3-csv",
        total=rows,
    )


def _run_spreadsheet_job(job, tmp_path) -> subprocess.Popen:
    from django.conf import settings

    script = f"""
import django
django.setup()
from icilabas.core import tasks
tasks.run_spreadsheet_job.call({job.pk}, confirm="all")
"""
    # A log line a row would fill the pipe of its error output, which is read at the end.
    return _process(script, tmp_path, MEDIA_ROOT=str(settings.MEDIA_ROOT), LOG_LEVEL="WARNING")


IMPORTED = "SELECT count(*) FROM actors_organisation WHERE name LIKE 'Association importée %'"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's single writer")
def test_on_sqlite_logins_go_through_while_a_big_spreadsheet_is_imported(tmp_path):
    """1,000 rows through the services take about 5 s of writing: in one transaction, a login
    allowed 1 s for the lock was refused. Written in short transactions, none is, and some
    logins see part of the file already there."""
    from icilabas.core.models import ImportedRecord, SpreadsheetImport

    staff = get_user_model().objects.create_user(username="equipe", is_staff=True)
    job = _spreadsheet_job(staff, 1000)
    process = _run_spreadsheet_job(job, tmp_path)
    _out, err, seen, refused = _log_in_while(process, staff=staff, timeout=1, looking_at=IMPORTED)
    assert process.returncode == 0, err[-3000:]
    job.refresh_from_db()
    assert (job.state, job.counts["created"]) == (SpreadsheetImport.State.DONE, 1000), job.message
    assert not refused
    assert any(0 < count < 1000 for count in seen), sorted(set(seen))
    assert not ImportedRecord.objects.exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's single writer")
@pytest.mark.parametrize("afterwards", ["run again", "given up"])
def test_on_sqlite_a_spreadsheet_import_killed_midway_is_taken_back(tmp_path, afterwards):
    """The worker dies once part of the file is committed: the task run again takes that part
    back before writing the file (no organisation twice), and a task given up after its last
    attempt leaves nothing of the file."""
    from icilabas.core import tasks
    from icilabas.core.models import ImportedRecord, SpreadsheetImport

    staff = get_user_model().objects.create_user(username="equipe", is_staff=True)
    job = _spreadsheet_job(staff, 1000)
    process = _run_spreadsheet_job(job, tmp_path)
    outside = sqlite3.connect(connection.settings_dict["NAME"], timeout=5)
    try:
        while outside.execute("SELECT count(*) FROM core_importedrecord").fetchone()[0] < 100:
            assert process.poll() is None, process.communicate()[1][-3000:]
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        (left,) = outside.execute(IMPORTED).fetchone()
    finally:
        outside.close()
    assert 100 <= left < 1000
    if afterwards == "run again":
        tasks.run_spreadsheet_job.call(job.pk, confirm="all")
        job.refresh_from_db()
        assert job.state == SpreadsheetImport.State.DONE, job.message
        assert job.counts["created"] == 1000
        assert connection.cursor().execute(IMPORTED).fetchone()[0] == 1000
    else:
        tasks._spreadsheet_job_lost(job.pk, confirm="all")
        job.refresh_from_db()
        assert job.state == SpreadsheetImport.State.FAILED
        assert connection.cursor().execute(IMPORTED).fetchone()[0] == 0
    assert not ImportedRecord.objects.exists()
