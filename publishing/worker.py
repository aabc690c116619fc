"""The task worker that stays up: django-tasks' database worker with three additions.

- **Database errors do not end it.** Each turn of the loop runs in a guard: on a database
  error (PostgreSQL restarted, a dropped connection, SQLite's "database is locked") every
  connection is closed and the turn is tried again after 1, 2, 4 … seconds (at most
  ``BULLETIN_WORKER_MAX_BACKOFF``). A task whose result could not be written is run again.
- **A task left RUNNING by a dead worker is run again.** Each worker has a ``TaskWorker`` row
  with host, pid and a heartbeat (``publishing.liveness``). At start and every quarter lease a
  worker looks at RUNNING tasks: one whose worker is dead goes back to READY (a publish is
  safe to run twice: it holds the edition claim and checks its token), or is marked failed
  after ``BULLETIN_TASK_MAX_ATTEMPTS`` workers died running it.
- ``manage.py db_worker`` is this worker (``publishing/management/commands/db_worker.py``);
  ``make serve`` and docker-compose restart it if the process itself dies.
"""

from __future__ import annotations

import contextlib
import logging
import random
import time
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections
from django.db.utils import OperationalError
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from publishing.liveness import Heartbeat, ProcessIdentity, lease_seconds, process_alive
from publishing.models import TaskWorker

logger = logging.getLogger(__name__)


class WorkerDied(Exception):
    """Recorded on a task whose workers kept dying while running it."""


def _close_connections() -> None:
    for conn in connections.all(initialized_only=True):
        try:
            conn.close()
        except Exception:  # a broken connection may fail to close; it is dropped anyway
            conn.connection = None


def _worker_alive(worker: TaskWorker | None, started_at) -> bool:
    if worker is None:  # a worker that left no row (older code): judge by the lease
        return started_at is not None and started_at >= timezone.now() - timedelta(
            seconds=lease_seconds())
    return process_alive(host=worker.host, pid=worker.pid, started=worker.process_started,
                         heartbeat_at=worker.heartbeat_at)


def recover_orphaned_tasks(*, backend_name: str) -> list[str]:
    """Put RUNNING tasks whose worker is dead back to READY (or fail them after too many
    deaths). Returns the ids of the tasks it touched."""
    running = list(DBTaskResult.objects.running().filter(backend_name=backend_name)
                   .only("id", "worker_ids", "started_at"))
    ids = {r.worker_ids[-1] for r in running if r.worker_ids}
    workers = {w.worker_id: w for w in TaskWorker.objects.filter(worker_id__in=ids)}
    touched = []
    for result in running:
        last = result.worker_ids[-1] if result.worker_ids else None
        if _worker_alive(workers.get(last), result.started_at):
            continue
        with exclusive_transaction(DBTaskResult.objects.db):
            locked = DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING
                                                 ).first()
            if locked is None or (locked.worker_ids[-1:] or [None])[0] != last:
                continue
            if len(locked.worker_ids) >= settings.BULLETIN_TASK_MAX_ATTEMPTS:
                locked.set_failed(WorkerDied(
                    f"{len(locked.worker_ids)} workers died while running this task"))
                logger.error("task %s (%s) failed: its workers died %s times", locked.id,
                             locked.task_path, len(locked.worker_ids))
            else:
                DBTaskResult.objects.filter(pk=locked.pk).update(
                    status=TaskResultStatus.READY, started_at=None)
                logger.warning("task %s (%s) was RUNNING on dead worker %s: queued again",
                               locked.id, locked.task_path, last)
        touched.append(str(result.pk))
    _forget_dead_workers()
    return touched


def _forget_dead_workers() -> None:
    """Remove the rows of dead workers that no RUNNING task names any more."""
    named = {r[-1] for r in DBTaskResult.objects.running().values_list("worker_ids", flat=True)
             if r}
    dead = [w.worker_id for w in TaskWorker.objects.all()
            if w.worker_id not in named and not _worker_alive(w, None)]
    TaskWorker.objects.filter(worker_id__in=dead).delete()


