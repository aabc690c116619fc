"""A member CSV answers at once and is imported by the task worker in batches: progress on a
page, the whole file checked first (a bad row imports nothing), each address given one
account even when a worker is killed half-way, the same file twice imported once."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from editorial.permissions import PermissionRefused
from publishing.library import member_imports
from publishing.library.members import MemberImportError, member_add, members_check_csv
from publishing.models import (
    Delivery,
    MemberImport,
    MemberImportRow,
    MemberImportState,
    Membership,
)
from tests.factories import AdminFactory, EditorFactory, MemberFactory, ReviewerFactory, UserFactory
from tests.processes.children import ROOT, Child, child_env

pytestmark = pytest.mark.django_db


def csv_bytes(count: int, start: int = 0, domain: str = "example.cn") -> bytes:
    rows = [f"会员{i},member{i}@{domain},单位{i % 3}," for i in range(start, start + count)]
    return ("姓名,邮箱,单位,到期日\n" + "\n".join(rows) + "\n").encode()


def upload(client, data: bytes, name: str = "members.csv"):
    handle = io.BytesIO(data)
    handle.name = name
    return client.post(reverse("publishing:members_import"), {"file": handle})


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "*",
                 verbosity=0)


def emails_with_more_than_one_account() -> list[str]:
    return list(get_user_model().objects.values("email").annotate(n=Count("pk"))
                .filter(n__gt=1).values_list("email", flat=True))


@pytest.mark.django_db(transaction=True)
def test_upload_answers_with_a_progress_page_and_the_worker_imports_in_batches(client, settings):
    settings.BULLETIN_MEMBER_IMPORT_BATCH = 4
    editor = EditorFactory()
    client.force_login(editor)
    response = upload(client, csv_bytes(10))
    job = MemberImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("publishing:member_import", args=[job.pk])
    # Answered before any account: the rows wait, claimed, for the task.
    assert not Membership.objects.exists() and MemberImportRow.objects.count() == 10
    page = client.get(response["Location"]).content.decode()
    assert "已处理 0 / 10 行" in page and 'http-equiv="refresh"' in page
    assert "排队中" in page
    members_page = client.get(reverse("publishing:members")).content.decode()
    assert "正在导入 members.csv：已处理 0 / 10 行" in members_page
    assert response["Location"] in members_page

    assert member_imports.member_import_batch(import_id=job.pk) is True
    page = client.get(response["Location"]).content.decode()
    assert "已处理 4 / 10 行" in page and "导入中" in page and 'http-equiv="refresh"' in page
    assert Membership.objects.count() == 4

    run_worker()  # the queued task carries on from row 5, then sends the invitations
    job.refresh_from_db()
    assert (job.state, job.done, job.created, job.skipped) == (MemberImportState.DONE, 10, 10, [])
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() >= 2
    assert Membership.objects.filter(created_by=editor).count() == 10
    assert not MemberImportRow.objects.exists()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"member{i}@example.cn" for i in range(10))
    page = client.get(response["Location"]).content.decode()
    assert "导入完成：已添加 10 位会员" in page and 'http-equiv="refresh"' not in page
    assert reverse("publishing:members") in page
    assert "正在导入" not in client.get(reverse("publishing:members")).content.decode()


def test_a_file_with_a_bad_row_is_refused_whole_and_nothing_is_stored(client):
    client.force_login(EditorFactory())
    data = csv_bytes(5) + "坏,not-an-address,,\n".encode()
    response = upload(client, data)
    assert response.status_code == 400
    assert "第 7 行：邮箱“not-an-address”格式不正确" in response.content.decode()
    assert not MemberImport.objects.exists() and not MemberImportRow.objects.exists()
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_same_file_twice_is_one_import(client):
    client.force_login(EditorFactory())
    first = upload(client, csv_bytes(6))
    second = upload(client, csv_bytes(6), name="members (1).csv")
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert MemberImport.objects.count() == 1 and DBTaskResult.objects.count() == 1
    assert "没有再导入一次" in client.get(second["Location"]).content.decode()
    run_worker()
    third = upload(client, csv_bytes(6))  # after it is done: still that import, not 400
    assert third["Location"] == first["Location"]
    assert Membership.objects.count() == 6 and not emails_with_more_than_one_account()


def test_two_requests_racing_with_the_same_file_store_it_once(monkeypatch):
    """The second request checked the file before the first stored it: the partial unique
    constraint on the file's digest stops it, and it answers with the first import."""
    editor = EditorFactory()
    checked = members_check_csv(csv_bytes(3))  # what the second request saw: nothing stored
    first = member_imports.member_import_start(data=csv_bytes(3), actor=editor).member_import
    real_held, lookups = member_imports._held_import, []

    def stale_then_real(digest: str):
        lookups.append(digest)
        return None if len(lookups) == 1 else real_held(digest)

    monkeypatch.setattr(member_imports, "_held_import", stale_then_real)
    monkeypatch.setattr(member_imports, "members_check_csv", lambda data: checked)
    again = member_imports.member_import_start(data=csv_bytes(3), actor=editor)
    assert again.member_import == first and not again.new and len(lookups) == 2
    assert MemberImport.objects.count() == 1 and MemberImportRow.objects.count() == 3


