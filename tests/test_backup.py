"""`icilabas backup` then `icilabas restore` on a fresh instance gives the same data, every
table compared, and the same files; across engines too (SQLite ⇄ PostgreSQL). A damaged or
foreign archive, or a non-empty target, is refused with the reason and nothing restored."""

import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from icilabas.cooperation.models import Project
from icilabas.core import backup, search
from icilabas.core.services import create_record, soft_delete_record
from icilabas.demo.loader import system_user
from icilabas.knowledge.models import SheetDocument
from icilabas.meetings import services as meetings

from . import documents
from . import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def _rows() -> dict[str, list]:
    return {
        model._meta.label_lower: list(model._base_manager.order_by("pk").values())
        for model in backup._models_kept()
    }


@pytest.fixture
def world(reference_data, settings):
    user = system_user()
    project = f.project(title="Puits de Foundiougne")
    f.budget_line(project=project)
    f.local_impact(project=project)
    binned = f.organisation(name="Association en corbeille")
    soft_delete_record(binned, user=user)
    sheet = f.experience_sheet(title="Chantier de jeunes")
    create_record(
        SheetDocument,
        user=user,
        data={
            "sheet": sheet,
            "title": "Bilan",
            "file": SimpleUploadedFile("bilan.pdf", documents.pdf("Bilan du chantier")),
        },
    )
    meeting = f.meeting(title="Journée d’échanges", capacity=10)
    meetings.add_attendee(
        meeting=meeting, user=user, person=f.person(last_name="Bastida"), role="Élu"
    )
    return project


def test_a_backup_restored_on_a_fresh_instance_gives_every_table_and_file_back(
    world, tmp_path, settings
):
    before = _rows()
    media = Path(settings.MEDIA_ROOT)
    files_before = {p.relative_to(media): p.read_bytes() for p in media.rglob("*") if p.is_file()}
    assert files_before  # the sheet's PDF
    archive = tmp_path / "sauvegarde.tar.gz"
    call_command("backup", "--output", str(archive))

    call_command("flush", interactive=False, verbosity=0)  # a fresh instance
    for path in media.rglob("*"):
        if path.is_file():
            path.unlink()
    call_command("restore", str(archive))

    assert _rows() == before
    files_after = {p.relative_to(media): p.read_bytes() for p in media.rglob("*") if p.is_file()}
    assert files_after == files_before
    assert [h.title for h in search.search("Foundiougne", kinds=["project"])] == [world.title]


def test_a_restore_refuses_what_it_cannot_trust_and_changes_nothing(world, tmp_path):
    archive = tmp_path / "sauvegarde.tar.gz"
    backup.write_backup(archive)
    before = _rows()
    with pytest.raises(backup.BackupError, match="La base n'est pas vide"):
        backup.restore_backup(archive)

    with tarfile.open(archive, "r:gz") as source:
        members = {m.name: source.extractfile(m).read() for m in source.getmembers()}
    damaged = tmp_path / "abimee.tar.gz"
    with tarfile.open(damaged, "w:gz") as target:
        for name, content in members.items():
            if name == backup.DATA_NAME:
                content = content.replace(b"Foundiougne", b"Fondiougne")
            info = tarfile.TarInfo(name)
            info.size = len(content)
            target.addfile(info, io.BytesIO(content))
    call_command("flush", interactive=False, verbosity=0)
    with pytest.raises(backup.BackupError, match="abîmé"):
        backup.restore_backup(damaged)

    hostile = tmp_path / "hostile.tar.gz"
    manifest = json.loads(members[backup.MANIFEST_NAME])
    manifest["sha256"]["media/../../etc/passwd"] = "0" * 64
    with tarfile.open(hostile, "w:gz") as target:
        content = json.dumps(manifest).encode()
        info = tarfile.TarInfo(backup.MANIFEST_NAME)
        info.size = len(content)
        target.addfile(info, io.BytesIO(content))
    with pytest.raises(backup.BackupError, match="refusé"):
        backup.restore_backup(hostile)
    not_an_archive = tmp_path / "texte.tar.gz"
    not_an_archive.write_text("bonjour")
    with pytest.raises(backup.BackupError, match="illisible"):
        backup.restore_backup(not_an_archive)
    assert before
    assert not Project.all_objects.exists()  # nothing came in from the refused archives


def _other_engine_url(tmp_path) -> str | None:
    """A fresh database of the other engine, or None where no PostgreSQL answers."""
    if connection.vendor == "postgresql":
        return f"sqlite:///{tmp_path / 'autre.sqlite3'}"
    try:
        import psycopg

        name = f"icilabas_restore_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(
            "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True
        ) as db:
            db.execute(f"CREATE DATABASE {name}")
    except Exception:
        return None
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def test_a_backup_moves_to_the_other_engine(world, tmp_path):
    archive = tmp_path / "sauvegarde.tar.gz"
    manifest = backup.write_backup(archive)
    url = _other_engine_url(tmp_path)
    if url is None:
        pytest.skip("no PostgreSQL at 127.0.0.1:5432 to restore into")
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(tmp_path / "media-restauree"),
        "DJANGO_SETTINGS_MODULE": "icilabas.settings",
    }

    def icilabas(*args) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "icilabas.cli", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    icilabas("migrate", "--no-input", "-v", "0")
    assert "Restauration terminée" in icilabas("restore", str(archive))
    counts = json.loads(
        icilabas(
            "shell",
            "-c",
            "import json; from icilabas.core import backup; "
            "print(json.dumps({m._meta.label_lower: m._base_manager.count() "
            "for m in backup._models_kept()}))",
        )
        .strip()
        .splitlines()[-1]
    )
    assert {k: v for k, v in counts.items() if v} == manifest["counts"]
    assert list((tmp_path / "media-restauree").rglob("*.pdf"))
