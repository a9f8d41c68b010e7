"""Structured logs: one JSON object a line, each with the request, the user and the background
job it belongs to, so that "who did what" can be followed from a web request to the worker."""

import datetime
import json
import logging
import re
import uuid
from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("request_id", default="")
user_id: ContextVar[int | None] = ContextVar("user_id", default=None)
job_id: ContextVar[str] = ContextVar("job_id", default="")

# What a log call may add with `extra=` and the JSON keeps.
EXTRA_FIELDS = ("action", "model", "object_id", "actor", "reason", "characters", "status")
_SAFE_ID = re.compile(r"^[\w.-]{1,64}$")


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        record.user_id = user_id.get()
        record.job_id = job_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in ("request_id", "user_id", "job_id", *EXTRA_FIELDS):
            value = getattr(record, name, None)
            if value not in (None, ""):
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class RequestContextMiddleware:
    """Give each request an id (the proxy's X-Request-ID when it is a plain token, else a new
    one), echoed in the response, and the user's id once she is known."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request_token = request_id.set(given if _SAFE_ID.match(given) else uuid.uuid4().hex)
        user_token = user_id.set(None)
        try:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                user_id.set(user.pk)
            response = self.get_response(request)
            response["X-Request-ID"] = request_id.get()
            return response
        finally:
            request_id.reset(request_token)
            user_id.reset(user_token)
