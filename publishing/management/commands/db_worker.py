"""manage.py db_worker — django-tasks-db's worker, kept up: it survives database errors
(reconnects with back-off) and runs again the tasks that a dead worker left RUNNING
(``publishing.worker``). ``publishing`` is listed before ``django_tasks_db`` in
INSTALLED_APPS so that this command is the one ``db_worker`` runs."""

from __future__ import annotations

import logging
import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker as upstream

from publishing.worker import SteadyWorker


class Command(upstream.Command):
    help = ("Run the background task worker (django-tasks-db), reconnecting after database "
            "errors and retrying tasks left RUNNING by a worker that died.")

    def configure_logging(self, verbosity: int) -> None:
        super().configure_logging(verbosity)
        ours = logging.getLogger("publishing.worker")
        ours.setLevel(logging.CRITICAL if verbosity == 0 else logging.INFO)
        if not ours.handlers:
            ours.addHandler(logging.StreamHandler(self.stdout))
        ours.propagate = False

    def handle(self, *, verbosity: int, queue_name: str, interval: float, batch: bool,
               backend_name: str, startup_delay: bool, reload: bool, max_tasks: int | None,
               worker_id: str, **options) -> None:
        self.configure_logging(verbosity)
        if reload and batch:
            reload = False
        worker = SteadyWorker(
            queue_names=queue_name.split(","), interval=interval, batch=batch,
            backend_name=backend_name, startup_delay=startup_delay, max_tasks=max_tasks,
            worker_id=worker_id,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