def test_addresses_waiting_in_an_import_are_refused_to_others():
    editor = EditorFactory()
    member_imports.member_import_start(data=csv_bytes(3), actor=editor)
    with pytest.raises(MemberImportError) as excinfo:
        member_imports.member_import_start(data=csv_bytes(2, start=2), actor=editor)
    assert excinfo.value.problems == ["第 2 行：邮箱“member2@example.cn”正在由另一次导入添加"]
    with pytest.raises(MemberImportError, match="正在由另一次导入添加"):
        member_add(name="手工", email="Member1@example.cn", send_invitation=False)
    assert MemberImport.objects.count() == 1


def test_an_address_taken_after_the_check_is_skipped_and_reported_never_given_twice(
        client, settings):
    """Only the admin can give an address an account behind the import's claim; the batch
    then leaves that row out and the page names it by row."""
    settings.BULLETIN_MEMBER_IMPORT_BATCH = 2
    editor = EditorFactory()
    job = member_imports.member_import_start(data=csv_bytes(5), actor=editor).member_import
    UserFactory(username="admin-made", email="MEMBER3@example.cn")
    assert member_imports.member_import_run(import_id=job.pk) == 4
    job.refresh_from_db()
    assert job.state == MemberImportState.DONE and job.done == 5
    assert job.skipped == [{"line": 5, "email": "member3@example.cn"}]
    assert not Membership.objects.filter(user__email__iexact="member3@example.cn").exists()
    client.force_login(editor)
    page = client.get(reverse("publishing:member_import", args=[job.pk])).content.decode()
    assert "第 5 行：邮箱“member3@example.cn”在检查之后已被另一个账号使用，未导入" in page


def test_running_an_import_again_creates_nothing_twice():
    editor = EditorFactory()
    job = member_imports.member_import_start(data=csv_bytes(3), actor=editor).member_import
    assert member_imports.member_import_run(import_id=job.pk) == 3
    assert member_imports.member_import_run(import_id=job.pk) == 3
    assert get_user_model().objects.filter(email__startswith="member").count() == 3
    assert Delivery.objects.count() == 3


