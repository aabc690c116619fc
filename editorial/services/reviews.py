"""Reviewers' decisions (approve, request changes) and their reminders."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from editorial.models import (
    Article,
    ArticleState,
    Comment,
    ReviewAssignment,
)
from editorial.permissions import PermissionRefused
from editorial.services.comments import unresolved_comment_count
from editorial.services.workflow import _locked, _move, _refuse, _require_now


class UnresolvedComments(PermissionRefused):
    """Approving would leave open discussion threads behind; the reviewer must say so
    explicitly (``confirm_unresolved=True``). The page asks the question."""

    def __init__(self, *, count: int) -> None:
        self.count = count
        super().__init__(_("这篇文章还有 %(n)d 条未解决的审稿意见。确认仍然通过吗？") % {"n": count})


def _pending_assignment(article: Article, user) -> ReviewAssignment:
    return ReviewAssignment.objects.select_for_update().get(
        article=article, reviewer=user, decision=ReviewAssignment.Decision.PENDING
    )


@transaction.atomic
def article_approve(*, user, article_id: int, comment: str = "",
                    confirm_unresolved: bool = False) -> Article:
    """Record the reviewer's approval; when every named reviewer approved, the article is
    approved and the revision they read is the one that will be published.

    With unresolved comment threads the approval is refused (``UnresolvedComments``) unless
    the reviewer confirmed it: an approval must not silently pass over open questions."""
    article = _locked(article_id)
    _require_now(user, "editorial.decide_article", article, "approve",
                 _("你不能审批这篇文章：只有被指派的审稿人可以，且不能审批自己的文章。"))
    unresolved = unresolved_comment_count(article)
    if unresolved and not confirm_unresolved:
        raise UnresolvedComments(count=unresolved)
    assignment = _pending_assignment(article, user)
    assignment.decision = ReviewAssignment.Decision.APPROVED
    assignment.decided_at = timezone.now()
    assignment.save(update_fields=["decision", "decided_at"])
    if comment.strip():
        # An approval's note answers nothing and asks nothing: it is born resolved, so it
        # never holds up the next reviewer's approval.
        Comment.objects.create(article=article, author=user, body=comment.strip(),
                               resolved=True, resolved_by=user, resolved_at=timezone.now())
    still_pending = ReviewAssignment.objects.filter(
        article=article, decision=ReviewAssignment.Decision.PENDING
    ).exists()
    if not still_pending:
        revision = article.revisions.get(number=article.version)
        article.approved_revision = revision
        Article.objects.filter(pk=article.pk).update(approved_revision=revision)
        _move(article=article, action="approve", user=user, comment=comment.strip(),
              revision=revision)
    return article


@transaction.atomic
def article_request_changes(*, user, article_id: int, comment: str) -> Article:
    """Send the article back to its editor with a required explanation."""
    article = _locked(article_id)
    _require_now(user, "editorial.decide_article", article, "request_changes",
                 _("你不能对这篇文章提出修改意见：只有被指派的审稿人可以。"))
    if not comment.strip():
        _refuse(_("要求修改时必须写明意见。"))
    assignment = _pending_assignment(article, user)
    assignment.decision = ReviewAssignment.Decision.CHANGES_REQUESTED
    assignment.decided_at = timezone.now()
    assignment.save(update_fields=["decision", "decided_at"])
    ReviewAssignment.objects.filter(
        article=article, decision=ReviewAssignment.Decision.PENDING
    ).update(decision=ReviewAssignment.Decision.CANCELLED, decided_at=timezone.now())
    Comment.objects.create(article=article, author=user, body=comment.strip())
    revision = article.revisions.filter(number=article.version).first()
    _move(article=article, action="request_changes", user=user, comment=comment.strip(),
          revision=revision)
    return article


def send_review_reminders(*, today: date | None = None) -> int:
    """Remind each reviewer of a pending review due soon or overdue, at most once a day.
    Returns the number of reminders sent."""
    from editorial import notifications

    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.BULLETIN_REVIEW_REMINDER_DAYS)
    due = (
        ReviewAssignment.objects.filter(
            decision=ReviewAssignment.Decision.PENDING,
            article__state=ArticleState.IN_REVIEW,
            due_date__lte=horizon,
        )
        .exclude(reminded_on=today)
        .select_related("article", "reviewer")
    )
    sent = 0
    for assignment in due:
        with transaction.atomic():
            locked = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
            if locked.reminded_on == today:
                continue
            locked.reminded_on = today
            locked.save(update_fields=["reminded_on"])
            notifications.notify_reminder(assignment, today=today)
        sent += 1
    return sent
