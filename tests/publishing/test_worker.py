"""The task worker stays up. It used to exit on "database is locked" or one dropped
PostgreSQL connection, a task it was running when killed stayed RUNNING for ever, and
nothing restarted it: scheduled publishing stopped silently."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands
from django.db import OperationalError, connection
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from publishing import worker as worker_module
from publishing.models import TaskWorker
from tests.processes.children import ROOT, Child, child_env
from tests.processes.tasks import hold_then_finish

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WORKER = ["manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--queue-name", "*",
          "--interval", "0.1", "-v", "1"]


def test_manage_py_db_worker_is_the_worker_that_stays_up():
    assert get_commands()["db_worker"] == "publishing"


def test_a_task_running_on_a_worker_killed_with_sigkill_is_run_by_the_next_worker(settings):
    settings.BULLETIN_LEASE_SECONDS = 3600  # recognised from the process table, not a lease
    result = hold_then_finish.enqueue("one")
    first = Child(WORKER, HOLD_TASKS="1")
    try:
        first.wait_for("TASK RUNNING one")
        row = DBTaskResult.objects.get(pk=result.id)
        assert row.status == TaskResultStatus.RUNNING
        assert TaskWorker.objects.filter(worker_id=row.worker_ids[-1],
                                         pid=first.process.pid).exists()
        assert first.kill() == -9
    finally:
        first.stop()
    second = subprocess.run([sys.executable, *WORKER, "--batch"], cwd=ROOT, env=child_env(),
                            capture_output=True, text=True, timeout=300)
    assert "TASK DONE one" in second.stdout, second.stdout + second.stderr
    assert "queued again" in second.stdout
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.SUCCESSFUL and row.return_value == "finished one"
    assert len(row.worker_ids) == 2
    assert not TaskWorker.objects.exists()  # the dead worker's row went, the second left


def test_a_task_whose_workers_keep_dying_is_failed_not_retried_for_ever(settings):
    settings.BULLETIN_TASK_MAX_ATTEMPTS = 2
    result = hold_then_finish.enqueue("doomed")
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, worker_ids=["gone-1", "gone-2"])
    for worker_id in ("gone-1", "gone-2"):
        TaskWorker.objects.create(worker_id=worker_id, host=os.uname().nodename,
                                  pid=2**22 + 4321)
    assert worker_module.recover_orphaned_tasks(backend_name="default") == [str(result.id)]
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.FAILED and "WorkerDied" in row.exception_class_path


def test_a_task_of_a_live_worker_is_left_alone():
    result = hold_then_finish.enqueue("busy")
    DBTaskResult.objects.filter(pk=result.id).update(status=TaskResultStatus.RUNNING,
                                                     worker_ids=["alive"])
    TaskWorker.objects.create(worker_id="alive", host=os.uname().nodename, pid=os.getpid())
    assert worker_module.recover_orphaned_tasks(backend_name="default") == []
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.RUNNING


def test_a_database_error_in_the_loop_is_survived_with_growing_back_off(monkeypatch, capsys):
    """In process: the first three turns hit a database error; the worker closes its
    connections, backs off 1, 2, 4 s (injected sleep), then runs the task."""
    result = hold_then_finish.enqueue("after-errors")
    real_turn = worker_module.SteadyWorker._turn
    failures = iter([OperationalError("server closed the connection unexpectedly")] * 3)
    closed = []

    def flaky_turn(self):
        error = next(failures, None)
        if error is not None:
            raise error
        return real_turn(self)

    monkeypatch.setattr(worker_module.SteadyWorker, "_turn", flaky_turn)
    monkeypatch.setattr(worker_module, "_close_connections", lambda: closed.append(1))
    slept: list[float] = []
    steady = worker_module.SteadyWorker(
        queue_names=["*"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id="in-process", sleep=slept.append)
    steady.run()
    assert slept == [1.0, 2.0, 4.0] and len(closed) == 3 and steady.database_errors == 3
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL
    assert "TASK DONE after-errors" in capsys.readouterr().out


def test_a_result_that_could_not_be_written_is_run_again(monkeypatch):
    result = hold_then_finish.enqueue("unwritten")
    real = DBTaskResult.set_successful
    real_after = worker_module.SteadyWorker._after_database_error
    calls = []

    def broken_once(self, value):
        calls.append(value)
        if len(calls) == 1:
            raise OperationalError("connection already closed")
        return real(self, value)

    def failing_too(self, exc):
        raise OperationalError("connection already closed")

    # The database is gone: writing the result fails, and so does recording the failure.
    monkeypatch.setattr(DBTaskResult, "set_successful", broken_once)
    real_failed = DBTaskResult.set_failed
    monkeypatch.setattr(DBTaskResult, "set_failed", failing_too)
    monkeypatch.setattr(worker_module.SteadyWorker, "_after_database_error",
                        lambda self, exc: (monkeypatch.setattr(DBTaskResult, "set_failed",
                                                               real_failed),
                                           real_after(self, exc)))
    steady = worker_module.SteadyWorker(
        queue_names=["*"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id="in-process", sleep=lambda s: None)
    steady.run()
    row = DBTaskResult.objects.get(pk=result.id)
    assert len(calls) == 2 and row.status == TaskResultStatus.SUCCESSFUL
    assert steady.database_errors == 1 and len(row.worker_ids) == 2


def test_a_real_worker_survives_postgresql_dropping_and_refusing_its_connections():
    """The database goes away under a running worker: its connections are terminated and new
    ones refused for a while (a restart, a failover). The worker backs off, then goes on."""
    if connection.vendor != "postgresql":
        pytest.skip("pg_terminate_backend is PostgreSQL's; run with DATABASE_URL=postgres://…")
    import psycopg

    name = connection.settings_dict["NAME"]
    child = Child(WORKER, CONN_MAX_AGE="60")  # persistent connections, as in production
    try:
        child.wait_for("Starting worker")
        first = hold_then_finish.enqueue("before")
        child.wait_for("TASK DONE before")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (mine,) = cursor.fetchone()
        info = connection.settings_dict
        with psycopg.connect(host=info["HOST"] or "127.0.0.1", port=info["PORT"] or 5432,
                             user=info["USER"] or "postgres", password=info["PASSWORD"] or None,
                             dbname="postgres", autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
            try:
                killed = admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> %s", [name, mine]).fetchall()
                assert killed, "the worker had no connection to kill"
                child.wait_for("reconnecting in 1 s")
                child.wait_for("reconnecting in 2 s")  # growing back-off
            finally:
                admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
        second = hold_then_finish.enqueue("after")
        child.wait_for("database reachable again")
        child.wait_for("TASK DONE after")
        child.wait_for(f"Task id={second.id} path=tests.processes.tasks.hold_then_finish "
                       "state=SUCCESSFUL")  # logged once the result is written
        assert child.process.poll() is None  # still running
        for result in (first, second):
            assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL
    finally:
        child.process.terminate()
        child.process.wait(timeout=60)
        child.stop()


def test_make_serve_starts_the_worker_again_when_it_is_killed():
    fake = f"{sys.executable} tests/processes/fake_manage.py"
    # No pause before the restart (the Makefile's WORKER_RESTART_DELAY, 2 s by default).
    make = Child(["make", "--no-print-directory", "serve", f"PY={fake}", "PORT=8999",
                  "WORKER_RESTART_DELAY=0"], python=False)
    try:
        first = int(make.wait_for("WORKER").split()[1])
        os.kill(first, 9)
        make.wait_for("task worker exited (status 137); starting it again in 0 s")
        second = int(make.wait_for("WORKER").split()[1])
        assert second != first
    finally:
        os.killpg(make.process.pid, 15)
        make.process.wait(timeout=60)
    make.wait_for(f"WORKER {second} stopped")


def test_docker_compose_restarts_the_worker_and_the_web_process():
    compose = (Path(ROOT) / "docker-compose.yml").read_text()
    for service in ("worker", "web"):
        block = compose.split(f"\n  {service}:\n", 1)[1].split("\n\n", 1)[0]
        assert "restart: unless-stopped" in block, service


def test_rows_of_dead_workers_are_forgotten_and_live_ones_kept():
    here = os.uname().nodename
    TaskWorker.objects.create(worker_id="dead-here", host=here, pid=2**22 + 99)
    TaskWorker.objects.create(worker_id="alive-here", host=here, pid=os.getpid())
    assert worker_module.recover_orphaned_tasks(backend_name="default") == []
    assert list(TaskWorker.objects.values_list("worker_id", flat=True)) == ["alive-here"]
