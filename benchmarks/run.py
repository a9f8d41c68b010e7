"""Web benchmark: project list, filtered list, detail page and search, beside the framework floor.

    make bench                      # 100,000 projects on the embedded SQLite default
    python benchmarks/run.py --projects 20000 --duration 5
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/icilabas_bench make bench

The registry is generated once (`icilabas generate`) and kept under var/bench/. The site is served
by gunicorn, the same way for every scenario; the floor is a bare Django view behind the same
middleware. Load comes from separate processes on loopback, with a fixed duration per scenario.
Prints requests/s and latency percentiles, and each scenario's throughput as a share of the floor's.

Visitors' pages are stored until the registry changes (core.page_cache). Each run starts with an
empty store, and the warm-up is made as a logged-in-looking client (session cookie), whose pages
are never stored: a page is served from the store only if the measured load itself asked for it
before. `--no-page-cache` measures the
rendering cost alone (what a logged-in user, or a visitor on a cold page, waits for).
"""

import argparse
import http.client
import json
import multiprocessing
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
SEARCH_TERMS = [
    "eau",
    "santé",
    "jeunes",
    "école",
    "Bamako",
    "tourisme",
    "assainissement",
    "accès eau",
    "maraîchage",
    "coopération",
    "Sénégal",
    "Foundiougne",
    "femmes alphabétisation",
    "Kaolack",
    "patrimoine",
    "déchets",
    "état civil",
    "Ouaga",
    "Mali",
    "festival",
]
# (scenario, target share of the floor's throughput)
TARGETS = {"detail": 0.5, "list": 0.3, "filtered list": 0.3, "search": 0.3}
SEARCH_P95_TARGET_MS = 50


def bench_env(database_url: str, cache_dir: str, page_cache: bool = True) -> dict:
    return {
        **os.environ,
        "CACHE_DIR": cache_dir,
        "PAGE_CACHE_SECONDS": "600" if page_cache else "0",
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
        "SECRET_KEY": "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    }


def prepare(database_url: str, projects: int, cache_dir: str) -> dict:
    """Migrate and generate the registry once; return ids and filter values to request."""
    os.environ.update(bench_env(database_url, cache_dir))
    sys.path[:0] = [str(ROOT), str(ROOT / "src")]
    import django

    django.setup()
    from django.core.management import call_command

    from icilabas.cooperation.models import Project
    from icilabas.demo.generator import generate, refresh_statistics
    from icilabas.reference.models import Concept

    call_command("migrate", verbosity=0)
    existing = Project.objects.count()
    if existing < projects:
        started = time.perf_counter()
        print(f"Generating {projects - existing} projects…", flush=True)
        generate(projects=projects - existing, seed=existing + 1)
        print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)
    refresh_statistics()
    ids = list(Project.objects.values_list("pk", flat=True))
    themes = list(Concept.objects.of("atlas-theme").filter(level=1).values_list("pk", flat=True))
    return {"project_ids": ids, "themes": themes, "projects": len(ids)}


def scenario_urls(name: str, data: dict, rng: random.Random) -> list[str]:
    def one():
        if name == "floor":
            return "/bench/floor"
        if name == "list":
            return f"/cooperation/projets/?page={rng.randint(1, 200)}"
        if name == "filtered list":
            country = rng.choice(["ML", "BF", "SN", "MA", "MG"])
            return (
                f"/cooperation/projets/?country={country}&theme={rng.choice(data['themes'])}"
                "&status=en_cours"
            )
        if name == "detail":
            return f"/cooperation/projets/{rng.choice(data['project_ids'])}/"
        if name == "search":
            return f"/recherche/?q={quote(rng.choice(SEARCH_TERMS))}"
        raise ValueError(name)

    return [one() for _ in range(5000)]


