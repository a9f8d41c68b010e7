"""One archive holding an installation: its data in Django's engine-independent JSON lines
(a SQLite backup restores into PostgreSQL and back; times to the microsecond), its uploaded
files, and a manifest with the migrations it was made at, how many rows of each model and a
SHA-256 of every member.

Left out, because they are rebuilt or short-lived: the search index (`reindex`), sessions
(people log in again), the task queue's results, the workers' heartbeats and schedules, login
throttling, content types and permissions (made by `migrate`, referred to by natural keys)."""

import datetime
import hashlib
import io
import json
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext

from . import page_cache, search

FORMAT_VERSION = 1
DATA_NAME = "data.jsonl"
MANIFEST_NAME = "manifest.json"
MEDIA_PREFIX = "media/"
LEFT_OUT = {
    "contenttypes.contenttype",
    "auth.permission",
    "sessions.session",
    "admin.logentry",
    "core.searchentry",
    "core.workerheartbeat",
    "core.scheduledrun",
    "django_tasks_db.dbtaskresult",
    "axes.accessattempt",
    "axes.accessfailurelog",
    "axes.accesslog",
}
# Rows a fresh `migrate` has already written (the reference data): emptied before loading.
REGISTRY_MARKERS = ("actors.organisation", "cooperation.project", "actors.person")


class PreciseEncoder(DjangoJSONEncoder):
    """Times with their microseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class BackupError(ValueError):
    """The archive cannot be restored here; the message says why, in French."""


@dataclass
class Restored:
    objects: int
    files: int


def _models_kept():
    return [m for m in apps.get_models() if m._meta.label_lower not in LEFT_OUT]


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _migrations() -> dict[str, list[str]]:
    applied = {}
    for app, name in MigrationRecorder.Migration.objects.values_list("app", "name"):
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def write_backup(output: Path) -> dict:
    """Write the archive (a .tar.gz); returns its manifest."""
    with tempfile.TemporaryDirectory() as folder:
        data_path = Path(folder) / DATA_NAME
        models = _models_kept()
        counts = {}
        with transaction.atomic(), data_path.open("w", encoding="utf-8") as stream:
            # One consistent view; binned records too (the base manager). Django's own JSON
            # encoder keeps milliseconds only: the times would not come back as they were.
            for model in models:
                counts[model._meta.label_lower] = model._base_manager.count()
                serializers.serialize(
                    "jsonl",
                    model._base_manager.order_by("pk").iterator(chunk_size=2000),
                    stream=stream,
                    cls=PreciseEncoder,
                    use_natural_foreign_keys=True,
                )
        data = data_path.read_bytes()
        media = Path(settings.MEDIA_ROOT)
        files = sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []
        manifest = {
            "format": FORMAT_VERSION,
            "made_at": timezone.now().isoformat(),
            "engine": connection.vendor,
            "migrations": _migrations(),
            "counts": {label: n for label, n in sorted(counts.items()) if n},
            "sha256": {DATA_NAME: _digest(data)},
        }
        partial = output.with_name(output.name + ".part")
        with tarfile.open(partial, "w:gz") as archive:
            _add(archive, DATA_NAME, data)
            for path in files:
                content = path.read_bytes()
                name = MEDIA_PREFIX + path.relative_to(media).as_posix()
                manifest["sha256"][name] = _digest(content)
                _add(archive, name, content)
            _add(archive, MANIFEST_NAME, json.dumps(manifest, indent=1).encode())
        partial.replace(output)
    return manifest


def read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        return json.loads(archive.extractfile(MANIFEST_NAME).read())
    except (KeyError, AttributeError, ValueError) as error:
        raise BackupError(
            gettext("Ce fichier n'est pas une sauvegarde d'Ici & Là-bas (pas de manifeste).")
        ) from error


def _checked_members(archive: tarfile.TarFile, manifest: dict) -> dict[str, bytes]:
    """Every member the manifest lists, read and compared with its checksum."""
    names = list(manifest["sha256"])
    for name in names:
        allowed = name == DATA_NAME or name.startswith(MEDIA_PREFIX)
        if not allowed or ".." in Path(name).parts:
            raise BackupError(
                gettext("Nom de fichier refusé dans l'archive : %(name)s") % {"name": name}
            )
    members = {}
    present = set(archive.getnames())
    for name, expected in manifest["sha256"].items():
        extracted = archive.extractfile(name) if name in present else None
        if extracted is None:
            raise BackupError(gettext("Il manque « %(name)s » dans l'archive.") % {"name": name})
        content = extracted.read()
        if _digest(content) != expected:
            raise BackupError(
                gettext("« %(name)s » est abîmé (somme de contrôle différente).") % {"name": name}
            )
        members[name] = content
    return members


def _check_target(manifest: dict) -> None:
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(
            gettext("Format de sauvegarde inconnu : %(format)s.")
            % {"format": manifest.get("format")}
        )
    here = _migrations()
    missing = {
        app: sorted(set(names) - set(here.get(app, [])))
        for app, names in manifest["migrations"].items()
        if set(names) - set(here.get(app, []))
    }
    if missing:
        raise BackupError(
            gettext(
                "La sauvegarde vient d'une version plus récente : appliquez d'abord ses "
                "migrations (icilabas migrate) — manquantes ici : %(missing)s."
            )
            % {"missing": missing}
        )
    for label in REGISTRY_MARKERS:
        if apps.get_model(label)._base_manager.exists():
            raise BackupError(
                gettext(
                    "La base n'est pas vide : une restauration se fait sur une installation neuve "
                    "(icilabas migrate sur une base vide)."
                )
            )


def restore_backup(path: Path) -> Restored:
    """Bring an archive back on an empty, migrated instance: all or nothing for the data."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            manifest = read_manifest(archive)
            _check_target(manifest)
            members = _checked_members(archive, manifest)
    except (OSError, tarfile.TarError, EOFError) as error:
        raise BackupError(gettext("Archive illisible : %(error)s") % {"error": error}) from error
    with tempfile.TemporaryDirectory() as folder:
        data_path = Path(folder) / DATA_NAME
        data_path.write_bytes(members[DATA_NAME])
        with transaction.atomic():
            # What migrate wrote (the reference data) goes; content types and permissions are
            # made again (post_migrate), then found by their natural keys.
            call_command("flush", interactive=False, verbosity=0)
            call_command("loaddata", str(data_path), verbosity=0)
    media = Path(settings.MEDIA_ROOT)
    files = 0
    for name, content in members.items():
        if name.startswith(MEDIA_PREFIX):
            target = media / name[len(MEDIA_PREFIX) :]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            files += 1
    search.reindex_all()
    page_cache.registry_changed()
    return Restored(objects=sum(manifest["counts"].values()), files=files)
