"""Load test: Locust on loopback against gunicorn and a worker, on PostgreSQL with the web
benchmark's registry, beside a bare Django view under the same load.

    python benchmarks/load.py --database-url postgres://postgres@127.0.0.1:5432/icilabas_bench
    python benchmarks/load.py --users 200 --minutes 10 …   # the full run
    python benchmarks/load.py --users 20 --minutes 1 --projects 10000 …   # the reduced one

Mix: 70 % visitors browsing and searching (home, project and country pages, lists, search),
20 % signed-in editors browsing (their pages are never stored: rendered each time), 10 %
editors saving a project: the live duplicate check as the form runs it, then the save (API
PATCH with If-Match, through the services: history, search index, page store invalidated).
Think time 3 to 7 s per user. Prints requests/s, p50/p95/p99 and errors per kind, then the
same number of users hitting the bare view. Targets: 0 errors, p95 ≤ 500 ms.
"""

import argparse
import itertools
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gevent import monkey

monkey.patch_all()

import gevent  # noqa: E402  (after the monkey patch, as Locust requires)
from locust import HttpUser, between, events, task  # noqa: E402
from locust.env import Environment  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
P95_TARGET_MS = 500
EDITORS = 20
MAX_SAVERS = 1000  # each saver's projects: one id in MAX_SAVERS of the 20,000 drawn
PASSWORD = "charge-de-test-2026"
DATA: dict = {}


