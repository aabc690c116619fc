"""Is the process that holds something still alive? One answer for edition claims and for task
workers, so that a claim or a task left behind by a process killed with SIGKILL is recognised
in seconds, not after a wall-clock timeout.

- On the same host the process table answers at once: the pid must exist and have started at
  the moment recorded (so a reused pid is not mistaken for the holder).
- From another host (the web container looking at the worker container's claim) only the
  lease can answer: the holder refreshes ``heartbeat_at`` from a thread every quarter of
  ``BULLETIN_LEASE_SECONDS``; a heartbeat older than the lease means the holder is gone.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

logger = logging.getLogger(__name__)


def _process_started(pid: int) -> str:
    """The start time of ``pid`` in clock ticks since boot (Linux), or "" where unknown."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            stat = handle.read()
    except OSError:
        return ""
    # The command name (field 2) is in parentheses and may contain spaces.
    fields = stat.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else ""


@dataclass(frozen=True)
class ProcessIdentity:
    host: str
    pid: int
    started: str

    @classmethod
    def current(cls) -> ProcessIdentity:
        pid = os.getpid()
        return cls(host=socket.gethostname()[:255], pid=pid, started=_process_started(pid))


def lease_seconds() -> int:
    return max(1, int(settings.BULLETIN_LEASE_SECONDS))


def process_alive(*, host: str, pid: int, started: str, heartbeat_at: datetime | None,
                  now: datetime | None = None) -> bool:
    """Whether the holder described by these fields may still be working."""
    if host == socket.gethostname()[:255] and pid:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # exists, owned by someone else
            pass
        # A zombie (killed, not yet reaped by its parent) is dead for our purposes.
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
                state = handle.read().rsplit(")", 1)[-1].split()[0]
            if state in ("Z", "X"):
                return False
        except (OSError, IndexError):
            pass
        return not started or _process_started(pid) == started
    if heartbeat_at is None:
        return False
    now = now or timezone.now()
    return heartbeat_at >= now - timedelta(seconds=lease_seconds())


class Heartbeat:
    """Calls ``beat`` every quarter lease from a daemon thread until stopped. Each beat runs on
    the thread's own database connection, closed when the thread ends; a failed beat is
    logged and tried again at the next tick (the lease is four ticks long)."""

    def __init__(self, beat: Callable[[], object], *, name: str) -> None:
        self._beat = beat
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def _run(self) -> None:
        interval = lease_seconds() / 4
        try:
            while not self._stop.wait(interval):
                try:
                    self._beat()
                except Exception:
                    logger.warning("heartbeat %s failed; retrying", self._thread.name,
                                   exc_info=True)
                    connection.close()
        finally:
            connection.close()

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
