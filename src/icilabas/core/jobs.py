"""Background work on Django's task framework (django-tasks, with django-tasks-db's queue in
the database), and what that queue lacks, kept here (see docs/decisions.md):

- tasks are enqueued once the caller's transaction commits (`enqueue`): the worker then sees
  the rows the task reads, and nothing is sent for work that was rolled back;
- a worker says it is alive (`beat`); a task whose worker fell silent, or whose process is
  gone, is run again from the start, and after TASK_MAX_ATTEMPTS marked failed, its job told
  (`when_abandoned`) so that its page says so in French and its file is removed (`reap`);
- a task may ask to be tried again later on chosen errors (`retry_on`: an SMTP server away);
- recurring work is declared with `every` and started by whichever worker claims it first,
  with one conditional UPDATE, so that it runs once (`run_schedules`).

Tasks live in each app's `tasks.py`, which the worker imports at start.
"""

import logging
import os
import socket
from collections.abc import Callable
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import ScheduledRun, WorkerHeartbeat

logger = logging.getLogger(__name__)
HOST = socket.gethostname()[:255]

# task module path → what to do when it is given up (its job's page must say so)
_abandon_hooks: dict[str, Callable] = {}
# task module path → exceptions worth another try later (their subclasses too)
_retry_on: dict[str, tuple[type[BaseException], ...]] = {}
# name → (interval, task, first run after)
_schedules: dict[str, tuple[timedelta, object, timedelta]] = {}


class WorkerLost(RuntimeError):
    """The worker running a task stopped answering (killed, machine restarted…)."""


def enqueue(task, *args, **kwargs) -> None:
    """Queue `task` once the current transaction commits (at once outside one)."""
    transaction.on_commit(partial(task.enqueue, *args, **kwargs), robust=False)


def when_abandoned(task) -> Callable:
    """Register `hook(*args, **kwargs)`, called with the task's arguments when the task is
    given up after its last attempt."""

    def register(hook: Callable) -> Callable:
        _abandon_hooks[task.module_path] = hook
        return hook

    return register


def retry_on(task, *errors: type[BaseException]) -> None:
    _retry_on[task.module_path] = errors


def _worth_retrying(result: DBTaskResult) -> bool:
    wanted = _retry_on.get(result.task_path, ())
    if not wanted or not result.exception_class_path:
        return False
    try:
        raised = import_string(result.exception_class_path)
    except ImportError:
        return False
    return isinstance(raised, type) and issubclass(raised, wanted)


def every(interval: timedelta, *, name: str, first_after: timedelta | None = None) -> Callable:
    """Declare a task (taking no argument) to run every `interval`, the first time
    `first_after` (default: one interval) after the schedule is first seen."""

    def register(task):
        _schedules[name] = (interval, task, interval if first_after is None else first_after)
        return task

    return register


def schedules() -> dict[str, tuple[timedelta, object, timedelta]]:
    return dict(_schedules)


def backoff(attempt: int) -> timedelta:
    """30 s, 1 min, 2 min… up to an hour between tries."""
    return timedelta(seconds=min(30 * 2 ** max(attempt - 1, 0), 3600))


# ---------------------------------------------------------------- worker side


def beat(worker_id: str) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"host": HOST, "pid": os.getpid(), "last_seen": now},
        create_defaults={"host": HOST, "pid": os.getpid(), "last_seen": now, "started_at": now},
    )


