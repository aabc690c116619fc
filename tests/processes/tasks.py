"""Tasks for worker crash tests, run by a real ``manage.py db_worker`` child process.

``hold_then_finish`` prints ``TASK RUNNING`` and, in a worker started with HOLD_TASKS=1,
waits for ever (the test kills that worker with SIGKILL); in any other worker it prints
``TASK DONE <label>`` and returns.
"""

from __future__ import annotations

import os
import threading

from django_tasks import task


@task()
def hold_then_finish(label: str) -> str:
    print(f"TASK RUNNING {label} pid={os.getpid()}", flush=True)
    if os.environ.get("HOLD_TASKS") == "1":
        threading.Event().wait()
    print(f"TASK DONE {label}", flush=True)
    return f"finished {label}"
