"""Helpers of long work run by the worker (core.jobs). `consume_beside` overlaps reading a
file with writing what it holds inside one task (a pipeline, not background work of its own);
`Progress` keeps how far a job got in a small file that any web process can read, since the
job's own database writes stay invisible until it commits."""

import json
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.db import connection, connections
from django.utils import translation

T = TypeVar("T")


class _Raised:
    def __init__(self, error: BaseException):
        self.error = error


_DONE = object()


def consume_beside(items: Iterable[T], consume: Callable[[Iterator[T]], None]) -> None:
    """`consume(iterator)` in a thread of its own while `items` are produced in this one, so
    that what each side waits for overlaps (a parser here, the database there). The consumer
    meets the producer's exception where iterating `items` would have raised it; its own
    exception is raised here. A caller inside a transaction gets no thread: the consumer
    must write in that transaction, on this thread's connection."""
    if connection.in_atomic_block:
        consume(iter(items))
        return
    channel: queue.Queue = queue.Queue(maxsize=1)  # memory: one item waits, at most
    failure: list[BaseException] = []

    def received() -> Iterator[T]:
        while (item := channel.get()) is not _DONE:
            if isinstance(item, _Raised):
                raise item.error
            yield item

    language = translation.get_language()

    def run() -> None:
        """The consumer speaks the caller's language, and its thread's own database
        connection is closed when it is done."""
        try:
            with translation.override(language):
                consume(received())
        except BaseException as error:  # raised again in the producer's thread
            failure.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()

    def send(item) -> bool:
        while thread.is_alive():
            try:
                channel.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False  # the consumer has stopped: nothing more to produce

    try:
        for item in items:
            if not send(item):
                break
        else:
            send(_DONE)
    except BaseException as error:  # even an interruption rolls the consumer's work back
        send(_Raised(error))
    thread.join()
    if failure:
        raise failure[0]


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
