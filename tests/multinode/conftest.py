"""Fixtures of the multi-node test: one cluster per test module (``cluster.Cluster``), two fresh
task workers per test, and the site's data made through the project's own factories and
services on the database the cluster shares.

Runs only on PostgreSQL (``DATABASE_URL=postgres://…``, as ``.ci/run``'s second pass does), with
nginx, Redis on 127.0.0.1:6379 and moto installed; otherwise every test is skipped saying which.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket

import pytest
from django.db import connection

from publishing.models import TaskWorker
from tests.multinode.cluster import Cluster, wait_until
from tests.processes.children import database_url
from tests.processes.nginx import free_port

REDIS = ("127.0.0.1", 6379)
# Media and editions on the S3 endpoint, each process with folders of its own (the default), or
# MULTINODE_STORAGE=filesystem: one folder every process shares, nginx sending the editions
# (to tell a storage problem from a cluster problem).
OBJECT_STORAGE = os.environ.get("MULTINODE_STORAGE", "s3") != "filesystem"


def _redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _redis_db() -> int:
    """DB 3, or one further per pytest-xdist worker so parallel clusters never share one."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return 3 + int(worker.removeprefix("gw") or 0)


def _flush_redis(db: int) -> None:
    with socket.create_connection(REDIS, timeout=5) as sock:
        sock.sendall(f"SELECT {db}\r\nFLUSHDB\r\n".encode())
        reply = b""
        while reply.count(b"\r\n") < 2:
            chunk = sock.recv(64)
            assert chunk, "Redis closed the connection"
            reply += chunk
        assert reply == b"+OK\r\n+OK\r\n", reply


def _why_not() -> str | None:
    if connection.vendor != "postgresql":
        return ("the multi-node test needs PostgreSQL (several processes writing at once); "
                "run with DATABASE_URL=postgres://… as .ci/run's second pass does")
    if shutil.which("nginx") is None:
        return "nginx is not installed (Debian nginx-light, `make setup`)"
    if importlib.util.find_spec("moto") is None:
        return "moto is not installed (the project's dev extra)"
    if not _redis_answers():
        return "Redis does not answer on 127.0.0.1:6379"
    return None


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        reason = _why_not()
        if reason:
            pytest.skip(reason)
        db_url = database_url()
    tmp = tmp_path_factory.mktemp("multinode")
    db = _redis_db()
    _flush_redis(db)
    site = Cluster(tmp=tmp, db_url=db_url, redis_url=f"redis://{REDIS[0]}:{REDIS[1]}/{db}",
                   static_root=tmp / "static", nginx_port=free_port(),
                   node_ports=[free_port(), free_port()], s3_port=free_port(),
                   shared=tmp / "shared", object_storage=OBJECT_STORAGE)
    for sub in ("media", "editions", "covers"):
        (site.shared / sub).mkdir(parents=True)
    try:
        site.static_root.mkdir()
        s3 = site.start_s3()
        for index in (0, 1):
            site.start_node(index)
        nginx = site.start_nginx()
        site.wait_for_port(s3, site.s3_port)
        if site.object_storage:
            site.s3_client().create_bucket(Bucket=site.s3_bucket)
        site.wait_for_port(nginx, site.nginx_port)
        yield site  # the nodes finish booting while the first test's workers start
    finally:
        site.kill_all()
        _flush_redis(db)


@pytest.fixture
def site(cluster, transactional_db, settings):
    """The cluster with both nodes up and two fresh workers registered on this test's
    database (the flush after each test removes their rows, so each test starts its own)."""
    if cluster.object_storage:  # the test process writes (the cover image) to the bucket too
        from bulletin.storages import object_storages

        s3 = {**cluster.s3_settings(), "URL_EXPIRE": 60}
        settings.BULLETIN_S3 = s3
        settings.STORAGES = object_storages(s3, settings.STORAGES["staticfiles"]["BACKEND"])
        folders = cluster.tmp / "test-process"
    else:
        folders = cluster.shared
    settings.MEDIA_ROOT = folders / "media"
    settings.EDITIONS_ROOT = folders / "editions"
    settings.COVERS_ROOT = folders / "covers"
    for index in (0, 1):
        if not cluster.procs[f"node{index}"].alive():
            cluster.start_node(index)
    for index in (0, 1):
        cluster.start_worker(index)
    for index in (0, 1):
        cluster.wait_for_node(index)
    ids = {f"mn-worker-{index}" for index in (0, 1)}

    def registered() -> bool:
        for index in (0, 1):
            proc = cluster.procs[f"worker{index}"]
            assert proc.alive(), f"{proc.name} ended:\n{proc.tail()}"
        return set(TaskWorker.objects.values_list("worker_id", flat=True)) >= ids

    wait_until(registered, "both workers to register")
    try:
        yield cluster
    finally:
        for index in (0, 1):
            cluster.procs[f"worker{index}"].kill()
