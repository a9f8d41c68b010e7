"""The public face at scale: commune, country, project pages, the dashboard and the map for
50 people browsing at once, beside a bare Django view; page weight; the briefing PDF.

    python benchmarks/public.py                       # embedded SQLite, under var/bench/
    python benchmarks/public.py --database-url postgres://postgres@127.0.0.1:5432/icilabas_bench

The registry is generated once (`benchmarks/run.py`'s `prepare`, 100,000 projects). The site is
served by gunicorn (2 workers on this 2-core machine). "50 concurrent users" are 50 client
processes, each asking for a page, reading it (a random pause, 3 s on average, as Locust's
usual `between(1, 5)`) and asking for the next: people browsing, not 50 requests always in
flight (that measures saturation, which `benchmarks/run.py` does; `--pause 0` does it here).
Each scenario is measured three times: every page rendered (a logged-in user, or a visitor's
first visit: the target, p95 ≤ 150 ms) right after a change of the registry, when the figures
over the whole registry (dashboard, maps, a country's or a commune's counts) are not computed
yet; rendered again once they are ("steady"); and with the visitors' page store.
Page weight: each page's HTML plus the CSS and scripts it loads, uncompressed and gzipped
(target ≤ 150 KB, photos aside). The briefing PDF: figures and WeasyPrint for the most
engaged authorities, in-process (target ≤ 3 s).
"""

import argparse
import gzip
import http.client
import multiprocessing
import os
import random
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from benchmarks.run import BENCH_DIR, prepare, save, start_gunicorn  # noqa: E402

SCENARIOS = ["floor", "commune", "country", "project", "dashboard", "map"]
P95_TARGET_MS = 150
WEIGHT_TARGET_KB = 150
PDF_TARGET_S = 3.0
ASSET = re.compile(r'(?:href|src)="(/static/[^"]+\.(?:css|js|svg))"')


def public_urls(data: dict) -> dict[str, list[str]]:
    """Pages to ask for, per scenario, from what the registry holds."""
    from django.db.models import Count

    from icilabas.actors.models import Organisation
    from icilabas.cooperation.models import Project

    communes = list(
        Organisation.objects.published()
        .exclude(insee_code="")
        .values("insee_code")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("insee_code", flat=True)[:300]
    )
    countries = list(
        Project.objects.published()
        .values("country")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("country", flat=True)[:30]
    )
    return {
        "floor": ["/bench/floor"],
        "commune": [f"/communes/{code}/" for code in communes],
        "country": [f"/pays/{code}/" for code in countries if code],
        "project": [f"/cooperation/projets/{pk}/" for pk in data["project_ids"][::97]],
        "dashboard": ["/tableau-de-bord/"],
        "map": ["/carte/", "/carte/ici/"],
    }


def _browse(args) -> tuple[list[float], int]:
    """One person: a page, a pause to read it, the next page."""
    port, urls, duration, pause, seed = args
    rng = random.Random(seed)
    latencies, errors = [], 0
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    time.sleep(rng.random())  # people do not all arrive in the same millisecond
    deadline = time.perf_counter() + duration
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        try:
            connection.request("GET", rng.choice(urls), headers={"Host": "127.0.0.1"})
            response = connection.getresponse()
            response.read()
            errors += response.status != 200
        except (OSError, http.client.HTTPException):
            errors += 1
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            continue
        latencies.append(time.perf_counter() - started)
        if pause:
            time.sleep(rng.expovariate(1 / pause))
    connection.close()
    return latencies, errors


def load(
    port: int, urls: list[str], users: int, duration: float, name: str, pause: float = 3.0
) -> dict:
    jobs = [(port, urls, duration, pause, f"{name}-{n}") for n in range(users)]
    with multiprocessing.Pool(users) as pool:
        results = pool.map(_browse, jobs)
    latencies = sorted(x for lat, _ in results for x in lat)
    quantiles = statistics.quantiles(latencies, n=100)
    return {
        "scenario": name,
        "requests": len(latencies),
        "errors": sum(e for _, e in results),
        "rps": len(latencies) / duration,
        "p50_ms": quantiles[49] * 1000,
        "p95_ms": quantiles[94] * 1000,
    }


