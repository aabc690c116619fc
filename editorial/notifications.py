"""E-mail to reviewers and authors. Each message carries the Chinese text first and the
English text after it, so it reads right whatever language the recipient prefers."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from editorial.models import ArticleState, ReviewAssignment, Transition


def _absolute(path: str) -> str:
    base = settings.SITE_URL.rstrip("/")
    return f"{base}{path}"


def _render_both(template: str, context: dict) -> tuple[str, str]:
    """(subject, body) in Chinese then English; templates are plain text, never HTML."""
    parts = []
    subjects = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            text = render_to_string(f"editorial/email/{template}_{language}.txt", context)
        subject, _sep, body = text.strip().partition("\n")
        subjects.append(subject.strip())
        parts.append(body.strip())
    return " / ".join(subjects), "\n\n----------------------------------------\n\n".join(parts)


def _send(template: str, context: dict, recipients: list[str]) -> None:
    recipients = [r for r in recipients if r]
    if not recipients:
        return
    subject, body = _render_both(template, context)
    # Subjects must be one line; a title with a line break must not inject headers.
    subject = " ".join(subject.split())[:200]
    EmailMessage(subject=subject, body=body, to=recipients).send(fail_silently=False)


def notify_transition(transition: Transition) -> None:
    """Reviewers hear of a submission; the article's creator hears of a decision."""
    article = transition.article
    url = _absolute(reverse("editorial:article_detail", args=[article.pk]))
    context = {"article": article, "transition": transition, "url": url}
    if transition.to_state == ArticleState.IN_REVIEW:
        for assignment in article.assignments.filter(
            decision=ReviewAssignment.Decision.PENDING
        ).select_related("reviewer"):
            _send("review_requested", context | {"assignment": assignment},
                  [assignment.reviewer.email])
    elif transition.to_state in {ArticleState.APPROVED, ArticleState.CHANGES_REQUESTED}:
        author = article.created_by
        if author is not None:
            _send("decision", context, [author.email])


def notify_reminder(assignment: ReviewAssignment, *, today: date) -> None:
    url = _absolute(reverse("editorial:article_detail", args=[assignment.article_id]))
    context = {
        "article": assignment.article, "assignment": assignment, "url": url,
        "overdue": assignment.due_date < today,
    }
    _send("review_reminder", context, [assignment.reviewer.email])
