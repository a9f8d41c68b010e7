"""Live look-alike check latency with the web benchmark's registry (100,000 projects).

    python benchmarks/dedup/live.py            # after `make bench` generated var/bench/

For 300 stored projects drawn at random, the check is run as the project form runs it (the
title and partnership as typed, the project itself excluded). Prints p50/p95 beside the same
figures for fetching one project by id (the database floor), in the same run.
"""

import argparse
import dataclasses
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]


def percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100)
    return cuts[49] * 1000, cuts[94] * 1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args()
    database = ROOT / "var" / "bench" / f"bench-{args.projects}.sqlite3"
    database.parent.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{database}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icilabas.settings")
    import django

    django.setup()
    from benchmarks.run import prepare
    from icilabas.cooperation.models import Project
    from icilabas.matching.selectors import candidate_records, look_alikes

    data = prepare(os.environ["DATABASE_URL"], args.projects, tempfile.mkdtemp(prefix="live-"))
    rng = random.Random(1)
    ids = rng.sample(data["project_ids"], args.samples)
    floor = []
    checks = {"title + partnership": [], "title + country": []}
    found = dict.fromkeys(checks, 0)
    for pk in ids:
        started = time.perf_counter()
        project = Project.objects.get(pk=pk)
        floor.append(time.perf_counter() - started)
        (record,) = candidate_records([pk])
        typed = {
            # As typed: a title and a partnership, nothing more yet.
            "title + partnership": dataclasses.replace(record, description=""),
            # Before any partnership is chosen: the title and the country.
            "title + country": dataclasses.replace(
                record, description="", french_authority="", partner_locality="", start_year=None
            ),
        }
        for name, as_typed in typed.items():
            started = time.perf_counter()
            result = look_alikes(as_typed, exclude=project.pk)
            checks[name].append(time.perf_counter() - started)
            found[name] += bool(result)
    f50, f95 = percentiles(floor)
    print(f"Live look-alike check — {data['projects']} projects, {args.samples} checks")
    print(f"{'':<28}{'p50 ms':>8}{'p95 ms':>8}")
    print(f"{'fetch one project (floor)':<28}{f50:>8.1f}{f95:>8.1f}")
    for name, samples in checks.items():
        p50, p95 = percentiles(samples)
        print(f"{'check: ' + name:<28}{p50:>8.1f}{p95:>8.1f}   target p95 <= 50 ms")
    for name, count in found.items():
        print(f"checks showing at least one look-alike ({name}): {count}/{args.samples}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
