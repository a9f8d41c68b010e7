import os
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from icilabas.demo.loader import system_user

# CI lays the design notes and data beside the clone (`../shared`); a contributor's clone has
# nothing there, so no test may read it. Every file opened by this process is watched (Python's
# audit hook), and the session fails if one lay there.
SHARED = os.path.join(Path(__file__).resolve().parents[2], "shared") + os.sep
_opened_in_shared: list[str] = []


def _watch_opens(event: str, args: tuple) -> None:
    if event == "open" and args and isinstance(args[0], str | bytes | os.PathLike):
        path = os.path.abspath(os.fsdecode(args[0]))
        if path.startswith(SHARED):
            _opened_in_shared.append(path)


sys.addaudithook(_watch_opens)


def pytest_sessionfinish(session, exitstatus):
    if _opened_in_shared:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        print(f"\nTests read files outside the repository, in {SHARED}:")
        for path in sorted(set(_opened_in_shared))[:20]:
            print(f"  {path}")


@pytest.fixture
def staff_user(db):
    return get_user_model().objects.create_user(
        username="staff", password="correct horse battery", is_staff=True
    )


@pytest.fixture
def member_user(db):
    """Logged in, but not network staff: may read, not write."""
    return get_user_model().objects.create_user(username="member", password="correct horse 2")


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def member_client(client, member_user):
    client.force_login(member_user)
    return client


@pytest.fixture
def author(db):
    return system_user()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded documents and import files go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def visitors_see_each_write_at_once(settings):
    """A visitor's stored page is retired by each write, with no settling delay (the delay
    has its own test in test_page_cache.py)."""
    settings.PAGE_CACHE_SETTLE_SECONDS = 0


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Accounts are made by the hundred here; their passwords need no strong hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    """Tasks run in the test's process when they are queued, i.e. when the transaction that
    queued them commits (`django_capture_on_commit_callbacks(execute=True)` in a test): tests
    about a task's result. Tests about the queue itself use the database backend and a real
    worker process (tests/test_worker.py)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def fresh_page_cache(settings):
    """Each test starts with no stored page (a page cached by an earlier test would show its
    rolled-back data)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


@pytest.fixture(autouse=True)
def french_by_default():
    """Each test starts in French: a request in English leaves its language active on the
    thread, and services called directly speak the active language."""
    from django.utils import translation

    with translation.override("fr"):
        yield


@pytest.fixture
def reference_data(transactional_db):
    """The reference data the migrations load, back in place: every transactional test empties
    all tables when it ends, and these tests run after the others."""
    from django.apps import apps

    from icilabas.reference.loaders import load_all
    from icilabas.reference.models import Concept

    if not Concept.objects.exists():
        names = ["Region", "Departement", "Commune", "Vocabulary", "Concept", "ConceptMapping"]
        load_all({name: apps.get_model("reference", name) for name in names})
