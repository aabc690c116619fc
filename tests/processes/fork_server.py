"""A fork server for settings tests: each request runs in a fresh process forked from one that
has imported Django's libraries but no settings module, so every case still reads its own
environment at start-up, without paying for a new interpreter and Django's imports each time.

Protocol: one JSON line per request on stdin, ``{"code": ..., "env": {...}}``; one JSON line
per answer on stdout, ``{"returncode": ..., "stdout": ..., "stderr": ...}``. ``ForkServer``
below is the tests' side of it.
"""

from __future__ import annotations

# Libraries only: importing these reads no settings (the settings module, and every module
# that reads it, is imported by the forked child after its environment is set).
import asyncio  # noqa: F401
import json
import os
import select
import ssl  # noqa: F401
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

import asgiref.sync  # noqa: F401
import boto3  # noqa: F401
import botocore.session  # noqa: F401
import django
import django.core.checks
import django.core.management
import django.db.models
import django.http  # noqa: F401


def _run(code: str, env: dict[str, str], out_path: str, err_path: str) -> None:
    """In the forked child: the environment replaced, stdout and stderr into files, then exit."""
    os.environ.clear()
    os.environ.update(env)
    for fd, path in ((1, out_path), (2, err_path)):
        target = os.open(path, os.O_WRONLY | os.O_TRUNC)
        os.dup2(target, fd)
        os.close(target)
    status = 0
    try:
        exec(compile(code, "<settings case>", "exec"), {"__name__": "__main__"})  # noqa: S102
    except SystemExit as exit_:
        status = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
        if exit_.code is not None and not isinstance(exit_.code, int):
            print(exit_.code, file=sys.stderr)
    except BaseException:
        traceback.print_exc()
        status = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(status)


ROOT = Path(__file__).resolve().parents[2]
# What configures a case: never inherited by the server, so every case has only its own.
SETTINGS_ENV = {"DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "MEDIA_ROOT", "EMAIL_URL",
                "SITE_URL", "EMAIL_LOG_BACKEND_ALLOWED", "TRUSTED_PROXY_COUNT",
                "DJANGO_SETTINGS_MODULE"}


class ForkServer:
    """The tests' side: starts this module as a server; ``run`` is ``python -c code`` with
    exactly ``env``, in a process of its own forked from one that has already imported the
    libraries (stdout, stderr and the exit status as a fresh interpreter would give them)."""

    def __init__(self) -> None:
        env = {k: v for k, v in os.environ.items() if k not in SETTINGS_ENV}
        self.process = subprocess.Popen([sys.executable, "-m", "tests.processes.fork_server"],
                                        cwd=ROOT, env=env, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)

    def run(self, code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps({"code": code, "env": env}) + "\n")
        self.process.stdin.flush()
        ready, _, _ = select.select([self.process.stdout], [], [], 120)
        assert ready, "a case took over two minutes"
        answer = json.loads(self.process.stdout.readline())
        return subprocess.CompletedProcess(["python", "-c", code], answer["returncode"],
                                           answer["stdout"], answer["stderr"])

    def stop(self) -> None:
        assert self.process.stdin
        self.process.stdin.close()
        self.process.wait(timeout=30)


def main() -> None:
    protocol = sys.stdout
    for line in sys.stdin:
        request = json.loads(line)
        with tempfile.NamedTemporaryFile(delete=False) as out, \
                tempfile.NamedTemporaryFile(delete=False) as err:
            paths = out.name, err.name
        try:
            pid = os.fork()
            if pid == 0:
                _run(request["code"], request["env"], *paths)
            _pid, status = os.waitpid(pid, 0)
            answer = {"returncode": os.waitstatus_to_exitcode(status)}
            for name, path in zip(("stdout", "stderr"), paths, strict=True):
                with open(path, encoding="utf-8", errors="replace") as captured:
                    answer[name] = captured.read()
        finally:
            for path in paths:
                os.unlink(path)
        protocol.write(json.dumps(answer) + "\n")
        protocol.flush()


if __name__ == "__main__":
    main()