def _load_worker(args) -> tuple[list[float], int]:
    port, urls, duration, headers = args
    latencies, errors = [], 0
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    deadline = time.perf_counter() + duration
    index = 0
    while time.perf_counter() < deadline:
        url = urls[index % len(urls)]
        index += 1
        started = time.perf_counter()
        try:
            connection.request("GET", url, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                errors += 1
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
        except (OSError, http.client.HTTPException):
            errors += 1
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        latencies.append(time.perf_counter() - started)
    connection.close()
    return latencies, errors


def measure(
    port: int, name: str, data: dict, duration: float, concurrency: int, warm_up: bool = False
) -> dict:
    """Load one scenario. The warm-up loads the workers (connections, templates, imports)
    with a session cookie, so that no page it asks for is stored for the measured load."""
    rng = random.Random(("warm-up " if warm_up else "") + name)
    headers = {"Host": "127.0.0.1"}
    if warm_up:
        headers["Cookie"] = "sessionid=warm-up"
    jobs = [(port, scenario_urls(name, data, rng), duration, headers) for _ in range(concurrency)]
    with multiprocessing.Pool(concurrency) as pool:
        results = pool.map(_load_worker, jobs)
    latencies = sorted(x for lat, _ in results for x in lat)
    errors = sum(e for _, e in results)
    if not latencies:
        return {"scenario": name, "requests": 0, "errors": errors}
    quantiles = statistics.quantiles(latencies, n=100)
    return {
        "scenario": name,
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / duration,
        "p50_ms": quantiles[49] * 1000,
        "p95_ms": quantiles[94] * 1000,
    }


def start_gunicorn(
    database_url: str, cache_dir: str, port: int, workers: int, *, page_cache: bool
) -> subprocess.Popen:
    """The site served as in production, once it answers; stop it with `os.killpg`."""
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "icilabas.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=bench_env(database_url, cache_dir, page_cache=page_cache),
        cwd=ROOT,
        start_new_session=True,
    )
    wait_until_up(port)
    return server


def save(name: str, payload: dict, failures: list[str]) -> None:
    output = BENCH_DIR / name
    output.write_text(json.dumps(payload, indent=2))
    print(f"\nSaved to {output.relative_to(ROOT)}")
    print("Targets met." if not failures else "Targets missed: " + "; ".join(failures))


def wait_until_up(port: int, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/bench/floor", headers={"Host": "127.0.0.1"})
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per scenario")
    parser.add_argument("--concurrency", type=int, default=4, help="client processes")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument(
        "--no-page-cache", action="store_true", help="render every page (PAGE_CACHE_SECONDS=0)"
    )
    args = parser.parse_args()

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    database_url = args.database_url or f"sqlite:///{BENCH_DIR / f'bench-{args.projects}.sqlite3'}"
    cache_dir = tempfile.mkdtemp(prefix="icilabas-bench-cache-")  # an empty page store
    data = prepare(database_url, args.projects, cache_dir)
    engine = database_url.split(":", 1)[0]

    server = start_gunicorn(
        database_url, cache_dir, args.port, args.workers, page_cache=not args.no_page_cache
    )
    try:
        for name in ["floor", "list", "filtered list", "detail", "search"]:  # warm the workers
            measure(args.port, name, data, 1.0, args.concurrency, warm_up=True)
        results = [
            measure(args.port, name, data, args.duration, args.concurrency)
            for name in ["floor", "list", "filtered list", "detail", "search"]
        ]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(cache_dir, ignore_errors=True)

    floor = results[0]["rps"]
    print(
        f"\nWeb benchmark — {data['projects']} projects on {engine}, gunicorn "
        f"{args.workers} workers, {args.concurrency} client processes, {args.duration:.0f} s "
        f"per scenario, visitors' page store {'off' if args.no_page_cache else 'on'}"
    )
    print(
        f"{'scenario':<15}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'x floor':>9}{'target':>9}"
        f"{'errors':>8}"
    )
    failures = []
    for row in results:
        share = row["rps"] / floor
        target = TARGETS.get(row["scenario"])
        row["share_of_floor"] = share
        verdict = "" if target is None else f">={target}"
        if target is not None and share < target:
            failures.append(f"{row['scenario']}: {share:.2f}x floor < {target}x")
        print(
            f"{row['scenario']:<15}{row['rps']:>9.0f}{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}"
            f"{share:>9.2f}{verdict:>9}{row['errors']:>8}"
        )
    search_p95 = results[-1]["p95_ms"]
    if search_p95 > SEARCH_P95_TARGET_MS:
        failures.append(f"search p95 {search_p95:.1f} ms > {SEARCH_P95_TARGET_MS} ms")
    suffix = "-rendered" if args.no_page_cache else ""
    save(
        f"web-{engine}-{data['projects']}{suffix}.json",
        {"engine": engine, "projects": data["projects"], "args": vars(args), "results": results},
        failures,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
