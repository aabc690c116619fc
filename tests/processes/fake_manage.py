"""Stands in for ``python`` in ``make serve PY=…`` so the Makefile's supervision of the task
worker is tested without a real server: ``db_worker`` prints ``WORKER <pid>`` and waits;
``runserver`` prints ``SERVER <pid>`` and waits. Both end on SIGTERM or SIGINT."""

from __future__ import annotations

import os
import signal
import sys

# SIGTERM and SIGINT are blocked, then taken with sigwait: a handler setting a
# threading.Event could deadlock when the signal came while Event.wait held its lock,
# which is exactly when the test sends it (right after reading this process's first line).
signals = {signal.SIGTERM, signal.SIGINT}
signal.pthread_sigmask(signal.SIG_BLOCK, signals)
role = "WORKER" if "db_worker" in sys.argv else "SERVER"



def say(line: str) -> None:
    """One write per line: the worker and the server share make's output pipe, and a line
    written in two pieces (text, then newline) could be split by the other's."""
    os.write(1, f"{line}\n".encode())


say(f"{role} {os.getpid()}")
signal.sigwait(signals)
say(f"{role} {os.getpid()} stopped")