def test_a_batch_that_fails_ends_the_import_as_interrupted_keeping_the_batches_done(
        client, settings, monkeypatch):
    settings.BULLETIN_MEMBER_IMPORT_BATCH = 3
    editor = EditorFactory()
    job = member_imports.member_import_start(data=csv_bytes(8), actor=editor).member_import
    real = member_imports.member_accounts_create
    calls = []

    def fails_second_time(rows, **kwargs):
        calls.append(len(rows))
        if len(calls) == 2:
            raise ValueError("the disk is full")
        return real(rows, **kwargs)

    monkeypatch.setattr(member_imports, "member_accounts_create", fails_second_time)
    with pytest.raises(ValueError):
        member_imports.member_import_run(import_id=job.pk)
    job.refresh_from_db()
    assert (job.state, job.done, job.created) == (MemberImportState.FAILED, 3, 3)
    assert Membership.objects.count() == 3 and not MemberImportRow.objects.exists()
    client.force_login(editor)
    page = client.get(reverse("publishing:member_import", args=[job.pk])).content.decode()
    assert "导入中断：已添加的 3 位会员保留，其余 5 行未导入" in page and "the disk is full" in page
    assert 'http-equiv="refresh"' not in page


@pytest.mark.parametrize("role", ["anonymous", "member", "reviewer"])
def test_only_editors_import_members_or_see_an_import(client, role):
    job = member_imports.member_import_start(data=csv_bytes(2), actor=EditorFactory()
                                             ).member_import
    user = {"anonymous": None, "member": MemberFactory(), "reviewer": ReviewerFactory()}[role]
    if user is not None:
        client.force_login(user)
    expected = 302 if user is None else 403
    response = upload(client, csv_bytes(2, start=50))
    assert response.status_code == expected
    assert client.get(reverse("publishing:member_import", args=[job.pk])).status_code == expected
    assert MemberImport.objects.count() == 1
    if user is not None:
        with pytest.raises(PermissionRefused):
            member_imports.member_import_start(data=csv_bytes(2, start=50), actor=user)


@pytest.mark.parametrize("make", [EditorFactory, AdminFactory])
def test_editors_and_superusers_import_and_follow_an_import(client, make):
    client.force_login(make())
    response = upload(client, csv_bytes(2))
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    assert client.get(reverse("publishing:member_import", args=[999_999])).status_code == 404


def test_the_progress_page_speaks_english_too(client):
    job = member_imports.member_import_start(data=csv_bytes(2), actor=EditorFactory())
    client.force_login(job.member_import.created_by)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("publishing:member_import", args=[job.member_import.pk])
                      ).content.decode()
    assert "0 of 2 rows done" in page and "refreshes every 3 seconds" in page


WORKER = ["-m", "tests.processes.import_worker", "db_worker", "--no-reload",
          "--no-startup-delay", "--queue-name", "*", "--interval", "0.1", "-v", "1"]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_is_taken_over_and_no_address_gets_two_accounts(settings):
    """Through the real worker in child processes: the first commits one batch of 5 and is
    killed with SIGKILL; the next worker runs the task again from row 7, then sends the
    invitations. Twelve members, twelve accounts, twelve invitations."""
    settings.BULLETIN_LEASE_SECONDS = 3600  # the dead worker is known from the process table
    editor = EditorFactory()
    job = member_imports.member_import_start(data=csv_bytes(12), actor=editor).member_import
    first = Child(WORKER, HOLD_IMPORT="1", BULLETIN_MEMBER_IMPORT_BATCH="5")
    try:
        first.wait_for("IMPORT BATCH 5/12")
        assert first.kill() == -9
    finally:
        first.stop()
    job.refresh_from_db()
    assert (job.state, job.done, Membership.objects.count()) == (MemberImportState.RUNNING, 5, 5)
    assert MemberImportRow.objects.count() == 7
    second = subprocess.run([sys.executable, *WORKER, "--batch"], cwd=ROOT,
                            env=child_env(BULLETIN_MEMBER_IMPORT_BATCH="5"),
                            capture_output=True, text=True, timeout=300)
    assert "IMPORT BATCH 12/12" in second.stdout, second.stdout + second.stderr
    assert "queued again" in second.stdout
    job.refresh_from_db()
    assert (job.state, job.done, job.created) == (MemberImportState.DONE, 12, 12)
    assert Membership.objects.count() == 12 and not emails_with_more_than_one_account()
    assert Delivery.objects.count() == 12
    assert Delivery.objects.filter(sent_at__isnull=False).count() == 12  # sent by the worker