def prepare(database_url: str, projects: int) -> dict:
    """Generate the registry if needed and the editors' accounts and tokens, in a child
    process (Django there, gevent here)."""
    script = f"""
import json, sys
sys.path[:0] = {[str(ROOT), str(ROOT / "src")]!r}
from benchmarks.run import prepare
data = prepare({database_url!r}, {projects}, {tempfile.mkdtemp(prefix="load-")!r})
from django.contrib.auth import get_user_model
from icilabas.api.models import ApiToken
from icilabas.api.services import issue_token
from icilabas.actors.models import Organisation
editors = []
for n in range({EDITORS}):
    user, created = get_user_model().objects.get_or_create(
        username=f"charge{{n}}", defaults={{"is_staff": True}})
    user.set_password({PASSWORD!r}); user.save()
    ApiToken.objects.filter(user=user).delete()
    editors.append((user.username, issue_token(user=user, name="load")[1]))
data["editors"] = editors
data["organisations"] = list(Organisation.objects.values_list("pk", flat=True)[:2000])
data["project_ids"] = data["project_ids"][:20000]
print("JSON" + json.dumps(data))
"""
    from benchmarks.run import bench_env

    done = subprocess.run(
        [sys.executable, "-c", script],
        env=bench_env(database_url, tempfile.mkdtemp(prefix="load-")),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    return json.loads(done.stdout.split("JSON", 1)[1])


SEARCHES = ["eau", "santé", "jeunes", "école", "Bamako", "Kaolack", "festival", "déchets"]
COUNTRIES = ["sn", "ml", "bf", "ma", "mg", "bj", "vn", "ht"]


class Visitor(HttpUser):
    weight = 70
    wait_time = between(3, 7)

    @task(4)
    def project(self):
        pk = random.choice(DATA["project_ids"])
        self.client.get(f"/cooperation/projets/{pk}/", name="visitor: project")

    @task(2)
    def search(self):
        self.client.get(
            "/recherche/", params={"q": random.choice(SEARCHES)}, name="visitor: search"
        )

    @task(1)
    def lists(self):
        self.client.get(
            "/cooperation/projets/",
            params={"page": random.randint(1, 50)},
            name="visitor: project list",
        )

    @task(1)
    def country(self):
        self.client.get(f"/pays/{random.choice(COUNTRIES)}/", name="visitor: country")

    @task(1)
    def home(self):
        self.client.get("/", name="visitor: home")


def log_in(user: HttpUser) -> str:
    username, token = random.choice(DATA["editors"])
    page = user.client.get("/connexion/", name="editor: login page")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    user.client.post(
        "/connexion/",
        data={"csrfmiddlewaretoken": csrf, "username": username, "password": PASSWORD},
        headers={"Referer": f"{user.host}/connexion/"},
        name="editor: log in",
    )
    return token


class Editor(HttpUser):
    """Signed in: every page is rendered for her, none comes from the visitors' store."""

    weight = 20
    wait_time = between(3, 7)

    def on_start(self):
        log_in(self)

    @task(3)
    def project(self):
        pk = random.choice(DATA["project_ids"])
        self.client.get(f"/cooperation/projets/{pk}/", name="editor: project")

    @task(1)
    def organisation(self):
        pk = random.choice(DATA["organisations"])
        self.client.get(f"/acteurs/organisations/{pk}/", name="editor: organisation")

    @task(1)
    def my_space(self):
        self.client.get("/membres/", name="editor: mon espace")

    @task(1)
    def list_sorted(self):
        self.client.get(
            "/cooperation/projets/", params={"sort": "-start_on"}, name="editor: project list"
        )


class Saver(HttpUser):
    """Types a project's new title (the live look-alike check), then saves it. Each saver
    edits projects of her own, as an editor does her organisation's: two savers never send
    the same project at once (the If-Match check would answer 409, as designed and tested in
    `tests/test_api.py`, and count as an error here)."""

    weight = 10
    wait_time = between(3, 7)
    started = itertools.count()

    def on_start(self):
        self.token = log_in(self)
        self.csrf = self.client.cookies.get("csrftoken", "")
        self.projects = DATA["project_ids"][next(self.started) :: MAX_SAVERS]

    @task
    def save_project(self):
        pk = random.choice(self.projects)
        read = self.client.get(f"/api/v1/projects/{pk}", name="saver: read (API)")
        if read.status_code != 200:
            return
        project = read.json()
        title = re.sub(r" \(\d+\)$", "", project["title"]) + f" ({random.randint(1, 99)})"
        self.client.post(
            "/doublons/verifier-projet/",
            data={"title": title, "country": project.get("country") or "", "check_project": pk},
            headers={"X-CSRFToken": self.csrf, "Referer": f"{self.host}/"},
            name="saver: live duplicate check",
        )
        self.client.patch(
            f"/api/v1/projects/{pk}",
            json={"title": title},
            headers={"Authorization": f"Bearer {self.token}", "If-Match": read.headers["ETag"]},
            name="saver: save (API PATCH)",
        )


class Floor(HttpUser):
    wait_time = between(3, 7)

    @task
    def floor(self):
        self.client.get("/bench/floor", name="floor")


SETTLED_AFTER = 60  # seconds from the start: every user spawned, the editors logged in
TIMINGS: list[tuple[float, str, float, bool]] = []  # (when, kind, ms, failed), every request


@events.request.add_listener
def _timed(request_type, name, response_time, exception=None, **_kwargs):
    TIMINGS.append((time.time(), name, response_time, exception is not None))


def run(user_classes, users: int, seconds: int, port: int) -> Environment:
    env = Environment(user_classes=user_classes, host=f"http://127.0.0.1:{port}", events=events)
    runner = env.create_local_runner()
    TIMINGS.clear()
    env.started_at = time.time()
    runner.start(users, spawn_rate=max(users / 20, 1))
    gevent.spawn_later(seconds, runner.quit)
    runner.greenlet.join()
    return env


def report_settled(env: Environment) -> dict | None:
    """The same figures without the first `SETTLED_AFTER` seconds (users arriving, 40 logins
    of ~0.5 s of CPU each within 20 s): what the site gives once every user is on it. The
    whole run stays the figure the target is judged on."""
    since = env.started_at + SETTLED_AFTER
    settled = [(name, ms, failed) for when, name, ms, failed in TIMINGS if when >= since]
    if len(settled) < 20:
        return None
    times = sorted(ms for _name, ms, _failed in settled)

    def percentile(share: float) -> float:
        return times[min(len(times) - 1, int(share * len(times)))]

    row = {
        "requests": len(times),
        "errors": sum(failed for _name, _ms, failed in settled),
        "p50": percentile(0.5),
        "p95": percentile(0.95),
        "p99": percentile(0.99),
    }
    print(f"\nafter the first {SETTLED_AFTER} s (every user on the site):")
    _print("all", row)
    return row


def cpu_seconds(server_pid: int, worker_pid: int) -> dict[str, float]:
    """CPU seconds used so far by each part sharing the machine: gunicorn (master and
    workers), the task worker, Locust (this process), and PostgreSQL with the rest."""
    import psutil

    def tree(pid: int) -> float:
        try:
            root = psutil.Process(pid)
            processes = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0.0
        gone = root.cpu_times()  # workers that ended and were waited for
        total = gone.children_user + gone.children_system
        for process in processes:
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += times.user + times.system
        return total

    machine = psutil.cpu_times()
    own = psutil.Process().cpu_times()
    parts = {
        "gunicorn": tree(server_pid),
        "task worker": tree(worker_pid),
        "Locust": own.user + own.system,
    }
    busy = machine.user + machine.system + machine.nice
    busy += getattr(machine, "irq", 0) + getattr(machine, "softirq", 0)
    # PostgreSQL's backends come and go with connections: counted as what is left.
    parts["PostgreSQL and the rest"] = busy - sum(parts.values())
    parts["machine busy"] = busy
    return parts


def print_cpu(before: dict, after: dict, seconds: float, requests: int) -> dict:
    """Each part's share of the machine during the run, and its CPU per request."""
    cores = psutil_cores()
    print(f"\nCPU during the run ({cores} cores × {seconds:.0f} s = {cores * seconds:.0f} s):")
    used = {name: after[name] - before[name] for name in before}
    for name, value in used.items():
        print(
            f"  {name:<14}{value:>8.0f} s  {100 * value / (cores * seconds):>5.1f} % of the "
            f"machine  {1000 * value / max(requests, 1):>6.1f} ms per request"
        )
    return used


def psutil_cores() -> int:
    import psutil

    return psutil.cpu_count() or 1


def report(env: Environment, title: str) -> dict:
    print(f"\n{title}")
    print(f"{'kind':<34}{'requests':>9}{'errors':>7}{'p50':>7}{'p95':>7}{'p99':>7}")
    rows = {}
    for entry in sorted(env.stats.entries.values(), key=lambda e: e.name):
        rows[entry.name] = _row(entry)
        _print(entry.name, rows[entry.name])
    rows["total"] = _row(env.stats.total)
    _print("all", rows["total"])
    print(f"requests/s: {env.stats.total.total_rps:.1f}")
    for name, error in env.stats.errors.items():
        print(f"error {name}: {error.occurrences} × {error.error}")
    return rows


def _row(entry) -> dict:
    return {
        "requests": entry.num_requests,
        "errors": entry.num_failures,
        "p50": entry.get_response_time_percentile(0.5),
        "p95": entry.get_response_time_percentile(0.95),
        "p99": entry.get_response_time_percentile(0.99),
        "rps": entry.total_rps,
    }


def _print(name: str, row: dict) -> None:
    print(
        f"{name:<34}{row['requests']:>9}{row['errors']:>7}{row['p50']:>7.0f}"
        f"{row['p95']:>7.0f}{row['p99']:>7.0f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()

    from benchmarks.run import BENCH_DIR, bench_env, start_gunicorn

    DATA.update(prepare(args.database_url, args.projects))
    cache = tempfile.mkdtemp(prefix="load-cache-")
    server = start_gunicorn(args.database_url, cache, args.port, args.workers, page_cache=True)
    worker = subprocess.Popen(
        [sys.executable, "-m", "icilabas.cli", "worker"],
        env=bench_env(args.database_url, cache),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    seconds = int(args.minutes * 60)
    try:
        started = time.time()
        cpu_before = cpu_seconds(server.pid, worker.pid)
        env = run([Visitor, Editor, Saver], args.users, seconds, args.port)
        cpu_after = cpu_seconds(server.pid, worker.pid)
        mixed = report(
            env, f"{args.users} users, {seconds} s, mixed ({time.time() - started:.0f} s)"
        )
        mixed["settled"] = report_settled(env)
        mixed["cpu seconds"] = print_cpu(
            cpu_before, cpu_after, time.time() - started, env.stats.total.num_requests
        )
        floor = report(
            run([Floor], args.users, max(seconds // 4, 30), args.port),
            f"the bare Django view, {args.users} users",
        )
    finally:
        for process in (server, worker):
            os.killpg(process.pid, 15)
    total = mixed["total"]
    failures = []
    if total["errors"]:
        failures.append(f"{total['errors']} errors")
    if total["p95"] > P95_TARGET_MS:
        failures.append(f"p95 {total['p95']:.0f} ms > {P95_TARGET_MS} ms")
    output = BENCH_DIR / "load.json"
    output.write_text(json.dumps({"mixed": mixed, "floor": floor, "args": vars(args)}, indent=2))
    print("Targets met." if not failures else "Targets missed: " + "; ".join(failures))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
