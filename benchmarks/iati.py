"""IATI import and export speed and memory, each beside its baseline measured in the same run.

    python benchmarks/iati.py                 # ~120 MB file, SQLite
    BENCH_DATABASE_URL=postgres://… python benchmarks/iati.py

1. Builds a large file by repeating the activities of tests/data/iati/who-arg.xml
   with new identifiers (kept under var/bench/iati/).
2. Baseline: the raw lxml streaming parse of that file (iterparse, elements cleared).
3. The import into a fresh database (migrated beforehand in another process), in a child
   process whose peak RSS is the import's own.
4. Export of every project in a database to IATI 2.03 with schema validation, in one
   process, then split between as many processes as the machine has cores.
5. On SQLite, while the import runs, another connection takes the write lock every 50 ms (what
   a login or an edit needs): how long it waited at most (target: never more than 1 s).
"""

import argparse
import os
import re
import resource
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "var" / "bench" / "iati"
SAMPLE = ROOT / "tests" / "data" / "iati" / "who-arg.xml"


def build_file(target_mb: int) -> tuple[Path, int]:
    path = BENCH / f"large-{target_mb}mb.xml"
    text = SAMPLE.read_text(encoding="utf-8")
    activities = re.findall(r"<iati-activity\b.*?</iati-activity>", text, flags=re.S)
    count = 0
    if not path.exists():
        BENCH.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8") as out:
            out.write('<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03">\n')
            size = 0
            while size < target_mb * 2**20:
                for activity in activities:
                    chunk = re.sub(
                        r"<iati-identifier>(.*?)</iati-identifier>",
                        rf"<iati-identifier>\1-R{count}</iati-identifier>",
                        activity,
                        count=1,
                    )
                    out.write(chunk + "\n")
                    size += len(chunk.encode())
                    count += 1
            out.write("</iati-activities>\n")
    count = sum(1 for _ in re.finditer(rb"<iati-activity\b", path.read_bytes()))
    return path, count


def raw_parse(path: Path) -> float:
    from lxml import etree

    started = time.perf_counter()
    for _event, element in etree.iterparse(str(path), tag="iati-activity"):
        element.clear(keep_tail=False)
        while element.getprevious() is not None:
            del element.getparent()[0]
    return time.perf_counter() - started


CHILD = """
import os, resource, sys, time
sys.path[:0] = [{root!r} + '/src']
os.environ['DJANGO_SETTINGS_MODULE'] = 'icilabas.settings'
import django; django.setup()
from icilabas.demo.loader import system_user
from icilabas.interop.services import import_iati
started = time.perf_counter()
report = import_iati(path={path!r}, user=system_user())
elapsed = time.perf_counter() - started
assert not report.refused, report.problems[:3]
import_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
from icilabas.interop.iati_export import export_activities
started = time.perf_counter()
counts = export_activities({export!r}, validated=True)
errors = counts.pop('errors')
export_elapsed = time.perf_counter() - started
started = time.perf_counter()
split = export_activities({export!r}, processes=os.cpu_count(), validated=True)
errors += split.pop('errors')
split_elapsed = time.perf_counter() - started
assert split == counts, split
print(elapsed, report.created, import_rss, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
      export_elapsed, counts['written'], len(errors), split_elapsed, os.cpu_count())
"""


def probe_writes(database: Path, stop: threading.Event) -> list[float]:
    """How long each of a stream of short write transactions waited for SQLite's lock."""
    waits = []
    connection = sqlite3.connect(database, timeout=120, isolation_level=None)
    while not stop.is_set():
        started = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        waits.append(time.perf_counter() - started)
        connection.execute("COMMIT")
        time.sleep(0.05)
    connection.close()
    return waits


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=int, default=120)
    args = parser.parse_args()
    path, activities = build_file(args.megabytes)
    raw = raw_parse(path)
    database = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{BENCH / 'import.sqlite3'}"
    if database.startswith("sqlite:///"):
        Path(database.removeprefix("sqlite:///")).unlink(missing_ok=True)
    script = CHILD.format(root=str(ROOT), path=str(path), export=str(BENCH / "export.xml"))
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--verbosity=0"],
        check=True,
        env={
            **os.environ,
            "DATABASE_URL": database,
            "DJANGO_SETTINGS_MODULE": "icilabas.settings",
            "PYTHONPATH": str(ROOT / "src"),
        },
    )
    stop, waits, probe = threading.Event(), [], None
    if database.startswith("sqlite:///"):
        sqlite_file = Path(database.removeprefix("sqlite:///"))
        probe = threading.Thread(target=lambda: waits.extend(probe_writes(sqlite_file, stop)))
        probe.start()
    try:
        output = subprocess.run(
            [sys.executable, "-c", script],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "DATABASE_URL": database},
        ).stdout
    finally:
        stop.set()
        if probe is not None:
            probe.join()
    imported_s, created, rss_kb, export_rss_kb, export_s, written, errors, split_s, cores = (
        output.split()[-9:]
    )
    imported_s, export_s, split_s = float(imported_s), float(export_s), float(split_s)
    engine = database.split(":", 1)[0]
    print(f"\nIATI — {path.name}: {path.stat().st_size / 2**20:.0f} MB, {activities} activities")
    print(
        f"raw lxml streaming parse (baseline): {activities / raw:,.0f} activities/s ({raw:.1f} s)"
    )
    print(
        f"import into {engine}: {int(created) / imported_s:,.0f} activities/s "
        f"({imported_s:.1f} s) = {raw / imported_s:.2f}x the raw parse rate "
        f"(target >= 0.25x); peak RSS {int(rss_kb) / 1024:.0f} MB (target <= 200 MB)"
    )
    print(
        f"export of {written} activities with schema validation: {export_s:.1f} s, "
        f"{errors} schema errors (peak RSS after the export: {int(export_rss_kb) / 1024:.0f} MB)"
    )
    print(
        f"the same export split between {cores} processes (export-iati's default), with "
        f"validation: {split_s:.1f} s, {100_000 / int(written) * split_s:.0f} s per 100,000 "
        f"activities (target <= 60 s)"
    )
    if waits:
        print(
            f"other writers during the import and export: {len(waits)} write transactions, "
            f"waited median {statistics.median(waits) * 1000:.0f} ms, "
            f"p95 {statistics.quantiles(waits, n=20)[18] * 1000:.0f} ms, "
            f"max {max(waits) * 1000:.0f} ms (target: never more than 1 s)"
        )
    print(f"(this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