def fetch(port: int, url: str) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", url, headers={"Host": "127.0.0.1"})
    body = connection.getresponse().read()
    connection.close()
    return body


def page_weight(port: int, urls: dict[str, list[str]]) -> list[dict]:
    pages = [("home", "/")] + [(name, urls[name][0]) for name in SCENARIOS[1:]]
    pages.append(("map ici", "/carte/ici/"))
    rows = []
    for name, url in pages:
        html = fetch(port, url)
        assets = sorted(set(ASSET.findall(html.decode())))
        bodies = [fetch(port, asset) for asset in assets]
        raw = len(html) + sum(map(len, bodies))
        zipped = len(gzip.compress(html)) + sum(len(gzip.compress(b)) for b in bodies)
        rows.append(
            {
                "page": name,
                "html_kb": len(html) / 1024,
                "total_kb": raw / 1024,
                "gzip_kb": zipped / 1024,
                "assets": assets,
            }
        )
    return rows


def first_visit_costs(urls: dict[str, list[str]]) -> list[dict]:
    """What the first visit after a change of the registry computes (in-process, seconds):
    the figures that are then kept for that registry version."""
    from icilabas.portal import selectors, views
    from icilabas.reference.models import Commune

    def timed(compute) -> float:
        started = time.perf_counter()
        compute()
        return time.perf_counter() - started

    communes = Commune.objects.select_related("departement__region").filter(
        insee_code__in=[url.split("/")[2] for url in urls["commune"][:10]]
    )
    countries = [url.split("/")[2] for url in urls["country"][:10]]
    rows = [
        ("dashboard", [timed(selectors._dashboard)]),
        (
            "map",
            [timed(lambda: (selectors._partnerships_by_country(), selectors._partner_places()))],
        ),
        ("map ici", [timed(selectors._engaged_places)]),
        ("home", [timed(views.home_figures)]),
        ("country", [timed(lambda c=c: views.country_figures(c, None)) for c in countries]),
        ("commune", [timed(lambda c=c: selectors.commune_overview(c)) for c in communes]),
    ]
    return [
        {"figures": name, "median_ms": statistics.median(t) * 1000, "max_ms": max(t) * 1000}
        for name, t in rows
    ]


