"""Pages of the site itself: the error page, the health check, the language switch."""

import logging
import shutil
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.views import View, defaults

from .. import (
    jobs,
)
from .records import local_url

logger = logging.getLogger(__name__)


def server_error(request):
    """The 500 page, except when the database is away or locked: a French 503 asking to come
    back (the site reconnects by itself: CONN_HEALTH_CHECKS), with Retry-After."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return defaults.server_error(request)


def _free_disk_mb() -> int:
    folder = Path(settings.MEDIA_ROOT)
    while not folder.exists():
        folder = folder.parent
    return shutil.disk_usage(folder).free // 2**20


class HealthView(View):
    """Liveness and database status for monitoring: 200 when the database answers and the
    disk has room (HEALTH_MIN_FREE_MB), else 503 with the reason; with the worker's last
    heartbeat (core.jobs), so that a queue nobody serves is seen."""

    def get(self, request):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except Exception as error:  # whatever stops the database answering is a 503
            return JsonResponse(
                {"status": "error", "database": "unavailable", "reason": str(error)[:200]},
                status=503,
            )
        heartbeat = jobs.last_heartbeat()
        worker = {"last_seen": None, "seconds_ago": None, "alive": False}
        if heartbeat is not None:
            age = (timezone.now() - heartbeat.last_seen).total_seconds()
            worker = {
                "last_seen": heartbeat.last_seen.isoformat(),
                "seconds_ago": round(age),
                "alive": age < settings.WORKER_LEASE_SECONDS,
            }
        free = _free_disk_mb()
        disk = {"free_mb": free, "minimum_mb": settings.HEALTH_MIN_FREE_MB}
        if free < settings.HEALTH_MIN_FREE_MB:
            reason = f"disque presque plein : {free} Mo libres"
            body = {"status": "error", "reason": reason, "disk": disk, "worker": worker}
            return JsonResponse(body, status=503)
        body = {"status": "ok", "database": connection.vendor, "worker": worker, "disk": disk}
        return JsonResponse(body)


class LanguageView(View):
    """Switch the interface language with a plain link or GET form.

    Django's own switch wants a POST with a CSRF token, which would tie every page to one
    visitor and keep pages from being shared (core.page_cache). Choosing a language changes
    nothing but a cookie, so a forged request cannot do harm."""

    def get(self, request):
        language = request.GET.get("language", "")
        response = HttpResponseRedirect(local_url(request, request.GET.get("next", "/"), "/"))
        if language in dict(settings.LANGUAGES):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
