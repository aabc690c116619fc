"""Stands in for ``python`` in ``make serve PY=…`` so the Makefile's supervision of the task
worker is tested without a real server: ``db_worker`` prints ``WORKER <pid>`` and waits;
``runserver`` prints ``SERVER <pid>`` and waits. Both end on SIGTERM or SIGINT."""

from __future__ import annotations

import os
import signal
import sys
import threading

stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *a: stop.set())
signal.signal(signal.SIGINT, lambda *a: stop.set())
role = "WORKER" if "db_worker" in sys.argv else "SERVER"
print(f"{role} {os.getpid()}", flush=True)
while not stop.wait(3600):
    pass
print(f"{role} {os.getpid()} stopped", flush=True)
