"""What an article's page shows: timeline, comments, reviews, revisions, who else is
editing, the autosave, the next steps and the review status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import rules
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from editorial import workflow
from editorial.models import (
    Article,
    ArticleState,
    AutosavedDraft,
    Comment,
    EditingPresence,
    ReviewAssignment,
    Revision,
    Transition,
)
from editorial.permissions import ACTION_PERMISSIONS


def article_timeline(article: Article) -> list[dict]:
    """Transitions and review decisions in time order, for the article page."""
    events: list[dict] = []
    for transition in Transition.objects.filter(article=article).select_related("by", "revision"):
        events.append({"at": transition.at, "kind": "transition", "item": transition})
    for assignment in ReviewAssignment.objects.filter(article=article).select_related(
        "reviewer", "assigned_by"
    ):
        if assignment.decided_at and assignment.decision == ReviewAssignment.Decision.APPROVED:
            events.append({"at": assignment.decided_at, "kind": "review", "item": assignment})
    return sorted(events, key=lambda e: e["at"])


def article_comments(article: Article) -> list[Comment]:
    """Top-level comments with their replies prefetched, oldest first."""
    return list(
        Comment.objects.filter(article=article, parent__isnull=True)
        .select_related("author", "resolved_by")
        .prefetch_related("replies__author")
    )


def unresolved_comments(article: Article) -> list[Comment]:
    """Open discussion threads, for the question before an approval."""
    return list(Comment.objects.filter(article=article, parent__isnull=True, resolved=False)
                .select_related("author"))


def pending_review_for(*, article: Article, user) -> ReviewAssignment | None:
    """The user's own review of the article still waiting for a decision, if any."""
    if not user.is_authenticated:
        return None
    return article.assignments.filter(reviewer=user,
                                      decision=ReviewAssignment.Decision.PENDING).first()


def article_revisions(article: Article) -> QuerySet[Revision]:
    return article.revisions.select_related("created_by").order_by("-number")


def others_editing(*, article: Article, user) -> list:
    """Users other than ``user`` whose editor for this article pinged recently."""
    since = timezone.now() - timedelta(seconds=settings.BULLETIN_PRESENCE_SECONDS)
    return [
        p.user for p in EditingPresence.objects.filter(article=article, seen_at__gte=since)
        .exclude(user=user).select_related("user")
    ]


def autosave_for(*, article: Article, user) -> AutosavedDraft | None:
    """The user's unsaved work on the article, if newer than the last save."""
    return AutosavedDraft.objects.filter(article=article, user=user).first()


# The order in which the status panel offers the next steps ("revise" and "edit_approved"
# happen by editing, so "edit" stands for them).
NEXT_ACTION_ORDER = ("edit", "submit", "approve", "request_changes", "withdraw", "reopen")


def next_actions(*, article: Article, user) -> list[str]:
    """The workflow actions THIS user may take on the article now: the state allows them
    (``workflow.allowed_actions``) and the user holds the action's permission as the
    services check it (``rules.has_perm``, so a superuser is not offered an approval that
    ``require`` would refuse)."""
    if not user.is_authenticated:
        return []
    allowed = workflow.allowed_actions(article)
    return [action for action in NEXT_ACTION_ORDER
            if action in allowed and rules.has_perm(ACTION_PERMISSIONS[action], user, article)]


@dataclass(frozen=True)
class ReviewStatus:
    """What the article page's status panel shows."""

    assignments: list[ReviewAssignment]
    due_date: object  # datetime.date | None: the earliest due date still pending
    overdue: bool
    unresolved: int
    actions: list[str]


def review_status(*, article: Article, user, today=None) -> ReviewStatus:
    """The current round's reviewers and verdicts (cancelled ones left out), the due date
    still running, open comment threads and the next actions allowed for ``user``."""
    today = today or timezone.localdate()
    assignments = list(
        article.assignments.exclude(decision=ReviewAssignment.Decision.CANCELLED)
        .select_related("reviewer").order_by("-assigned_at", "pk")
    )
    # Only the latest round: a reviewer asked twice is shown with the newest verdict.
    latest: dict[int, ReviewAssignment] = {}
    for assignment in assignments:
        latest.setdefault(assignment.reviewer_id, assignment)
    current = sorted(latest.values(), key=lambda a: (a.due_date, a.pk))
    pending = [a.due_date for a in current if a.decision == ReviewAssignment.Decision.PENDING]
    due = min(pending) if pending and article.state == ArticleState.IN_REVIEW else None
    unresolved = Comment.objects.filter(article=article, parent__isnull=True,
                                        resolved=False).count()
    return ReviewStatus(assignments=current, due_date=due, overdue=bool(due and due < today),
                        unresolved=unresolved, actions=next_actions(article=article, user=user))
