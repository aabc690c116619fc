"""Releases: scheduling and publishing issues so that it cannot fail silently, and corrections.

- A publish run claims the release first (a single UPDATE ... WHERE unclaimed), so two workers
  or a re-run render once and publish once.
- Files are rendered into a staging folder, verified, then renamed into a new version folder
  that nothing points at yet; only then is the Edition recorded and the issue marked published,
  in one transaction. If that transaction fails the new folder is removed: no record ever
  points at a missing or partial file, and earlier editions are never touched.
- Every (re)schedule gets a new token; a publish task carrying an old token does nothing.
- A failure leaves the issue scheduled, records the error on the release and tells the editors.

The background tasks (django-tasks) are thin wrappers defined here, beside the services they
call and enqueue, so that services and tasks do not import each other.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from editorial.mail import mail_send
from editorial.models import Issue, IssueStatus
from editorial.permissions import EDITOR_GROUP, require
from editorial.services import issue_set_status, issue_touch
from publishing.library.services import (
    issue_announce,
    issue_cover_thumbnail,
    search_index_issue,
)
from publishing.models import (
    Edition,
    EventKind,
    Release,
)
from publishing.releases import selectors
from publishing.releases.editions import _event, _record_edition, _relative, _render_new_version
from publishing.rendering.selectors import issue_content_hash

logger = logging.getLogger(__name__)


@dataclass
class PublishOutcome:
    edition: Edition | None
    reason: str  # "published", "already-published", "stale", "claimed", "not-due"


def _worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _editor_emails() -> list[str]:
    users = get_user_model().objects.filter(
        Q(is_superuser=True) | Q(groups__name=EDITOR_GROUP), is_active=True
    ).exclude(email="").distinct()
    return sorted(users.values_list("email", flat=True))


# --------------------------------------------------------------------------- scheduling


@transaction.atomic
def issue_schedule(*, issue: Issue, release_at: datetime, actor) -> Release:
    """Set (or move) the release time; the publish task for the old time becomes stale."""
    require(actor, "publishing.manage_issues")
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    if issue.status == IssueStatus.PUBLISHED:
        raise ValidationError(_("本期已出版，不能再排期；如需更正请发布新版本。"))
    if release_at <= timezone.now():
        raise ValidationError(_("出版时间必须晚于当前时间。"))
    blocking = [item.label for item in selectors.issue_readiness(issue) if not item.ok]
    if blocking:
        raise ValidationError(_("尚未准备就绪：%(items)s") % {"items": "；".join(blocking)})
    local = timezone.localtime(release_at)
    release = _set_release(issue=issue, release_at=release_at, actor=actor, note=_(
        "计划于 %(time)s 出版") % {"time": local.strftime("%Y-%m-%d %H:%M")})
    token = str(release.token)
    transaction.on_commit(lambda: _enqueue_publish(issue.pk, token, release_at))
    return release


def _set_release(*, issue: Issue, release_at: datetime, actor, note: str) -> Release:
    """Give the (locked) issue a release time and a fresh token, mark it scheduled, log it.
    A new token makes any publish task queued for an earlier time stale."""
    release, _created = Release.objects.select_for_update().get_or_create(issue=issue)
    release.release_at = release_at
    release.token = uuid.uuid4()
    release.scheduled_by = actor
    release.last_error = ""
    release.last_error_at = None
    release.save()
    issue_set_status(issue=issue, status=IssueStatus.SCHEDULED)
    _event(issue, EventKind.SCHEDULED, actor, note)
    return release


def _enqueue_publish(issue_id: int, token: str, release_at: datetime) -> None:
    publish_issue_task.using(run_after=release_at).enqueue(issue_id, token)


@transaction.atomic
def issue_unschedule(*, issue: Issue, actor) -> Release:
    require(actor, "publishing.manage_issues")
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    release = Release.objects.select_for_update().filter(issue=issue).first()
    if release is None or issue.status != IssueStatus.SCHEDULED:
        raise ValidationError(_("本期没有排期。"))
    release.release_at = None
    release.token = None
    release.save()
    issue_set_status(issue=issue, status=IssueStatus.PLANNING)
    _event(issue, EventKind.UNSCHEDULED, actor)
    return release


# --------------------------------------------------------------------------- publishing


def _claim(issue: Issue, token: str | None, worker: str, *, force_due: bool) -> str | None:
    """Take the release for this worker. Returns None on success, else why not."""
    now = timezone.now()
    stale_before = now - timedelta(seconds=settings.BULLETIN_PUBLISH_CLAIM_TIMEOUT)
    with transaction.atomic():
        current = Issue.objects.select_for_update().get(pk=issue.pk)
        if current.status == IssueStatus.PUBLISHED:
            return "already-published"
        release = Release.objects.select_for_update().filter(issue=issue).first()
        if release is None or current.status != IssueStatus.SCHEDULED:
            return "stale"
        if token is not None and str(release.token) != token:
            return "stale"
        if not force_due and (release.release_at is None or release.release_at > now):
            return "not-due"
        claimed = Release.objects.filter(pk=release.pk).filter(
            Q(claimed_by="") | Q(claimed_at__lt=stale_before)
        ).update(claimed_by=worker, claimed_at=now)
        return None if claimed == 1 else "claimed"


def issue_publish(*, issue: Issue, token: str | None = None, actor=None,
                  force_due: bool = False) -> PublishOutcome:
    """Publish a scheduled issue once. Safe to call from several workers at the same time."""
    worker = _worker_id()
    refused = _claim(issue, token, worker, force_due=force_due)
    if refused is not None:
        return PublishOutcome(None, refused)
    target: Path | None = None
    try:
        content_hash = issue_content_hash(issue)
        version = (issue.editions.order_by("-version").values_list("version", flat=True)
                   .first() or 0) + 1
        target, pages, source = _render_new_version(issue, version, content_hash)
        with transaction.atomic():
            edition = _record_edition(issue=issue, version=version, target=target, pages=pages,
                                      content_hash=content_hash, actor=actor)
            issue_set_status(issue=issue, status=IssueStatus.PUBLISHED)
            Release.objects.filter(issue=issue).update(claimed_by="", claimed_at=None,
                                                       last_error="", last_error_at=None)
            _event(issue, EventKind.PUBLISHED, actor, _("第 %(v)s 版，%(pages)s 页（%(source)s）") % {
                "v": version, "pages": pages,
                "source": _("沿用已审校样") if source == "proof" else _("重新排版")})
            issue_id = issue.pk
            transaction.on_commit(lambda: _after_publish(issue_id))
        return PublishOutcome(edition, "published")
    except Exception as exc:
        if target is not None and not Edition.objects.filter(
            issue=issue, directory=_relative(target)
        ).exists():
            shutil.rmtree(target, ignore_errors=True)
        _record_failure(issue, worker, exc)
        raise


def issue_publish_now(*, issue: Issue, actor=None) -> PublishOutcome:
    """Publish an issue at once through the same path as a scheduled release (back issues,
    the demo, `manage.py publish_issue`). Command-line and admin use only: no permission check.
    An issue already published is left as it is."""
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        if issue.status == IssueStatus.PUBLISHED:
            return PublishOutcome(None, "already-published")
        release = _set_release(issue=issue, release_at=timezone.now(), actor=actor,
                               note=_("立即出版"))
    return issue_publish(issue=issue, token=str(release.token), actor=actor)


def _record_failure(issue: Issue, worker: str, exc: Exception) -> None:
    message = str(exc) or exc.__class__.__name__
    logger.error("publishing %s failed: %s", issue, message)
    with transaction.atomic():
        Release.objects.filter(issue=issue).update(
            claimed_by="", claimed_at=None, last_error=message, last_error_at=timezone.now()
        )
        _event(issue, EventKind.FAILED, None, message)
        issue_id = issue.pk
        transaction.on_commit(lambda: _enqueue_failure_mail(issue_id, message))


def _after_publish(issue_id: int) -> None:
    after_publish_task.enqueue(issue_id)


def _enqueue_failure_mail(issue_id: int, message: str) -> None:
    publish_failed_mail_task.enqueue(issue_id, message)


def issue_after_publish(*, issue: Issue) -> None:
    """Side effects of publishing: the search index, the cover thumbnail (a static file from
    now on) and the members' announcement (once)."""
    search_index_issue(issue=issue)
    issue_cover_thumbnail(issue=issue)
    sent = issue_announce(issue=issue)
    if sent:
        _event(issue, EventKind.ANNOUNCED, None, _("已通知 %(n)s 位会员") % {"n": sent})


