"""The processes of a multi-node site on this machine, each in its own process group.

Two gunicorn nodes under the production settings, nginx load-balancing between them (the
location rules of deploy/nginx/bulletin.conf, its upstream pointed at both nodes), two task
workers (``manage.py db_worker``), moto's standalone S3 server, Redis (one database, flushed)
and the test's PostgreSQL database. Nothing waits on the clock: every ``wait_*`` polls a
condition (a port answering, a row appearing) until a bounded deadline.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.processes.children import ROOT
from tests.processes.nginx import nginx_command

DEADLINE = 120.0  # seconds any one condition may take on a loaded two-core machine

def wait_until(condition: Callable[[], object], what: str, *, limit: float = DEADLINE,
               every: float = 0.05) -> object:
    """Poll ``condition`` until it returns something true; fail naming ``what`` at the limit."""
    deadline = time.monotonic() + limit
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {limit:.0f} s waiting for {what}")
        time.sleep(every)


def port_answers(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _die_with_parent() -> None:
    """In the child before exec: SIGKILL when the test process dies, even if it is killed
    itself and never reaches its teardown (Linux's PR_SET_PDEATHSIG)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


@dataclass
class Proc:
    """A child process started in its own session: killing it kills its whole group
    (gunicorn's master and its workers, a worker and its render child)."""

    name: str
    args: list[str]
    env: dict[str, str]
    log: Path
    process: subprocess.Popen | None = None

    def start(self) -> Proc:
        handle = self.log.open("ab")
        self.process = subprocess.Popen(self.args, cwd=ROOT, env=self.env, stdout=handle,
                                        stderr=subprocess.STDOUT, start_new_session=True,
                                        preexec_fn=_die_with_parent)
        handle.close()
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def group_alive(self) -> bool:
        """Whether any process of its group is left (gunicorn's workers, a render child)."""
        try:
            os.killpg(self.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def kill(self) -> None:
        """SIGKILL to the whole process group, then reap the leader."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=30)

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class Cluster:
    tmp: Path
    db_url: str
    redis_url: str
    static_root: Path
    nginx_port: int = 0
    node_ports: list[int] = field(default_factory=list)
    s3_port: int = 0
    s3_bucket: str = "bulletin-multinode"
    # True: media and editions on the S3 endpoint, each process with folders of its own (no
    # shared filesystem). False: one folder shared by every process, nginx sending editions.
    object_storage: bool = False
    shared: Path | None = None
    procs: dict[str, Proc] = field(default_factory=dict)

    # ------------------------------------------------------------------ environment

    def app_env(self, name: str, **extra: str) -> dict[str, str]:
        """Production settings, as docker-compose.yml gives them, pointed at this cluster."""
        own = self.tmp / name
        (own / "tmp").mkdir(parents=True, exist_ok=True)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(own),
            "TMPDIR": str(own / "tmp"),  # a killed process's temporary files stay in the test's
            "LANG": "C.UTF-8",
            "PYTHONUNBUFFERED": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "DJANGO_SETTINGS_MODULE": "tests.multinode.settings",
            "SECRET_KEY": "multinode-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "DATABASE_URL": self.db_url,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": "https://bulletin.example.org",
            "EMAIL_URL": "memorymail://",
            "TRUSTED_PROXY_COUNT": "1",
            "STATIC_ROOT": str(self.static_root),
            "BULLETIN_REDIS_URL": self.redis_url,
            # Dead holders on this host are seen at once from the process table; the lease
            # only sets how often a worker looks (a quarter of it).
            "BULLETIN_LEASE_SECONDS": "4",
            "BULLETIN_RENDER_MEMORY_MB": "0",
            "LOG_LEVEL": "INFO",
        }
        if self.object_storage:
            env.update({f"BULLETIN_S3_{key}": value for key, value in self.s3_settings().items()})
            folders = own  # whatever a process writes locally stays its own
        else:
            assert self.shared is not None
            folders = self.shared
            env["DOWNLOADS_ACCEL_REDIRECT_PREFIX"] = "/_editions/"
        env.update({"MEDIA_ROOT": str(folders / "media"), "EDITIONS_ROOT": str(folders / "editions"),
                    "COVERS_ROOT": str(folders / "covers")})
        env.update(extra)
        return env

    def s3_settings(self) -> dict[str, str]:
        """The bucket, as production reads it from BULLETIN_S3_* (moto takes any key)."""
        return {"ENDPOINT_URL": f"http://127.0.0.1:{self.s3_port}", "BUCKET": self.s3_bucket,
                "ACCESS_KEY_ID": "multinode", "SECRET_ACCESS_KEY": "multinode-secret",
                "REGION": "us-east-1", "ADDRESSING_STYLE": "path", "SIGNATURE_VERSION": "s3v4"}

    def s3_client(self):
        import boto3

        s3 = self.s3_settings()
        return boto3.client("s3", endpoint_url=s3["ENDPOINT_URL"], region_name=s3["REGION"],
                            aws_access_key_id=s3["ACCESS_KEY_ID"],
                            aws_secret_access_key=s3["SECRET_ACCESS_KEY"])

    def s3_keys(self, prefix: str = "") -> list[str]:
        pages = self.s3_client().get_paginator("list_objects_v2").paginate(
            Bucket=self.s3_bucket, Prefix=prefix)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    # ------------------------------------------------------------------ processes

    def _proc(self, name: str, args: list[str], env: dict[str, str]) -> Proc:
        proc = Proc(name, args, env, self.tmp / f"{name}.log").start()
        self.procs[name] = proc
        return proc

    def start_node(self, index: int) -> Proc:
        port = self.node_ports[index]
        return self._proc(f"node{index}", [
            sys.executable, "-m", "gunicorn", "bulletin.wsgi", "--bind", f"127.0.0.1:{port}",
            "--workers", "1", "--threads", "4", "--timeout", "120", "--graceful-timeout", "1",
            "--worker-tmp-dir", str(self.tmp)], self.app_env(f"node{index}"))

    def start_worker(self, index: int) -> Proc:
        # What a worker killed earlier left in its temporary folder is not this one's work.
        shutil.rmtree(self.tmp / f"worker{index}" / "tmp", ignore_errors=True)
        return self._proc(f"worker{index}", [
            sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay",
            "--queue-name", "*", "--interval", "0.1", "--worker-id", f"mn-worker-{index}",
            "-v", "1"], self.app_env(f"worker{index}"))

    def start_s3(self) -> Proc:
        return self._proc("s3", [sys.executable, "-m", "moto.server", "-H", "127.0.0.1",
                                 "-p", str(self.s3_port)],
                          {"PATH": os.environ.get("PATH", ""), "HOME": str(self.tmp),
                           "PYTHONUNBUFFERED": "1"})

    def start_nginx(self) -> Proc:
        upstream = "\n    ".join(
            f"server 127.0.0.1:{port} max_fails=1 fail_timeout=30s;" for port in self.node_ports)
        assert self.shared is not None
        replaced = {
            "server web:8000;": upstream,
            "listen 80;": f"listen 127.0.0.1:{self.nginx_port};\n"
                          # Which node answered: the test checks both are used, then one.
                          "    add_header X-Upstream $upstream_addr always;",
            "/app/var/staticfiles/": f"{self.static_root}/",
            "/data/editions/": f"{self.shared / 'editions'}/",
            "/data/covers/": f"{self.shared / 'covers'}/",
            "/etc/nginx/bulletin-proxy.conf": str(self.tmp / "bulletin-proxy.conf"),
            "internal;": "internal;\n        add_header X-Upstream $upstream_addr always;",
        }
        return self._proc("nginx", nginx_command(self.tmp, replaced, daemon=False),
                          {"PATH": os.environ.get("PATH", "")})

    def kill_all(self) -> None:
        for proc in self.procs.values():
            proc.kill()

    # ------------------------------------------------------------------ readiness

    def wait_for_port(self, proc: Proc, port: int) -> None:
        def ready() -> bool:
            assert proc.alive(), f"{proc.name} ended ({proc.process.returncode}):\n{proc.tail()}"
            return port_answers(port)

        wait_until(ready, f"{proc.name} to listen on {port}")

    def wait_for_node(self, index: int) -> None:
        """The node answers a page that needs the database (the login page)."""
        proc, port = self.procs[f"node{index}"], self.node_ports[index]
        self.wait_for_port(proc, port)

        def answers() -> bool:
            assert proc.alive(), f"{proc.name} ended:\n{proc.tail()}"
            status = http_get(f"http://127.0.0.1:{port}/accounts/login/")[0]
            assert status in (200, 502, 503), f"{proc.name} answered {status}:\n{proc.tail()}"
            return status == 200

        wait_until(answers, f"{proc.name} to serve the login page")

    @property
    def nginx(self) -> str:
        return f"http://127.0.0.1:{self.nginx_port}"

    def node(self, index: int) -> str:
        return f"http://127.0.0.1:{self.node_ports[index]}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect, urllib.request.ProxyHandler({}))


def http_get(url: str, *, cookie: str | None = None, data: bytes | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    """One request as a browser behind the TLS proxy would send it (X-Forwarded-Proto https);
    redirects are returned, not followed. Status 0: the connection failed."""
    assert url.startswith("http://127.0.0.1:")
    request = urllib.request.Request(url, data=data, headers={  # noqa: S310 - our own servers
        "X-Forwarded-Proto": "https", **({"Cookie": cookie} if cookie else {}), **(headers or {})})
    try:
        with _OPENER.open(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()
    except (urllib.error.URLError, ConnectionError) as error:
        return 0, {}, str(error).encode()