def briefing_times(count: int = 3) -> list[dict]:
    """Figures, then the PDF, for the authorities with the most partnerships."""
    from django.db.models import Count

    from icilabas.actors.models import Organisation
    from icilabas.core import pdf
    from icilabas.portal import selectors, tasks

    started = time.perf_counter()
    import weasyprint  # noqa: F401  (its import is paid once per worker process)

    import_s = time.perf_counter() - started
    authorities = (
        Organisation.objects.published()
        .filter(kind__in=Organisation.LOCAL_AUTHORITY_KINDS)
        .annotate(n=Count("partnerships"))
        .order_by("-n")[:count]
    )
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for authority in authorities:
            started = time.perf_counter()
            figures = selectors.briefing(authority)
            figures_s = time.perf_counter() - started
            target = Path(folder) / tasks.briefing_path(authority, figures["digest"]).name
            pdf.write_pdf(template="portal/briefing_pdf.html", context=figures, target=target)
            rows.append(
                {
                    "authority": authority.name,
                    "partnerships": authority.n,
                    "projects": figures["project_count"],
                    "figures_s": figures_s,
                    "total_s": time.perf_counter() - started,
                    "pdf_kb": target.stat().st_size / 1024,
                }
            )
    return [{"weasyprint_import_s": import_s}, *rows]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per scenario")
    parser.add_argument("--pause", type=float, default=3.0, help="mean reading time, seconds")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    database_url = args.database_url or f"sqlite:///{BENCH_DIR / f'bench-{args.projects}.sqlite3'}"
    cache_dir = tempfile.mkdtemp(prefix="icilabas-bench-cache-")
    data = prepare(database_url, args.projects, cache_dir)
    engine = database_url.split(":", 1)[0]
    urls = public_urls(data)
    # "after a change": every page rendered, the registry-wide figures not computed yet (a new
    # registry version); "steady": rendered again, those figures kept; "cached": visitors.
    modes = ("after a change", "steady", "cached")
    results = {mode: [] for mode in modes}
    try:
        for mode in modes:
            server = start_gunicorn(
                database_url, cache_dir, args.port, args.workers, page_cache=mode == "cached"
            )
            try:
                for name in SCENARIOS:  # warm the workers up: imports, templates, connections
                    load(args.port, urls[name], 4, 1.0, name)
                results[mode] = [
                    load(args.port, urls[name], args.users, args.duration, name, args.pause)
                    for name in SCENARIOS
                ]
                if mode == "steady":
                    weights = page_weight(args.port, urls)
            finally:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=30)
    finally:
        shutil.rmtree(cache_dir, ignore_errors=True)
    briefings = briefing_times()
    first_visits = first_visit_costs(urls)

    print(
        f"\nPublic pages — {data['projects']} projects on {engine}, gunicorn {args.workers} "
        f"workers, {args.users} people browsing ({args.pause:g} s pause on average), "
        f"{args.duration:.0f} s "
        "per scenario"
    )
    print(f"{'':<11}" + "".join(f"{mode:>24}" for mode in modes))
    print(f"{'scenario':<11}" + f"{'p50':>8}{'p95 ms':>9}{'req/s':>7}" * len(modes))
    failures = []
    for index, name in enumerate(SCENARIOS):
        rows = [results[mode][index] for mode in modes]
        print(
            f"{name:<11}"
            + "".join(f"{r['p50_ms']:>8.1f}{r['p95_ms']:>9.1f}{r['rps']:>7.0f}" for r in rows)
            + (
                f"  errors {sum(r['errors'] for r in rows)}"
                if any(r["errors"] for r in rows)
                else ""
            )
        )
        for mode, row in zip(modes[:2], rows[:2], strict=True):
            if name != "floor" and row["p95_ms"] > P95_TARGET_MS:
                failures.append(f"{name} p95 {row['p95_ms']:.0f} ms ({mode})")
    print(f"\n{'page':<11}{'HTML KB':>9}{'+ CSS/JS KB':>13}{'gzip KB':>9}")
    for row in weights:
        print(
            f"{row['page']:<11}{row['html_kb']:>9.1f}{row['total_kb']:>13.1f}{row['gzip_kb']:>9.1f}"
        )
        if row["total_kb"] > WEIGHT_TARGET_KB:
            failures.append(f"{row['page']} weighs {row['total_kb']:.0f} KB")
    import_s = briefings[0]["weasyprint_import_s"]
    print(f"\nBriefing PDF (WeasyPrint import, once per worker: {import_s:.2f} s)")
    for row in briefings[1:]:
        print(
            f"  {row['authority'][:40]:<40} {row['partnerships']:>3} partnerships "
            f"{row['projects']:>4} projects: figures {row['figures_s']:.2f} s, "
            f"figures + PDF {row['total_s']:.2f} s ({row['pdf_kb']:.0f} KB)"
        )
        if row["total_s"] > PDF_TARGET_S:
            failures.append(f"briefing of {row['authority']} {row['total_s']:.1f} s")
    print("\nFirst visit after a change (figures then kept for the registry version), in-process")
    for row in first_visits:
        print(
            f"  {row['figures']:<10} median {row['median_ms']:.0f} ms, max {row['max_ms']:.0f} ms"
        )
    save(
        f"public-{engine}-{data['projects']}.json",
        {
            "args": vars(args),
            "results": results,
            "weights": weights,
            "briefings": briefings,
            "first_visits": first_visits,
        },
        failures,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