class SteadyWorker(Worker):
    """django-tasks-db's ``Worker`` whose loop survives database errors and recovers the
    tasks of dead workers. ``sleep`` is injectable for tests."""

    def __init__(self, *, sleep=time.sleep, **kwargs) -> None:
        super().__init__(**kwargs)
        self.identity = ProcessIdentity.current()
        self.sleep = sleep
        self.backoff = 0.0
        self.database_errors = 0
        self._registered = False
        self._down = False
        self._next_recovery = 0.0
        self._unfinished: set[str] = set()
        self._current: str | None = None

    # -------------------------------------------------------------- liveness

    def _register(self) -> None:
        now = timezone.now()
        TaskWorker.objects.update_or_create(worker_id=self.worker_id, defaults={
            "host": self.identity.host, "pid": self.identity.pid,
            "process_started": self.identity.started, "started_at": now, "heartbeat_at": now})
        self._registered = True

    def _beat(self) -> None:
        TaskWorker.objects.filter(worker_id=self.worker_id).update(heartbeat_at=timezone.now())

    def _recover(self) -> None:
        if self._unfinished:  # tasks whose result we could not write: run them again
            DBTaskResult.objects.filter(pk__in=self._unfinished,
                                        status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.READY, started_at=None)
            self._unfinished.clear()
        if time.monotonic() >= self._next_recovery:
            recover_orphaned_tasks(backend_name=self.backend_name)
            self._next_recovery = time.monotonic() + lease_seconds() / 4

    # -------------------------------------------------------------- the loop

    def run(self) -> None:
        logger.info("Starting worker worker_id=%s queues=%s", self.worker_id,
                    ",".join(self.queue_names))
        if self.startup_delay and self.interval:
            self.sleep(random.random())  # noqa: S311 — spread workers started together
        try:
            with Heartbeat(self._beat, name="worker-heartbeat"):
                while self.running:
                    try:
                        if not self._registered:
                            self._register()
                        self._recover()
                        if self._down:
                            logger.warning("database reachable again; worker %s continues",
                                           self.worker_id)
                            self._down = False
                        if self._turn() == "stop":
                            return
                        self.backoff = 0.0
                    except DatabaseError as exc:
                        self._after_database_error(exc)
        finally:
            with contextlib.suppress(DatabaseError):  # else the row ages out: the pid is gone
                TaskWorker.objects.filter(worker_id=self.worker_id).delete()

    def _after_database_error(self, exc: DatabaseError) -> None:
        self.database_errors += 1
        self._down = True
        if self._current is not None:
            self._unfinished.add(self._current)
            self._current = None
        self.running_task = False
        self._registered = False
        self.backoff = min(float(settings.BULLETIN_WORKER_MAX_BACKOFF), self.backoff * 2 or 1.0)
        logger.warning("database error in worker %s: %s — reconnecting in %.0f s",
                       self.worker_id, str(exc).strip().splitlines()[0] if str(exc) else
                       type(exc).__name__, self.backoff)
        _close_connections()
        self.sleep(self.backoff)

    def _turn(self) -> str:
        """One turn of django-tasks-db's loop: take a ready task and run it, or wait."""
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
            except OperationalError as e:
                if "is locked" not in str(e):
                    raise
                task_result = None
            if task_result is not None:
                task_result.claim(self.worker_id)
        if task_result is not None:
            self._current = str(task_result.pk)
            self.run_task(task_result)
            self._current = None
        if self.batch and task_result is None:
            logger.info("No more tasks to run for worker_id=%s - exiting gracefully.",
                        self.worker_id)
            return "stop"
        if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
            logger.info("Run maximum tasks (%d) on worker=%s - exiting gracefully.",
                        self._run_tasks, self.worker_id)
            return "stop"
        close_old_connections()
        if self.running and not task_result:
            self.sleep(self.interval)
        return "next"
