"""`icilabas worker`: runs the queued background work (django-tasks-db's worker), and beside
it a caretaker thread that says the worker is alive, runs again the tasks of dead workers and
starts the recurring work when due (core.jobs)."""

import logging
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django.utils.crypto import get_random_string
from django.utils.module_loading import autodiscover_modules
from django_tasks_db.management.commands.db_worker import Worker

from icilabas.core import jobs, logs

logger = logging.getLogger("icilabas.worker")
MAINTENANCE_EVERY = 3  # heartbeats between two looks at dead workers and schedules


def patiently(action):
    """`action()`, tried again while the database does not answer (restarted, unreachable):
    the worker waits for it rather than dying."""
    pause = 1
    while True:
        try:
            return action()
        except (OperationalError, InterfaceError) as error:
            logger.warning("Base injoignable (%s) : nouvel essai dans %s s.", error, pause)
            close_old_connections()
            time.sleep(pause)
            pause = min(pause * 2, 30)


class Caretaker(threading.Thread):
    def __init__(self, worker_id: str):
        super().__init__(daemon=True, name="caretaker")
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def run(self) -> None:
        beats = 0
        while not self.stopped.is_set():
            try:
                jobs.beat(self.worker_id)
                if beats % MAINTENANCE_EVERY == 0:
                    jobs.reap()
                    jobs.run_schedules()
            except (OperationalError, InterfaceError) as error:
                # The database is away or locked by a long task (SQLite): try again later.
                logger.warning("Signe de vie non enregistré : %s", error)
                close_old_connections()
            beats += 1
            self.stopped.wait(settings.WORKER_HEARTBEAT_SECONDS)
        connection.close()


class RetryingWorker(Worker):
    """django-tasks-db's worker, trying a task again when it failed on an error it asked a
    retry for, and waiting for the database when it is away instead of dying."""

    def run_task(self, db_task_result) -> None:
        token = logs.job_id.set(str(db_task_result.id))  # in every log line of the task
        try:
            super().run_task(db_task_result)
            db_task_result.refresh_from_db()
            jobs.retry_if_asked(db_task_result)
        finally:
            logs.job_id.reset(token)

    def run(self) -> None:
        patiently(super().run)


class Command(BaseCommand):
    help = "Exécute les travaux en attente (imports, analyses, courriels, tâches planifiées)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="Pause sans travail (s).")
        parser.add_argument(
            "--batch", action="store_true", help="S'arrêter quand la file est vide."
        )
        parser.add_argument("--max-tasks", type=int, default=None)
        parser.add_argument("--worker-id", default="")

    def handle(self, *args, interval, batch, max_tasks, worker_id, **options):
        autodiscover_modules("tasks")  # every app's tasks, their retries and schedules
        worker_id = worker_id or get_random_string(32)
        if not logger.handlers:
            logger.addHandler(logging.StreamHandler(self.stdout))
            logger.setLevel(logging.INFO)
        patiently(lambda: (jobs.beat(worker_id), jobs.reap()))
        caretaker = Caretaker(worker_id)
        caretaker.start()
        worker = RetryingWorker(
            queue_names=["*"],
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=not batch,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        worker.configure_signals()
        self.stdout.write(f"Travailleur {worker_id} prêt (Ctrl+C pour arrêter).")
        try:
            worker.run()
        finally:
            caretaker.stopped.set()
            caretaker.join(timeout=5)
            jobs.forget_worker(worker_id)
