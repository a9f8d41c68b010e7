"""A first visit to a project page (issue 19: ≤ 12 ms of CPU), in-process, beside the
framework floor measured in the same run.

    python benchmarks/project_page.py --database-url postgres://postgres@127.0.0.1:5432/icilabas_bench

The registry is generated once (`benchmarks/run.py`'s `prepare`, 100,000 projects by default).
Each of `--pages` projects drawn at random is asked for once per kind of reader — a visitor
(the page store off, so the page is rendered: what a first visit costs), an editor of another
organisation, and the editor of the project's own organisation — after a warm-up on other
projects. The generator's projects have no children: the measured ones are given what a
real project's page shows (`furnish`: partners, steps, budget lines in two currencies,
localities, impacts, themes and SDGs); a visitor row gives a bare one. Prints the median
and 95th percentile of the process's CPU time (`time.process_time`: Python, templates, the
database driver; not the database server's own work) and of the wall time, with the queries
each page ran. A last row gives a visitor's first visit as production serves it: rendered,
then kept in the page store, which is full (`MAX_ENTRIES` pages).
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from benchmarks.run import BENCH_DIR, prepare  # noqa: E402

TARGET_CPU_MS = 12


def furnish(project_ids: list[int], seed: int = 7) -> None:
    """Give these projects, once, the children a real project's page shows: two participating
    organisations, three action steps, three budget lines (one cofinanced, two currencies),
    two localities, two local impacts, two secondary themes and two SDGs."""
    from decimal import Decimal

    from icilabas.actors.models import Organisation
    from icilabas.cooperation.models import (
        ActionStep,
        BudgetLine,
        LocalImpact,
        Participation,
        Project,
        ProjectLocation,
        SecondaryTheme,
    )
    from icilabas.reference.models import Concept

    rng = random.Random(seed)
    organisations = list(Organisation.objects.values_list("pk", flat=True)[:500])
    themes = list(Concept.objects.of("atlas-theme").filter(level__gte=2))
    sdgs = list(Concept.objects.of("sdg").filter(level=1))
    todo = list(
        Project.objects.filter(pk__in=project_ids, participations__isnull=True).values_list(
            "pk", "country"
        )
    )
    children: dict[type, list] = {}

    def add(model, pk, **values):
        children.setdefault(model, []).append(model(project_id=pk, **values))

    for pk, country in todo:
        partners = rng.sample(organisations, 2)
        for role, organisation in zip(("pilote", "partenaire"), partners, strict=True):
            add(Participation, pk, organisation_id=organisation, role=role)
        for n in range(3):
            add(ActionStep, pk, title=f"Étape {n + 1} : mission de suivi", status="prevu")
        for n, currency in enumerate(("EUR", "EUR", "XOF")):
            add(
                BudgetLine,
                pk,
                label=f"Poste {n + 1}",
                amount=Decimal(rng.randrange(1_000, 90_000)),
                currency=currency,
                year=2024,
                cofinancer_id=organisations[0] if n == 0 else None,
            )
        for name in ("Thiès", "Mbour"):
            place = {"country": country or "SN", "latitude": 14.8, "longitude": -16.9}
            add(ProjectLocation, pk, name=name, **place)
        for n in range(2):
            text = f"Soirée-débat {n}"
            add(LocalImpact, pk, category="animation_locale", text=text, people_reached=80)
        for rank, theme in enumerate(rng.sample(themes, 2), start=1):
            add(SecondaryTheme, pk, theme=theme, rank=rank)
    for model, rows in children.items():
        model.objects.bulk_create(rows)
    through = Project.sdgs.through
    through.objects.bulk_create(
        [through(project_id=pk, concept=sdg) for pk, _ in todo for sdg in rng.sample(sdgs, 2)]
    )


def _readers(project_ids: list[int]):
    """A visitor, an editor of an organisation carrying none of these projects' partnerships
    (for most), and an editor of the organisation carrying the most projects, with hers."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client

    from icilabas.actors.models import Organisation
    from icilabas.cooperation.models import Project
    from icilabas.members.models import Membership, Role

    users = get_user_model()
    other, _ = users.objects.get_or_create(username="bench-page-other")
    Membership.objects.get_or_create(
        user=other,
        organisation=Organisation.objects.order_by("-pk").first(),
        defaults={"role": Role.EDITOR},
    )
    own, _ = users.objects.get_or_create(username="bench-page-own")
    carrier = (
        Organisation.objects.annotate(n=Count("partnerships__projects"))
        .order_by("-n", "pk")
        .first()
    )
    Membership.objects.get_or_create(user=own, organisation=carrier, defaults={"role": Role.EDITOR})
    own_projects = list(
        Project.objects.filter(partnership__french_partners=carrier)
        .order_by("?")
        .values_list("pk", flat=True)[: len(project_ids)]
    )
    readers = []
    for label, user, ids in (
        ("visitor", None, project_ids),
        ("editor of another organisation", other, project_ids),
        ("editor of the project's organisation", own, own_projects),
    ):
        client = Client()
        if user is not None:
            client.force_login(user)
        readers.append((label, client, ids))
    return readers


