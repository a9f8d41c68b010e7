"""Long work (an IATI import, a registry scan) run beside the web request that asked for it.

`start()` runs a job function in a thread of the web process (or at once when
BACKGROUND_TASKS = "inline", as in tests); `Progress` keeps how far it got in a small file that
any web process can read, since the job's own database writes stay invisible until it
commits."""

import json
import threading
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import translation


def start(function, *args) -> threading.Thread | None:
    """The job speaks the language of the request that started it (its messages, the errors
    it keeps for its page), as it would have done in the request."""
    if settings.BACKGROUND_TASKS == "inline":
        function(*args)
        return None
    language = translation.get_language()
    thread = threading.Thread(target=_in_thread, args=(language, function, *args), daemon=True)
    thread.start()
    return thread


def _in_thread(language: str | None, function, *args) -> None:
    """A thread has database connections of its own: close them when the job is over."""
    try:
        with translation.override(language):
            function(*args)
    finally:
        connections.close_all()


class Progress:
    def __init__(self, name: str):
        self.path = Path(settings.MEDIA_ROOT) / "progress" / f"{name}.json"

    def write(self, done: int, total: int, step: str = "") -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps({"done": done, "total": total, "step": step}))

    def read(self) -> dict:
        try:
            return json.loads(self.path.read_text())
        except (OSError, ValueError):
            return {"done": 0, "total": 0, "step": ""}

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)
