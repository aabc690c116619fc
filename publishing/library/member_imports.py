"""A member CSV imported in the background, so that 20,000 rows answer in seconds.

- **The request checks the whole file** (``members.members_check_csv``: every bad row with its
  line, nothing imported when any is bad) and stores the checked rows as ``MemberImportRow``
  rows. Each row's address is unique in that table, so it is claimed until its account exists:
  a second import or a member added by hand meanwhile is refused it at its own check.
- **A task creates the accounts a batch at a time.** Each batch's accounts, memberships and
  invitations, the removal of its rows and the progress count commit in one transaction: a
  worker killed at any point leaves whole batches done and the rest pending, and the worker
  that takes the task over (``publishing.worker``) carries on with the rows still there. An
  address is never given a second account: a row whose address has an account by then (only
  the admin can do that: it does not look at the claims) is skipped and listed on the page.
- **Per batch, not one transaction**: the file was checked whole, so the all-or-nothing
  promise holds for what users get wrong; one 20,000-row transaction would show no progress,
  lose every row done when a worker dies and hold its locks for the whole run. A batch that
  fails on something else (a bug, a database error the worker does not survive) ends the
  import as interrupted, keeps the batches done, releases the rest and says so, row numbers
  included.
- **The same file twice is one import**: its SHA-256 is unique among imports queued, running
  or done (a partial unique constraint), so a double submit lands on the first one's page.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from editorial.permissions import require
from publishing.library import permissions as _rules  # noqa: F401  (registers publishing.*)
from publishing.library.members import (
    MemberRow,
    invitations_record,
    member_accounts_create,
    members_check_csv,
    send_invitations_task,
)
from publishing.models import (
    MEMBER_IMPORT_HELD,
    MemberImport,
    MemberImportRow,
    MemberImportState,
)


@dataclass(frozen=True)
class ImportStarted:
    member_import: MemberImport
    new: bool  # False: the same file was already imported or being imported


def _file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _held_import(digest: str) -> MemberImport | None:
    return MemberImport.objects.filter(digest=digest, state__in=MEMBER_IMPORT_HELD).first()


@transaction.atomic
def member_import_start(*, data: bytes, actor, file_name: str = "",
                        send_invitations: bool = True) -> ImportStarted:
    """Check the whole CSV (``MemberImportError`` lists every bad row, nothing is stored),
    store its rows and queue the task that creates the accounts. The same file again
    returns the import it already has."""
    require(actor, "publishing.manage_issues", message=_("只有编辑可以导入会员。"))
    digest = _file_digest(data)
    held = _held_import(digest)
    if held is not None:
        return ImportStarted(held, new=False)
    rows = members_check_csv(data)
    try:
        with transaction.atomic():
            job = MemberImport.objects.create(
                digest=digest, file_name=file_name[:255], total=len(rows), created_by=actor,
                send_invitations=send_invitations)
            _rows_store(job, rows)
    except IntegrityError:
        # A concurrent request stored the same file, or claimed some of its addresses, after
        # our check: the first is that import; the second, checked again, is a bad row.
        held = _held_import(digest)
        if held is not None:
            return ImportStarted(held, new=False)
        members_check_csv(data)
        raise
    job_id = job.pk
    transaction.on_commit(lambda: import_members_task.enqueue(job_id))
    return ImportStarted(job, new=True)


def _rows_store(job: MemberImport, rows: list[MemberRow]) -> None:
    """The checked rows in plain INSERTs: building 20,000 model instances for ``bulk_create``
    was three quarters of the request."""
    table = connection.ops.quote_name(MemberImportRow._meta.db_table)
    # The table name is the model's own; every value is a parameter.
    sql = (f"INSERT INTO {table} (member_import_id, line, name, email, organisation, "  # noqa: S608
           "expires_on) VALUES (%s, %s, %s, %s, %s, %s)")
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(job.pk, r.line, r.name, r.email, r.organisation, r.expires_on)
                                 for r in rows])


def _batch_size() -> int:
    return max(1, int(settings.BULLETIN_MEMBER_IMPORT_BATCH))


def _accounts_holding(emails: list[str]) -> set[str]:
    """Which of these addresses (lower case) an account already has, as e-mail or login."""
    users = (get_user_model().objects.annotate(e=Lower("email"), u=Lower("username"))
             .filter(Q(e__in=emails) | Q(u__in=emails)).values_list("e", "u"))
    return {value for pair in users for value in pair if value} & set(emails)


@transaction.atomic
def member_import_batch(*, import_id: int) -> bool:
    """Create the accounts of the next batch of rows; False when there is nothing left to
    do (the import is then done, or was not running)."""
    job = MemberImport.objects.select_for_update().filter(pk=import_id).first()
    if job is None or job.finished:
        return False
    if job.state == MemberImportState.QUEUED:
        job.state = MemberImportState.RUNNING
    batch = list(job.rows.order_by("line")[:_batch_size()])
    if not batch:
        job.state, job.finished_at = MemberImportState.DONE, timezone.now()
        job.save(update_fields=["state", "finished_at"])
        if job.send_invitations and job.created:
            transaction.on_commit(send_invitations_task.enqueue)
        return False
    holding = _accounts_holding([r.email for r in batch])
    fresh = [MemberRow(r.line, r.name, r.email, r.organisation, r.expires_on)
             for r in batch if r.email not in holding]
    memberships = member_accounts_create(fresh, added_by=job.created_by) if fresh else []
    if job.send_invitations:
        invitations_record(memberships)
    MemberImportRow.objects.filter(pk__in=[r.pk for r in batch]).delete()
    job.skipped += [{"line": r.line, "email": r.email} for r in batch if r.email in holding]
    job.done += len(batch)
    job.created += len(memberships)
    job.save(update_fields=["state", "done", "created", "skipped"])
    return True


@transaction.atomic
def member_import_interrupt(*, import_id: int, error: str) -> None:
    """End an import that cannot go on: the batches done stay, the rest are released."""
    job = MemberImport.objects.select_for_update().filter(pk=import_id).first()
    if job is None or job.finished:
        return
    job.state, job.finished_at, job.error = MemberImportState.FAILED, timezone.now(), error
    job.save(update_fields=["state", "finished_at", "error"])
    job.rows.all().delete()


def member_import_run(*, import_id: int) -> int:
    """Run an import to its end from wherever it stands; returns the accounts it holds."""
    try:
        while member_import_batch(import_id=import_id):
            pass
    except Exception as exc:
        member_import_interrupt(import_id=import_id, error=str(exc) or exc.__class__.__name__)
        raise
    return MemberImport.objects.values_list("created", flat=True).get(pk=import_id)


@task()
def import_members_task(import_id: int) -> int:
    return member_import_run(import_id=import_id)


# --------------------------------------------------------------------------- reads


def member_import_page_context(*, import_id: int) -> dict | None:
    """What the progress page shows: rows done of total, the state, the rows skipped (in the
    reader's language), and whether to look again. One query."""
    job = MemberImport.objects.filter(pk=import_id).select_related("created_by").first()
    if job is None:
        return None
    skipped = [_("第 %(line)s 行：邮箱“%(email)s”在检查之后已被另一个账号使用，未导入")
               % {"line": item["line"], "email": item["email"]} for item in job.skipped]
    return {
        "job": job,
        "percent": 100 if job.total == 0 else job.done * 100 // job.total,
        "skipped": skipped,
        "remaining": job.total - job.done,
        "refresh": not job.finished,
    }
