"""What reviewers, authors and editors are told, twice: by e-mail through ``editorial.mail`` and
in the workspace under the bell (``Notification``). Each e-mail carries the Chinese text first
and the English text after it (``templates/editorial/email/``); the in-app copy is worded when
it is shown, in the reader's language. Callers run these after their transaction commits."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.urls import reverse

from editorial.mail import mail_send
from editorial.models import (
    Article,
    ArticleState,
    Issue,
    Notification,
    NotificationKind,
    ReviewAssignment,
    Transition,
)

DETAIL_MAX = 500


def _absolute(path: str) -> str:
    base = settings.SITE_URL.rstrip("/")
    return f"{base}{path}"


def notify_in_app(*, recipients: Iterable, kind: str, url: str, article: Article | None = None,
                  issue: Issue | None = None, actor=None, detail: str = "",
                  due_date: date | None = None) -> int:
    """One unread notification per distinct recipient (their own row: nobody reads another's).
    Returns how many were written."""
    seen: set[int] = set()
    rows = []
    for user in recipients:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(Notification(recipient=user, kind=kind, url=url, article=article, issue=issue,
                                 actor=actor, detail=detail[:DETAIL_MAX], due_date=due_date))
    Notification.objects.bulk_create(rows)
    return len(rows)


def notify_transition(transition: Transition) -> None:
    """Reviewers hear of a submission; the article's creator hears of a decision."""
    article = transition.article
    path = reverse("editorial:article_detail", args=[article.pk])
    context = {"article": article, "transition": transition, "url": _absolute(path)}
    if transition.to_state == ArticleState.IN_REVIEW:
        for assignment in article.assignments.filter(
            decision=ReviewAssignment.Decision.PENDING
        ).select_related("reviewer"):
            notify_in_app(recipients=[assignment.reviewer], kind=NotificationKind.REVIEW_REQUESTED,
                          url=path, article=article, actor=transition.by,
                          detail=transition.comment, due_date=assignment.due_date)
            mail_send("editorial/email/review_requested", context | {"assignment": assignment},
                      [assignment.reviewer.email])
    elif transition.to_state in {ArticleState.APPROVED, ArticleState.CHANGES_REQUESTED}:
        author = article.created_by
        if author is not None:
            kind = (NotificationKind.APPROVED if transition.to_state == ArticleState.APPROVED
                    else NotificationKind.CHANGES_REQUESTED)
            notify_in_app(recipients=[author], kind=kind, url=path, article=article,
                          actor=transition.by, detail=transition.comment)
            mail_send("editorial/email/decision", context, [author.email])


def notify_reminder(assignment: ReviewAssignment, *, today: date) -> None:
    path = reverse("editorial:article_detail", args=[assignment.article_id])
    context = {
        "article": assignment.article, "assignment": assignment, "url": _absolute(path),
        "overdue": assignment.due_date < today,
    }
    notify_in_app(recipients=[assignment.reviewer], kind=NotificationKind.REVIEW_REMINDER,
                  url=path, article=assignment.article, due_date=assignment.due_date)
    mail_send("editorial/email/review_reminder", context, [assignment.reviewer.email])


def notify_assignment(assignment: ReviewAssignment) -> None:
    """A reviewer added to an article already in review hears of it as at a submission."""
    article = assignment.article
    url = _absolute(reverse("editorial:article_detail", args=[article.pk]))
    asked = {"by": assignment.assigned_by, "comment": ""}
    mail_send("editorial/email/review_requested",
              {"article": article, "transition": asked, "url": url, "assignment": assignment},
              [assignment.reviewer.email])