def measure(pages: int, seed: int = 19) -> list[tuple[str, list[float], list[float], float]]:
    """(reader, CPU ms per page, wall ms per page, queries per page) for each kind of reader,
    the framework floor first. Django must be set up on the benchmark's database."""
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from icilabas.cooperation.models import Project
    from icilabas.core.models import Publication

    settings.ALLOWED_HOSTS.append("testserver")  # the test client's host
    settings.PAGE_CACHE_SECONDS = 0  # every page rendered: a first visit
    ids = list(
        Project.objects.filter(publication=Publication.PUBLISHED).values_list("pk", flat=True)
    )
    chosen = random.Random(seed).sample(ids, 3 * pages)
    warm, measured, bare = chosen[:pages], chosen[pages : 2 * pages], chosen[2 * pages :]
    rows = []
    readers = _readers(measured)
    furnish(warm + measured + readers[2][2])
    floor_client = readers[0][1]
    cpu, wall = _timed(floor_client, ["/bench/floor"] * pages)
    rows.append(("framework floor (bare view)", cpu, wall, 0.0))

    def row(label, client, project_ids):
        urls = [reverse("cooperation:project_detail", args=[pk]) for pk in project_ids]
        cpu, wall = _timed(client, urls)
        with CaptureQueriesContext(connection) as queries:
            for url in urls[:20]:
                client.get(url)
        return (label, cpu, wall, len(queries) / min(20, len(urls)))

    for label, client, project_ids in readers:
        _timed(client, [reverse("cooperation:project_detail", args=[pk]) for pk in warm[:20]])
        rows.append(row(label, client, project_ids))
    label, client, _ids = readers[0]
    rows.append(row(f"{label}, a bare project (no children: the generator's)", client, bare))
    # What a visitor's first visit costs in production: rendered, then kept in the page
    # store, which holds up to MAX_ENTRIES pages (filled here with stand-in files).
    settings.PAGE_CACHE_SECONDS = 600
    folder = Path(settings.CACHES["default"]["LOCATION"])
    folder.mkdir(parents=True, exist_ok=True)
    full = settings.CACHES["default"].get("OPTIONS", {}).get("MAX_ENTRIES", 300) - len(chosen)
    for n in range(full - len(list(folder.glob("*.djcache")))):
        (folder / f"stand-in-{n}.djcache").touch()
    extra = random.Random(seed + 1).sample(sorted(set(ids) - set(chosen)), pages)
    furnish(extra)
    cpu, wall = _timed(client, [reverse("cooperation:project_detail", args=[pk]) for pk in extra])
    rows.append((f"{label}, page then stored ({full:,} pages in the store)", cpu, wall, 0.0))
    return rows


def _timed(client, urls: list[str]) -> tuple[list[float], list[float]]:
    cpu, wall = [], []
    for url in urls:
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return cpu, wall


def print_table(rows) -> None:
    print(
        "\n| reader | CPU median ms | CPU p95 ms | wall median ms | wall p95 ms | queries |"
        "\n|---|---:|---:|---:|---:|---:|"
    )
    for label, cpu, wall, queries in rows:
        p95_cpu = statistics.quantiles(cpu, n=20)[18]
        p95_wall = statistics.quantiles(wall, n=20)[18]
        print(
            f"| {label} | {statistics.median(cpu):.1f} | {p95_cpu:.1f} | "
            f"{statistics.median(wall):.1f} | {p95_wall:.1f} | {queries:.1f} |"
        )
    print(f"Target: a first visit ≤ {TARGET_CPU_MS} ms of CPU.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=f"sqlite:///{BENCH_DIR / 'bench.sqlite3'}")
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    # A store of its own: filled with stand-in pages below.
    data = prepare(args.database_url, args.projects, tempfile.mkdtemp(prefix="page-store-"))
    from django.db import connection

    print(f"{data['projects']:,} projects on {connection.vendor}", flush=True)
    print_table(measure(args.pages))


if __name__ == "__main__":
    main()
