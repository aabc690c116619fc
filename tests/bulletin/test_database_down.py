"""With the database down: commands say so in one line, ``manage.py check`` reports it, and the
web answers 503 with a page in the site's language that needs no database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow  # each test starts Django in a fresh interpreter


@pytest.fixture(scope="module")
def dead_database_url() -> str:
    """A PostgreSQL address where nothing listens: a port we bound and released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"postgres://bulletin:secret@127.0.0.1:{port}/bulletin"


def run(args: list[str], database_url: str, settings: str = "bulletin.settings.test"):
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": settings}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def test_manage_py_check_reports_the_unreachable_database(dead_database_url):
    result = run(["manage.py", "check"], dead_database_url)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "bulletin.E001" in output and "unreachable" in output
    assert "no issues" not in output and "Traceback" not in output


@pytest.mark.parametrize("command", [["publish_due"], ["send_review_reminders"],
                                     ["migrate", "--noinput"], ["createsuperuser", "--noinput",
                                                                "--username", "x",
                                                                "--email", "x@example.org"]])
def test_commands_print_one_clear_line_without_a_traceback(dead_database_url, command):
    result = run(["manage.py", *command], dead_database_url)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "unreachable" in lines[0] and "127.0.0.1" in lines[0]
    assert "secret" not in result.stderr  # the password never appears


WEB = """
import django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1")
for path in ["/", "/issues/"]:
    response = client.get(path)
    print(path, response.status_code, response.get("Retry-After"))
response = client.post("/accounts/login/", {"username": "editor", "password": "x"})
print("login", response.status_code, response.get("Retry-After"))
client.cookies["sessionid"] = "a-session-the-database-would-know"
response = client.get("/editorial/")
print("session", response.status_code, response.get("Retry-After"))
client.cookies.pop("sessionid")
client.cookies["django_language"] = "en"
print("en", client.get("/issues/").content.decode())
client.cookies.pop("django_language")
print("zh", client.get("/issues/").content.decode())
"""


def test_the_web_answers_503_with_a_page_that_needs_no_database(dead_database_url):
    result = run(["-c", WEB], dead_database_url)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    for what in ["/", "/issues/", "login", "session"]:
        assert f"{what} 503 30" in out, out[:2000]
    chinese = out.split("\nzh ", 1)[1]
    english = out.split("\nen ", 1)[1].split("\nzh ", 1)[0]
    assert "数据库暂时无法连接" in chinese and "site.css" in chinese
    assert "The database cannot be reached" in english
