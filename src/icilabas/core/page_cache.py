"""Rendered pages kept for anonymous visitors, keyed by the registry's version.

Most traffic is visitors reading the same lists, searches and records; rendering them costs
10–50 times what Django itself costs per request. A visitor's page depends only on the URL, the
language and what is published, so it can be shared between visitors as long as nothing changed:
every write bumps one version stamp (signals for saves, `registry_changed()` for bulk paths), which
retires every stored page at once. `PAGE_CACHE_SECONDS` bounds how long a page lives even if a
write path forgot to say so; 0 turns the cache off.

Visitors' pages follow that version with a lag of at most `PAGE_CACHE_SETTLE_SECONDS`
(`visitor_version`): a write after a quiet spell shows at once, but while editors save several
times a second every visitor page is rendered again at most that often, not after each save
(the load benchmark: 20 saving editors retired the whole store four times a second).

Never stored: logged-in users' pages (session cookie), pages with flash messages, pages that
used a CSRF token (a token is tied to one visitor), exports, anything but a 200.
"""

import hashlib
import time
import uuid

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

VERSION_KEY = "icilabas:registry-version"
VISITOR_VERSION_KEY = "icilabas:visitor-version"  # (registry version, when visitors got it)
OUR_APPS = (
    "actors",
    "cooperation",
    "core",
    "interop",
    "knowledge",
    "matching",
    "meetings",
    "members",
    "reference",
)
# Bookkeeping that no visitor's page shows, or that is written in bulk and followed by an
# explicit registry_changed() (a signal receiver would also cost them Django's fast delete).
NOT_SHOWN = {
    "core.SearchEntry",
    "core.PendingChange",
    "core.SpreadsheetImport",
    "core.ImportedRecord",
    "core.WorkerHeartbeat",  # every few seconds: it would retire every page as often
    "core.ScheduledRun",
    "actors.PersonalDataAccess",
    "meetings.Feedback",
    "interop.ImportJob",
    "interop.IatiActivityData",
    "matching.ScanRun",
    "matching.DuplicateCandidate",
}
SKIPPED_PARAMETERS = ("export",)


def registry_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    return version


def visitor_version() -> str:
    """The registry version visitors' stored pages are keyed by: the current one, unless
    visitors moved to another less than `PAGE_CACHE_SETTLE_SECONDS` ago."""
    current = registry_version()
    settle = settings.PAGE_CACHE_SETTLE_SECONDS
    if not settle:
        return current
    shown = cache.get(VISITOR_VERSION_KEY)
    now = time.time()
    if shown is not None and (shown[0] == current or now - shown[1] < settle):
        return shown[0]
    cache.set(VISITOR_VERSION_KEY, (current, now), None)
    return current


def registry_changed() -> None:
    """Retire every stored page, now and again when the transaction commits.

    Now, so that the writer's next page is fresh; at commit, so that a page rendered by another
    visitor between the write and the commit (showing the old data) is retired too."""
    _bump()
    connection = transaction.get_connection()
    # One retirement at commit is enough, however many rows the transaction writes (an import
    # saves thousands). A rolled-back savepoint drops its callbacks, so the check stays true.
    if not any(func is _bump for _savepoints, func, _robust in connection.run_on_commit):
        transaction.on_commit(_bump)


def _bump() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def _on_model_change(sender, **kwargs) -> None:
    registry_changed()


def connect_signals() -> None:
    """Every save or delete of what visitors see retires the stored pages (history rows are
    written with their record, so they need no receiver of their own)."""
    for label in OUR_APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.label in NOT_SHOWN or hasattr(model, "instance_type"):
                continue
            post_save.connect(
                _on_model_change, sender=model, dispatch_uid=f"page_cache_save_{model._meta.label}"
            )
            post_delete.connect(
                _on_model_change,
                sender=model,
                dispatch_uid=f"page_cache_delete_{model._meta.label}",
            )
            for field in model._meta.local_many_to_many:
                m2m_changed.connect(
                    _on_model_change,
                    sender=field.remote_field.through,
                    dispatch_uid=f"page_cache_m2m_{model._meta.label}_{field.name}",
                )


def key_for(request) -> str | None:
    """The page's cache key, or None when this request must be rendered for this visitor."""
    if not settings.PAGE_CACHE_SECONDS or request.method not in ("GET", "HEAD"):
        return None
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return None
    if any(name in request.GET for name in SKIPPED_PARAMETERS):
        return None
    partial = "1" if request.headers.get("HX-Request") else "0"
    digest = hashlib.sha1(request.get_full_path().encode(), usedforsecurity=False).hexdigest()
    return f"page:{visitor_version()}:{request.LANGUAGE_CODE}:{partial}:{digest}"


def cached_response(key: str) -> HttpResponse | None:
    stored = cache.get(key)
    if stored is None:
        return None
    content, content_type = stored
    response = HttpResponse(content, content_type=content_type)
    # Shared HTTP caches in front must still tell visitors from logged-in users.
    patch_vary_headers(response, ("Cookie",))
    response["X-Page-Cache"] = "hit"
    return response


def store(key: str, request, response) -> None:
    if (
        response.status_code != 200
        or getattr(response, "streaming", False)
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or response.cookies
    ):
        return
    cache.set(key, (response.content, response["Content-Type"]), settings.PAGE_CACHE_SECONDS)
    response["X-Page-Cache"] = "miss"


class VisitorPageCacheMixin:
    """For views whose page, for an anonymous visitor, depends only on URL and language."""

    def dispatch(self, request, *args, **kwargs):
        key = key_for(request)
        if key is None:
            return super().dispatch(request, *args, **kwargs)
        response = cached_response(key)
        if response is not None:
            return response
        response = super().dispatch(request, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        store(key, request, response)
        return response
