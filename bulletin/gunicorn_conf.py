"""gunicorn's settings for bulletin, one place for the deployment and the benchmark:

    gunicorn -c python:bulletin.gunicorn_conf bulletin.wsgi

Each can be overridden from the environment (``WEB_CONCURRENCY``, ``GUNICORN_THREADS``,
``GUNICORN_BIND``) or the command line. Why these values: docs/deploy.md ("gunicorn").
"""

from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Requests wait on PostgreSQL for a good part of their time: one process more than twice the
# cores keeps the cores busy while others wait (gunicorn's own advice, 2 × cores + 1).
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count() + 1)
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A member's PDF is handed to nginx; a slow request is an editor's page, never a render (a
# render runs in the task worker).
timeout = 120
# Django, the project and its templates are loaded once in the master and shared by the
# workers' pages of memory; gc.freeze() keeps the collector from touching (and so copying) them.
preload_app = True


def when_ready(server) -> None:
    import gc

    gc.freeze()