def issue_publish_failed_mail(*, issue: Issue, message: str) -> int:
    context = {"issue": issue, "message": message,
               "link": settings.SITE_URL.rstrip("/") + selectors.board_url(issue)}
    return mail_send("publishing/email/publish_failed", context, _editor_emails())


def issue_publish_due(*, now: datetime | None = None) -> list[tuple[Issue, PublishOutcome | str]]:
    """Publish every scheduled issue whose time has come (cron's ``publish_due``)."""
    now = now or timezone.now()
    due = Issue.objects.filter(status=IssueStatus.SCHEDULED, release__release_at__lte=now)
    results: list[tuple[Issue, PublishOutcome | str]] = []
    for issue in due.select_related("publication"):
        try:
            results.append((issue, issue_publish(issue=issue)))
        except Exception as exc:
            results.append((issue, str(exc)))
    return results


def edition_correct(*, issue: Issue, erratum: str, actor) -> Edition:
    """A correction: render the issue again as a new version with a dated erratum note.
    The earlier edition stays downloadable, marked superseded."""
    require(actor, "publishing.manage_issues")
    if not erratum.strip():
        raise ValidationError(_("请填写勘误说明。"))
    current = issue.editions.filter(superseded_at__isnull=True).first()
    if current is None:
        raise ValidationError(_("本期尚未出版，无需发布更正版。"))
    content_hash = issue_content_hash(issue)
    target, pages, _source = _render_new_version(issue, current.version + 1, content_hash)
    try:
        with transaction.atomic():
            locked = Edition.objects.select_for_update().get(pk=current.pk)
            if locked.superseded_at is not None:
                raise ValidationError(_("另一位编辑刚刚发布了更正版，请刷新后再试。"))
            now = timezone.now()
            Edition.objects.filter(pk=current.pk).update(superseded_at=now)
            edition = _record_edition(
                issue=issue, version=current.version + 1, target=target, pages=pages,
                content_hash=content_hash, actor=actor, published_at=now,
                erratum=f"{timezone.localdate():%Y-%m-%d}：{erratum.strip()}",
            )
            issue_touch(issue_id=issue.pk)
            _event(issue, EventKind.EDITION, actor,
                   _("第 %(v)s 版：%(e)s") % {"v": edition.version, "e": erratum.strip()})
            issue_id = issue.pk
            transaction.on_commit(lambda: _index_after_correction(issue_id))
    except Exception:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return edition


def _index_after_correction(issue_id: int) -> None:
    issue = Issue.objects.get(pk=issue_id)
    search_index_issue(issue=issue)
    issue_cover_thumbnail(issue=issue)


# --------------------------------------------------------------------------- tasks


@task()
def publish_issue_task(issue_id: int, token: str) -> str:
    issue = Issue.objects.filter(pk=issue_id).first()
    if issue is None:
        return "gone"
    return issue_publish(issue=issue, token=token).reason


@task()
def after_publish_task(issue_id: int) -> None:
    issue_after_publish(issue=Issue.objects.get(pk=issue_id))


@task()
def publish_failed_mail_task(issue_id: int, message: str) -> int:
    return issue_publish_failed_mail(issue=Issue.objects.get(pk=issue_id), message=message)
