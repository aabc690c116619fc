"""Releases: scheduling and publishing issues so that it cannot fail silently, and corrections.

- Every change to an issue's editions (publish, publish now, correction) takes the issue's one
  edition claim first (``claims``), so two workers, a re-run or a double click render once;
  the second is told what is running (``EditionBusy``). A dead holder's claim is taken over.
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
import uuid
from dataclasses import dataclass
from datetime import datetime
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
from editorial.models import Issue, IssueStatus, Notification, NotificationKind
from editorial.notifications import notify_in_app
from editorial.permissions import EDITOR_GROUP, require
from editorial.services import issue_set_status, issue_touch
from publishing.library.services import (
    issue_announce,
    issue_cover_thumbnail,
    search_index_issue,
)
from publishing.models import (
    ClaimAction,
    Edition,
    EditionClaim,
    EventKind,
    Release,
)
from publishing.releases import claims, selectors
from publishing.releases.editions import PublishError, _event, _record_edition, _render_new_version
from publishing.rendering.selectors import issue_content_hash

logger = logging.getLogger(__name__)


@dataclass
class PublishOutcome:
    edition: Edition | None
    reason: str  # "published", "already-published", "stale", "claimed", "not-due"


def _editors():
    return get_user_model().objects.filter(
        Q(is_superuser=True) | Q(groups__name=EDITOR_GROUP), is_active=True
    ).distinct()


def _editor_emails() -> list[str]:
    return sorted(_editors().exclude(email="").values_list("email", flat=True))


# --------------------------------------------------------------------------- scheduling


class StaleProof(ValidationError):
    """The issue's last proof no longer shows its content: the page asks the editor to confirm
    (``stale_proof_ok``) before a release renders something nobody has looked at."""


@transaction.atomic
def issue_schedule(*, issue: Issue, release_at: datetime, actor,
                   stale_proof_ok: bool = False) -> Release:
    """Set (or move) the release time; the publish task for the old time becomes stale."""
    require(actor, "publishing.manage_issues")
    if release_at <= timezone.now():
        raise ValidationError(_("出版时间必须晚于当前时间。"))
    local = timezone.localtime(release_at)
    return _schedule(issue=issue, release_at=release_at, actor=actor,
                     stale_proof_ok=stale_proof_ok,
                     note=_("计划于 %(time)s 出版") % {"time": local.strftime("%Y-%m-%d %H:%M")})


@transaction.atomic
def issue_release_now(*, issue: Issue, actor, stale_proof_ok: bool = False) -> Release:
    """"Publish now" on the board: the same checks and the same queued publish task as a
    scheduled release, due at once, so the worker publishes it and a failure is recorded and
    mailed exactly as for a scheduled one (no render inside the web request)."""
    require(actor, "publishing.manage_issues")
    return _schedule(issue=issue, release_at=timezone.now(), actor=actor,
                     stale_proof_ok=stale_proof_ok, note=_("立即出版"))


def _schedule(*, issue: Issue, release_at: datetime, actor, stale_proof_ok: bool,
              note: str) -> Release:
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    if issue.status == IssueStatus.PUBLISHED:
        raise ValidationError(_("本期已出版，不能再排期；如需更正请发布新版本。"))
    blocking = [item.label for item in selectors.issue_readiness(issue) if not item.ok]
    if blocking:
        raise ValidationError(_("尚未准备就绪：%(items)s") % {"items": "；".join(blocking)})
    if not stale_proof_ok and selectors.issue_proof_is_stale(issue):
        raise StaleProof(_("上次生成校样后内容已有变动，出版时将按当前内容重新排版，"
                           "排出的版面尚未有人看过。"), code="stale_proof")
    claims.reset_dead_claim(issue=issue)  # a live publish run: EditionBusy
    release = _set_release(issue=issue, release_at=release_at, actor=actor, note=note)
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
    claims.reset_dead_claim(issue=issue)  # a live publish run: EditionBusy
    release.release_at = None
    release.token = None
    release.save()
    issue_set_status(issue=issue, status=IssueStatus.PLANNING)
    _event(issue, EventKind.UNSCHEDULED, actor)
    return release


# --------------------------------------------------------------------------- publishing


def _claim(issue: Issue, token: str | None, actor, *,
           force_due: bool) -> tuple[EditionClaim | None, str | None]:
    """Take the issue's edition claim for a scheduled publish. Returns (claim, None) on
    success, else (None, why not)."""
    now = timezone.now()
    with transaction.atomic():
        current = Issue.objects.select_for_update().get(pk=issue.pk)
        if current.status == IssueStatus.PUBLISHED:
            return None, "already-published"
        release = Release.objects.select_for_update().filter(issue=issue).first()
        if release is None or current.status != IssueStatus.SCHEDULED:
            return None, "stale"
        if token is not None and str(release.token) != token:
            return None, "stale"
        if not force_due and (release.release_at is None or release.release_at > now):
            return None, "not-due"
        try:
            return claims.take_claim(issue=current, action=ClaimAction.PUBLISH, actor=actor), None
        except claims.EditionBusy:
            return None, "claimed"


def issue_publish(*, issue: Issue, token: str | None = None, actor=None,
                  force_due: bool = False) -> PublishOutcome:
    """Publish a scheduled issue once. Safe to call from several workers at the same time:
    the one holding the issue's edition claim renders, the others return "claimed"."""
    claim, refused = _claim(issue, token, actor, force_due=force_due)
    if refused is not None:
        return PublishOutcome(None, refused)
    with claims.held(claim):
        return _publish_claimed(issue, claim, actor)


