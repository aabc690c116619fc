"""The benchmark site's surroundings: its PostgreSQL database, its folders, its settings.

Every step (build, run, search study) runs the project with its production settings against
one named database, with media, editions and static files under ``var/bench/<database>/``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
VAR = ROOT / "var" / "bench"
# The server, not the database: each step names its own database on the command line.
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
SECRET_KEY = "scale-benchmark-only-" + "k" * 40


def folders(database: str) -> dict[str, Path]:
    base = VAR / database
    return {"base": base, "media": base / "media", "editions": base / "editions",
            "static": base / "static"}


def site_env(database: str, **extra: str) -> dict[str, str]:
    """Environment for the production settings, pointed at ``database`` and its folders."""
    paths = folders(database)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bulletin.settings.production",
        "DATABASE_URL": f"{PG_URL}/{database}",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "MEDIA_ROOT": str(paths["media"]),
        "EDITIONS_ROOT": str(paths["editions"]),
        "STATIC_ROOT": str(paths["static"]),
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "SITE_URL": "http://127.0.0.1:8300",
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "ERROR",
    }
    env.update(extra)
    return env


def setup_django(database: str, **extra: str) -> None:
    """Configure this process as the benchmark site on ``database`` and start Django."""
    os.environ.update(site_env(database, **extra))
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()


def admin_sql(sql: str) -> None:
    """Run a statement on the server's maintenance database (CREATE/DROP DATABASE)."""
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as connection:
        connection.execute(sql)


def database_exists(database: str) -> bool:
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as connection:
        row = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                 [database]).fetchone()
    return row is not None


def check_name(database: str) -> str:
    """Only names of our own (bulletin_scale…): this script drops what it is told to."""
    if not database.startswith("bulletin_scale") or not database.replace("_", "").isalnum():
        raise SystemExit(f"refusing database name {database!r}: use bulletin_scale…")
    return database


def manage(database: str, *args: str) -> str:
    result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=site_env(database),
                            check=True, capture_output=True, text=True)
    return result.stdout


def load() -> str:
    """What `uptime` says: the machine is shared, every figure is noted with the load beside it."""
    with open("/proc/loadavg", encoding="ascii") as handle:
        one, five, fifteen = handle.read().split()[:3]
    return f"load average {one}, {five}, {fifteen}"


def start_sink() -> tuple[subprocess.Popen, int]:
    """The SMTP sink (smtp_sink.py) in its own process; returns it and its port."""
    process = subprocess.Popen([PYTHON, str(Path(__file__).with_name("smtp_sink.py"))],
                               stdout=subprocess.PIPE, text=True)
    port = int(process.stdout.readline())
    return process, port


def stop(process: subprocess.Popen | None, *, timeout: float = 30) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_for_http(url: str, *, timeout: float = 60) -> None:
    """Poll until ``url`` answers (a server we just started is ready)."""
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - loopback
            return
        except urllib.error.HTTPError:
            return  # it answered
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"{url} did not answer within {timeout:.0f} s") from None
            time.sleep(0.2)
