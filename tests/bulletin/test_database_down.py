"""With the database down: commands say so in one line, ``manage.py check`` reports it, and the
web answers 503 with a page in the site's language that needs no database."""

from __future__ import annotations

import os
import socket
import subprocess

import pytest

from tests.processes.fork_server import SETTINGS_ENV, ForkServer

pytestmark = pytest.mark.slow  # each test starts Django in a process of its own


@pytest.fixture(scope="module")
def fork_server():
    """tests/processes/fork_server.py: each case is a process of its own that reads its settings
    from its environment at start, forked from one that has imported Django's libraries (but no
    settings): the exit status and output are the process's own, without paying for a new
    interpreter each time."""
    server = ForkServer()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def dead_database_url() -> str:
    """A PostgreSQL address where nothing listens: a port we bound and released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"postgres://bulletin:secret@127.0.0.1:{port}/bulletin"


# ``python manage.py …``: manage.py run as the main module with its command line.
MANAGE_PY = """
import runpy, sys
sys.argv = ["manage.py", *{args!r}]
runpy.run_path("manage.py", run_name="__main__")
"""


def run(server: ForkServer, args: list[str], database_url: str,
        settings: str = "bulletin.settings.test") -> subprocess.CompletedProcess:
    """``python manage.py args…`` (or ``python -c code``) in a process of its own."""
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_ENV}
    env.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE=settings)
    if args[0] == "-c":
        return server.run(args[1], env)
    assert args[0] == "manage.py", args
    return server.run(MANAGE_PY.format(args=args[1:]), env)


def test_manage_py_check_reports_the_unreachable_database(fork_server, dead_database_url):
    result = run(fork_server, ["manage.py", "check"], dead_database_url)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "bulletin.E001" in output and "unreachable" in output
    assert "no issues" not in output and "Traceback" not in output


@pytest.mark.parametrize("command", [["publish_due"], ["send_review_reminders"],
                                     ["migrate", "--noinput"], ["createsuperuser", "--noinput",
                                                                "--username", "x",
                                                                "--email", "x@example.org"]])
def test_commands_print_one_clear_line_without_a_traceback(fork_server, dead_database_url,
                                                          command):
    result = run(fork_server, ["manage.py", *command], dead_database_url)
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


def test_the_web_answers_503_with_a_page_that_needs_no_database(fork_server, dead_database_url):
    result = run(fork_server, ["-c", WEB], dead_database_url)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    for what in ["/", "/issues/", "login", "session"]:
        assert f"{what} 503 30" in out, out[:2000]
    chinese = out.split("\nzh ", 1)[1]
    english = out.split("\nen ", 1)[1].split("\nzh ", 1)[0]
    assert "数据库暂时无法连接" in chinese and "site.css" in chinese
    assert "The database cannot be reached" in english
