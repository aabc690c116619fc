"""Starting real child processes on the test database, and waiting on their output."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The URL of the database this test runs on (the test database, not the real one)."""
    info = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{info['NAME']}"
    user = info.get("USER") or "postgres"
    password = f":{info['PASSWORD']}" if info.get("PASSWORD") else ""
    return (f"postgres://{user}{password}@{info.get('HOST') or '127.0.0.1'}:"
            f"{info.get('PORT') or 5432}/{info['NAME']}")


def child_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url(),
            "DJANGO_SETTINGS_MODULE": "bulletin.settings.test",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT), "CHILD_EDITIONS_ROOT": str(settings.EDITIONS_ROOT),
            "PYTHONUNBUFFERED": "1", **extra}


class Child:
    """A child process whose output lines are read by a thread, so a test can wait for a line
    that says the child has reached a point (with a generous limit, never a sleep)."""

    def __init__(self, args: list[str], *, python: bool = True, **env: str) -> None:
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, *args] if python else args, cwd=ROOT, env=child_env(**env),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_for(self, text: str, limit: float = 180) -> str:
        """The first line containing ``text``; fails if the child ends or the limit passes."""
        while True:
            try:
                line = self.lines.get(timeout=limit)
            except queue.Empty:
                raise AssertionError(f"no line with {text!r} in {limit} s; saw: {self.seen[-20:]}"
                                     ) from None
            if line is None:
                raise AssertionError(f"the child ended ({self.process.wait()}) before {text!r}; "
                                     f"saw: {self.seen[-30:]}")
            self.seen.append(line)
            if text in line:
                return line

    def kill(self) -> int:
        self.process.kill()  # SIGKILL
        return self.process.wait(timeout=60)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.kill()
