"""Load benchmark of the members' library (not a test): wrk on loopback against gunicorn.

    .venv/bin/python benchmarks/load.py [--seconds 15] [--connections 32] [--workers 4]

It builds a throwaway site (SQLite file, demo issue published through the real publishing
service, one member), starts gunicorn with the production settings, and measures with wrk:
the issue page (anonymous and as a member), the members' PDF download, and — as the baseline
in the same run — whitenoise serving the very same PDF file as a static file. Results are
printed as a Markdown table to paste into benchmarks/load.md. Needs Debian's `wrk`.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_manage(env: dict, *args: str) -> str:
    result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True,
                            capture_output=True, text=True)
    return result.stdout


SETUP = """
import django, shutil, sys
django.setup()
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.conf import settings
from publishing.services import member_add
from publishing.selectors import issue_published_pdf
from editorial.models import Issue
user = get_user_model().objects.filter(username="bench@example.cn").first()
if user is None:
    user = member_add(name="压测会员", email="bench@example.cn", send_invitation=False).user
session = SessionStore()
session["_auth_user_id"] = str(user.pk)
session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
session["_auth_user_hash"] = user.get_session_auth_hash()
session.create()
issue = Issue.objects.get(publication__slug="dalian-digital-trade", number=1)
pdf = issue_published_pdf(issue)
from pathlib import Path
from publishing.services import issue_set_access
issue_set_access(issue=issue, level="members")  # the members-only path is the one measured
target = Path(settings.STATIC_ROOT) / "bench" / "issue.pdf"
target.parent.mkdir(parents=True, exist_ok=True)
shutil.copyfile(pdf, target)
print(session.session_key, pdf.stat().st_size)
"""


def wrk(url: str, *, seconds: int, connections: int, cookie: str | None = None) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout

    def ms(label: str) -> float:
        match = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                              out)
    errors = int(non2xx.group(1)) if non2xx else 0
    if socket_errors:
        errors += sum(int(g) for g in socket_errors.groups())
    detail = ", ".join(filter(None, [non2xx and non2xx.group(0), socket_errors and socket_errors.group(0)]))
    return {"rps": rps, "p50": ms("50%"), "p99": ms("99%"), "errors": errors, "detail": detail}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=5, help="gunicorn sync workers (2 × cores + 1)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")

    tmp = Path(tempfile.mkdtemp(prefix="bulletin-load-"))
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bulletin.settings.production",
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "SECRET_KEY": "load-benchmark-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MEDIA_ROOT": str(tmp / "media"),
        "EDITIONS_ROOT": str(tmp / "editions"),
        "STATIC_ROOT": str(tmp / "static"),
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
    }
    server = None
    try:
        run_manage(env, "migrate", "--noinput", "-v0")
        run_manage(env, "collectstatic", "--noinput", "-v0")
        run_manage(env, "load_demo", str(ROOT / "docs" / "demo-bundle"))
        setup = subprocess.run([PYTHON, "-c", SETUP], cwd=ROOT, env=env, capture_output=True,
                               text=True)
        if setup.returncode != 0:
            sys.exit(setup.stderr)
        session_key, pdf_size = setup.stdout.split()
        server = subprocess.Popen(
            [str(Path(PYTHON).parent / "gunicorn"), "bulletin.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", str(args.workers), "--log-level", "warning"],
            cwd=ROOT, env=env,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/issues/", timeout=1)  # noqa: S310 - loopback
                break
            except OSError:
                time.sleep(0.1)
        cookie = f"sessionid={session_key}"
        static_pdf = "/static/bench/issue.pdf"  # whitenoise serves all of STATIC_ROOT
        cases = [
            ("issue page, anonymous", "/issues/dalian-digital-trade/1/", None),
            ("issue page, member", "/issues/dalian-digital-trade/1/", cookie),
            ("members' PDF download", "/issues/dalian-digital-trade/1/pdf", cookie),
            ("whitenoise, same PDF (baseline)", static_pdf, None),
        ]
        print(f"\n{args.connections} connections, {args.seconds} s each, gunicorn "
              f"{args.workers} sync workers, PDF {int(pdf_size) / 1024:.0f} KiB\n")
        print("| case | requests/s | p50 ms | p99 ms | errors |")
        print("|---|---:|---:|---:|---:|")
        for label, path, cookie_header in cases:
            result = wrk(base + path, seconds=args.seconds, connections=args.connections,
                         cookie=cookie_header)
            print(f"| {label} | {result['rps']:.0f} | {result['p50']:.1f} | {result['p99']:.1f} "
                  f"| {result['errors']} |" + (f" <!-- {result['detail']} -->" if result["detail"] else ""))
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