def forget_worker(worker_id: str) -> None:
    """A worker that stops cleanly leaves no heartbeat behind (its task, if any, has ended)."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def recent_failures(*, days: int = 7, limit: int = 10) -> list[dict]:
    """Tasks given up in the last `days`, latest first (for the network's staff): which task,
    when, and the error's name; the traceback stays in the logs."""
    since = timezone.now() - timedelta(days=days)
    failed = DBTaskResult.objects.filter(
        status=TaskResultStatus.FAILED, finished_at__gte=since
    ).order_by("-finished_at")[:limit]
    return [
        {
            "task": result.task_path.rsplit(".", 1)[-1],
            "finished_at": result.finished_at,
            "error": result.exception_class_path.rsplit(".", 1)[-1],
        }
        for result in failed
    ]


def last_heartbeat():
    return WorkerHeartbeat.objects.order_by("-last_seen").first()


def _process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _worker_dead(worker_id: str | None, started_at, heartbeats: dict, now) -> bool:
    lease = timedelta(seconds=settings.WORKER_LEASE_SECONDS)
    heartbeat = heartbeats.get(worker_id)
    if heartbeat is None:
        return started_at is None or started_at < now - lease
    if heartbeat.host == HOST and _process_gone(heartbeat.pid):
        return True
    return heartbeat.last_seen < now - lease


def reap(now=None) -> dict[str, int]:
    """Running tasks whose worker is dead: queued again, or failed after the last attempt."""
    now = now or timezone.now()
    requeued = failed = 0
    abandoned = []
    with transaction.atomic():
        running = list(DBTaskResult.objects.running().select_for_update())
        heartbeats = {
            h.worker_id: h
            for h in WorkerHeartbeat.objects.filter(
                worker_id__in=[r.worker_ids[-1] for r in running if r.worker_ids]
            )
        }
        for result in running:
            worker = result.worker_ids[-1] if result.worker_ids else None
            if not _worker_dead(worker, result.started_at, heartbeats, now):
                continue
            if len(result.worker_ids) < settings.TASK_MAX_ATTEMPTS:
                result.status = TaskResultStatus.READY
                result.run_after = now
                result.save(update_fields=["status", "run_after"])
                requeued += 1
                logger.warning("Tâche %s relancée : son travailleur ne répond plus.", result.id)
            else:
                result.status = TaskResultStatus.FAILED
                result.finished_at = now
                result.exception_class_path = f"{WorkerLost.__module__}.WorkerLost"
                result.traceback = (
                    f"WorkerLost: abandonnée après {len(result.worker_ids)} tentatives, "
                    "son travailleur ne répondant plus."
                )
                result.save(
                    update_fields=["status", "finished_at", "exception_class_path", "traceback"]
                )
                failed += 1
                abandoned.append(result)
    for result in abandoned:
        _tell_abandoned(result)
    return {"requeued": requeued, "failed": failed}


def _tell_abandoned(result: DBTaskResult) -> None:
    hook = _abandon_hooks.get(result.task_path)
    if hook is None:
        return
    try:
        hook(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
    except Exception:  # a hook must not stop the worker; the task's row says it failed
        logger.exception("Tâche %s abandonnée : sa fiche n'a pas pu être mise à jour.", result.id)


def retry_if_asked(result: DBTaskResult, now=None) -> bool:
    """A failed task whose error is worth another try, queued again after a pause."""
    now = now or timezone.now()
    if result.status != TaskResultStatus.FAILED:
        return False
    if not _worth_retrying(result):
        _tell_abandoned(result)
        return False
    attempts = len(result.worker_ids)
    if attempts >= settings.TASK_MAX_ATTEMPTS:
        _tell_abandoned(result)
        return False
    result.status = TaskResultStatus.READY
    result.run_after = now + backoff(attempts)
    result.finished_at = None
    result.save(update_fields=["status", "run_after", "finished_at"])
    return True


def run_schedules(now=None) -> list[str]:
    """Queue the recurring tasks that are due; each is claimed by one UPDATE, so two workers
    never both start it."""
    now = now or timezone.now()
    started = []
    for name, (interval, task, first_after) in _schedules.items():
        ScheduledRun.objects.get_or_create(name=name, defaults={"next_run_at": now + first_after})
        claimed = ScheduledRun.objects.filter(name=name, next_run_at__lte=now).update(
            next_run_at=now + interval, last_run_at=now
        )
        if claimed:
            task.enqueue()
            started.append(name)
    return started
