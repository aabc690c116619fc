"""E-mail to reviewers and authors, through ``editorial.mail``. Each message carries the
Chinese text first and the English text after it, so it reads right whatever language the
recipient prefers (``templates/editorial/email/``)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.urls import reverse

from editorial.mail import mail_send
from editorial.models import ArticleState, ReviewAssignment, Transition


def _absolute(path: str) -> str:
    base = settings.SITE_URL.rstrip("/")
    return f"{base}{path}"


def notify_transition(transition: Transition) -> None:
    """Reviewers hear of a submission; the article's creator hears of a decision."""
    article = transition.article
    url = _absolute(reverse("editorial:article_detail", args=[article.pk]))
    context = {"article": article, "transition": transition, "url": url}
    if transition.to_state == ArticleState.IN_REVIEW:
        for assignment in article.assignments.filter(
            decision=ReviewAssignment.Decision.PENDING
        ).select_related("reviewer"):
            mail_send("editorial/email/review_requested", context | {"assignment": assignment},
                      [assignment.reviewer.email])
    elif transition.to_state in {ArticleState.APPROVED, ArticleState.CHANGES_REQUESTED}:
        author = article.created_by
        if author is not None:
            mail_send("editorial/email/decision", context, [author.email])


def notify_reminder(assignment: ReviewAssignment, *, today: date) -> None:
    url = _absolute(reverse("editorial:article_detail", args=[assignment.article_id]))
    context = {
        "article": assignment.article, "assignment": assignment, "url": url,
        "overdue": assignment.due_date < today,
    }
    mail_send("editorial/email/review_reminder", context, [assignment.reviewer.email])


def notify_assignment(assignment: ReviewAssignment) -> None:
    """A reviewer added to an article already in review hears of it as at a submission."""
    article = assignment.article
    url = _absolute(reverse("editorial:article_detail", args=[article.pk]))
    asked = {"by": assignment.assigned_by, "comment": ""}
    mail_send("editorial/email/review_requested",
              {"article": article, "transition": asked, "url": url, "assignment": assignment},
              [assignment.reviewer.email])
