"""Real-browser journeys: Debian's Chromium driven by Playwright against the live test server."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests
# themselves (setting up data) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """SQLite as in production: a file (WAL, busy timeout), not the shared-cache memory
    database, whose table locks fail at once ("database table is locked") when a job thread
    writes while the live server reads the same table for a page."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        folder = tmp_path_factory.mktemp("e2e-database")
        database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """Transactional tests flush the database after each test, reference data included."""
    from django.apps import apps

    from icilabas.reference.loaders import load_all
    from icilabas.reference.models import Commune

    if not Commune.objects.exists():
        load_all({m.__name__: m for m in apps.get_app_config("reference").get_models()})


def database_url() -> str:
    """The test database, as another process (a worker) reaches it."""
    from urllib.parse import quote

    from django.db import connection

    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    user = quote(database["USER"] or "")
    password = f":{quote(database['PASSWORD'])}" if database["PASSWORD"] else ""
    host = database["HOST"] or "127.0.0.1"
    return f"postgres://{user}{password}@{host}:{database['PORT'] or 5432}/{database['NAME']}"


def process_env(tmp_path, **extra: str) -> dict[str, str]:
    """The environment of another process of ours (a worker, a script) on the test database,
    with a cache of its own (never the installation's var/cache)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL")
    }
    env.update(
        DATABASE_URL=database_url(),
        CACHE_DIR=str(tmp_path / "cache"),
        DJANGO_SETTINGS_MODULE="icilabas.settings",
        **extra,
    )
    return env


@pytest.fixture
def queue(settings):
    """Tasks go to the database queue, as in production (the live server queues them)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def start_worker(queue, settings, tmp_path):
    """`start_worker(*args, **env)`: a real `icilabas worker` process on the test database;
    stopped at the end of the test."""
    import subprocess
    import sys

    started = []

    def start(*args: str, **extra_env: str) -> subprocess.Popen:
        env = process_env(
            tmp_path,
            MEDIA_ROOT=str(settings.MEDIA_ROOT),
            TASKS_BACKEND="database",
            WORKER_HEARTBEAT_SECONDS="1",
            **extra_env,
        )
        log = open(tmp_path / f"worker-{len(started)}.log", "w")  # noqa: SIM115 (closed at exit)
        process = subprocess.Popen(
            [sys.executable, "-m", "icilabas.cli", "worker", "--interval", "0.2", *args],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append((process, log))
        return process

    yield start
    for process, log in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()