def _publish_claimed(issue: Issue, claim: EditionClaim, actor) -> PublishOutcome:
    target: Path | None = None
    try:
        content_hash = issue_content_hash(issue)
        version = _next_version(issue)
        target, pages, source = _render_new_version(issue, version, content_hash)
        with transaction.atomic():
            if not claims.claim_still_held(claim):
                raise PublishError(_("出版被另一进程接管，本次结果未采用。"))
            edition = _record_edition(issue=issue, version=version, target=target, pages=pages,
                                      content_hash=content_hash, actor=actor)
            issue_set_status(issue=issue, status=IssueStatus.PUBLISHED)
            Release.objects.filter(issue=issue).update(last_error="", last_error_at=None)
            _event(issue, EventKind.PUBLISHED, actor, _("第 %(v)s 版，%(pages)s 页（%(source)s）") % {
                "v": version, "pages": pages,
                "source": _("沿用已审校样") if source == "proof" else _("重新排版")})
            issue_id = issue.pk
            transaction.on_commit(lambda: _after_publish(issue_id))
        return PublishOutcome(edition, "published")
    except Exception as exc:
        if target is not None:
            claims.remove_unrecorded(issue, target)
        _record_failure(issue, exc)
        raise


def _next_version(issue: Issue) -> int:
    return (issue.editions.order_by("-version").values_list("version", flat=True)
            .first() or 0) + 1


def issue_publish_now(*, issue: Issue, actor=None) -> PublishOutcome:
    """Publish an issue at once through the same path as a scheduled release (back issues,
    the demo, `manage.py publish_issue`). Command-line and admin use only: no permission check.
    An issue already published is left as it is; while another publish or correction of it
    runs, ``EditionBusy`` says which, and the running one is left alone (its release time and
    token are not touched)."""
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        if issue.status == IssueStatus.PUBLISHED:
            return PublishOutcome(None, "already-published")
        claim = claims.take_claim(issue=issue, action=ClaimAction.PUBLISH, actor=actor)
        _set_release(issue=issue, release_at=timezone.now(), actor=actor, note=_("立即出版"))
    with claims.held(claim):
        return _publish_claimed(issue, claim, actor)


def _record_failure(issue: Issue, exc: Exception) -> None:
    message = str(exc) or exc.__class__.__name__
    logger.error("publishing %s failed: %s", issue, message)
    with transaction.atomic():
        Release.objects.filter(issue=issue).update(
            last_error=message, last_error_at=timezone.now()
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
    if not Notification.objects.filter(kind=NotificationKind.PUBLISHED, issue=issue).exists():
        notify_in_app(recipients=_editors(), kind=NotificationKind.PUBLISHED, issue=issue,
                      url=issue.get_absolute_url(),
                      detail=_("已通知 %(n)s 位会员") % {"n": sent} if sent else "")


def issue_publish_failed_mail(*, issue: Issue, message: str) -> int:
    context = {"issue": issue, "message": message,
               "link": settings.SITE_URL.rstrip("/") + selectors.board_url(issue)}
    notify_in_app(recipients=_editors(), kind=NotificationKind.PUBLISH_FAILED, issue=issue,
                  url=selectors.board_url(issue), detail=message)
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
    The earlier edition stays downloadable, marked superseded. Holds the issue's edition
    claim: a second click, or a correction while a publish runs, gets ``EditionBusy``."""
    require(actor, "publishing.manage_issues")
    if not erratum.strip():
        raise ValidationError(_("请填写勘误说明。"))
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        if not issue.editions.filter(superseded_at__isnull=True).exists():
            raise ValidationError(_("本期尚未出版，无需发布更正版。"))
        claim = claims.take_claim(issue=issue, action=ClaimAction.CORRECT, actor=actor)
    with claims.held(claim):
        return _correct_claimed(issue, claim, erratum.strip(), actor)


def _correct_claimed(issue: Issue, claim: EditionClaim, erratum: str, actor) -> Edition:
    current = issue.editions.get(superseded_at__isnull=True)
    version = _next_version(issue)
    content_hash = issue_content_hash(issue)
    target, pages, _source = _render_new_version(issue, version, content_hash)
    try:
        with transaction.atomic():
            if not claims.claim_still_held(claim):
                raise PublishError(_("更正被另一进程接管，本次结果未采用。"))
            locked = Edition.objects.select_for_update().get(pk=current.pk)
            if locked.superseded_at is not None:
                raise ValidationError(_("另一位编辑刚刚发布了更正版，请刷新后再试。"))
            now = timezone.now()
            Edition.objects.filter(pk=current.pk).update(superseded_at=now)
            edition = _record_edition(
                issue=issue, version=version, target=target, pages=pages,
                content_hash=content_hash, actor=actor, published_at=now,
                erratum=f"{timezone.localdate():%Y-%m-%d}：{erratum}",
            )
            issue_touch(issue_id=issue.pk)
            _event(issue, EventKind.EDITION, actor,
                   _("第 %(v)s 版：%(e)s") % {"v": edition.version, "e": erratum})
            issue_id = issue.pk
            transaction.on_commit(lambda: _index_after_correction(issue_id))
    except Exception:
        claims.remove_unrecorded(issue, target)
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
