"""SQLite: how long logins and edits wait while a big spreadsheet is imported.

    python benchmarks/spreadsheet_lock.py [--rows 2000] [--projects 4000]

A generated registry (`--projects`, seed 11) on a fresh SQLite file; a file of `--rows`
organisation rows: one renaming each stored organisation (by id, up to half the file), the
rest new. The file is
imported as the worker imports a confirmed big file (`core.tasks.run_spreadsheet_job`), in a
child process, while this one takes the write lock every 50 ms as a login or an edit does and
notes how long it waited. Baseline in the same run, on a copy of the same database: the same
job checked, then written in one transaction (what every spreadsheet import did before, and
what a file imported within the request still does). Target: no wait over 1 s.
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from benchmarks.iati import probe_writes  # noqa: E402

BENCH = ROOT / "var" / "bench" / "spreadsheet"

CHILD = """
import sys, time
sys.path[:0] = [{root!r} + '/src']
import django; django.setup()
from pathlib import Path
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from icilabas.actors.models import Organisation
from icilabas.core import importing, services, tasks
from icilabas.core.models import SpreadsheetImport
from icilabas.demo.loader import system_user

user = system_user()
stored = list(Organisation.objects.order_by("pk").values_list("pk", flat=True)[:{rows} // 2])
lines = ["id;name;kind"]
lines += [f"{{pk}};Organisation renommée {{pk}};association" for pk in stored]
lines += [f";Association importée {{n}};association" for n in range({rows} - len(stored))]
folder = Path(settings.MEDIA_ROOT) / "imports"
folder.mkdir(parents=True, exist_ok=True)
(folder / "bench-csv").write_text("\\n".join(lines), encoding="utf-8")
job = services.save_spreadsheet_job(
    SpreadsheetImport(title="organisations", list_url="/", created_by=user, token="bench-csv",
                      import_url=reverse("actors:organisation_import"), total=len(lines) - 1),
    user=user,
)
if {whole!r}:  # the former code: the file checked, then written in one transaction
    write = importing.run_import

    def in_one_transaction(*args, **kwargs):
        with transaction.atomic():
            return write(*args, **kwargs)

    importing.run_import = in_one_transaction
started = time.perf_counter()
tasks.run_spreadsheet_job.call(job.pk, confirm="all")
elapsed = time.perf_counter() - started
job.refresh_from_db()
assert job.state == "terminee", job.message
print(elapsed, job.counts["created"], job.counts["updated"])
"""


def environment(database: Path) -> dict[str, str]:
    import os

    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "icilabas.settings",
        "MEDIA_ROOT": str(BENCH / "media"),
        "CACHE_DIR": str(BENCH / "cache"),
        "TASKS_BACKEND": "immediate",
        "PYTHONPATH": str(ROOT / "src"),
    }


def build_registry(projects: int) -> Path:
    base = BENCH / f"registry-{projects}.sqlite3"
    if not base.exists():
        BENCH.mkdir(parents=True, exist_ok=True)
        for command in (
            ["migrate", "-v0"],
            ["generate", "--projects", str(projects), "--seed", "11"],
        ):
            subprocess.run(
                [sys.executable, "-m", "django", *command],
                check=True,
                env=environment(base),
                capture_output=True,
            )
    return base


def run(base: Path, *, rows: int, whole: bool) -> tuple[float, list[float], str]:
    database = BENCH / "run.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    shutil.copy(base, database)
    stop, waits = threading.Event(), []
    probe = threading.Thread(target=lambda: waits.extend(probe_writes(database, stop)))
    probe.start()
    try:
        started = time.perf_counter()
        output = subprocess.run(
            [sys.executable, "-c", CHILD.format(root=str(ROOT), rows=rows, whole=whole)],
            check=True,
            capture_output=True,
            text=True,
            env=environment(database),
        ).stdout
    finally:
        stop.set()
        probe.join()
    elapsed, created, updated = output.split()[-3:]
    total = time.perf_counter() - started
    return float(elapsed), waits, f"{created} created, {updated} updated, process {total:.1f} s"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--projects", type=int, default=4000)
    args = parser.parse_args()
    base = build_registry(args.projects)
    print(f"\nSpreadsheet import on SQLite: {args.rows} rows, registry of {args.projects} projects")
    for label, whole in (("one transaction (baseline)", True), ("short transactions", False)):
        elapsed, waits, counts = run(base, rows=args.rows, whole=whole)
        print(
            f"{label}: job {elapsed:.1f} s ({counts}); other writers: {len(waits)} write "
            f"transactions, waited median {statistics.median(waits) * 1000:.0f} ms, "
            f"p95 {statistics.quantiles(waits, n=20)[18] * 1000:.0f} ms, "
            f"max {max(waits) * 1000:.0f} ms (target: never more than 1 s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
