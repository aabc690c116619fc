"""The dashboard's panels and the recent activity."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, QuerySet, Window
from django.utils import timezone

from editorial.models import (
    Article,
    ArticleState,
    Comment,
    Issue,
    IssueStatus,
    Publication,
    ReviewAssignment,
    Transition,
)
from editorial.permissions import is_editor
from editorial.selectors.articles import article_visible_to

DASHBOARD_LIST = 10  # items per panel; each panel says how many more there are


@dataclass
class Panel:
    """One list on the dashboard: its first items and how many there are in all."""

    items: list
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)

    def __bool__(self) -> bool:
        return self.total > 0

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def _panel(queryset: QuerySet, limit: int = DASHBOARD_LIST) -> Panel:
    """The first ``limit`` rows and the total, in one query (a window count over the rows)."""
    rows = list(queryset.annotate(_total=Window(Count("pk")))[:limit])
    return Panel(rows, rows[0]._total if rows else 0)


@dataclass
class Activity:
    at: object
    kind: str  # "transition" or "comment"
    item: object


@dataclass
class Dashboard:
    my_drafts: Panel
    to_review: Panel
    changes_requested: Panel
    overdue: Panel
    issues: list[Issue]
    next_issue: Issue | None
    activity: list[Activity]
    today: object = None
    publications: list[Publication] = field(default_factory=list)  # editors: settings links


def dashboard_for(user) -> Dashboard:
    """What needs this user's attention, most urgent first (overdue reviews on top). A fixed
    number of queries whatever the size of the archive: every list is cut to a panel."""
    today = timezone.localdate()
    editor = is_editor(user)
    pending = ReviewAssignment.objects.filter(
        decision=ReviewAssignment.Decision.PENDING, article__state=ArticleState.IN_REVIEW,
    ).select_related("article", "article__section", "reviewer")
    to_review = _panel(pending.filter(reviewer=user).order_by("due_date", "pk"))
    overdue_reviews = pending.filter(due_date__lt=today)
    if not editor:
        overdue_reviews = overdue_reviews.filter(reviewer=user)
    mine = Article.objects.filter(created_by=user).select_related("section")
    my_drafts = _panel(mine.filter(state=ArticleState.DRAFT, archived_at__isnull=True)
                       .order_by("-updated_at", "-pk"))
    changes = _panel(mine.filter(state=ArticleState.CHANGES_REQUESTED)
                     .order_by("-updated_at", "-pk"))
    issues, publications, next_issue = [], [], None
    if editor:
        issues = list(
            Issue.objects.exclude(status=IssueStatus.PUBLISHED)
            .select_related("publication")
            # The planned release is publishing's (``publishing.Release``, reverse "release"),
            # read by name so that editorial imports nothing of publishing.
            .annotate(release_at=F("release__release_at"), article_count=Count("articles"))
            .order_by(F("copy_deadline").asc(nulls_last=True), "number")[:DASHBOARD_LIST]
        )
        for issue in issues:
            issue.days_left = (issue.copy_deadline - today).days if issue.copy_deadline else None
            issue.days_late = -issue.days_left if issue.days_left and issue.days_left < 0 else 0
        next_issue = issues[0] if issues else None  # the earliest copy deadline
        publications = list(Publication.objects.only("name", "slug"))
    return Dashboard(
        my_drafts=my_drafts, to_review=to_review, changes_requested=changes,
        overdue=_panel(overdue_reviews.order_by("due_date", "pk")), issues=issues,
        next_issue=next_issue, activity=recent_activity(user), today=today,
        publications=publications,
    )


def recent_activity(user, *, limit: int = DASHBOARD_LIST) -> list[Activity]:
    """The latest workflow steps and comments on articles this user may see, newest first
    (two queries, each cut to ``limit``)."""
    visible = article_visible_to(user).values("pk")
    transitions = (Transition.objects.filter(article__in=visible)
                   .select_related("article", "by").order_by("-at", "-pk")[:limit])
    comments = (Comment.objects.filter(article__in=visible)
                .select_related("article", "author").order_by("-created_at", "-pk")[:limit])
    events = [Activity(t.at, "transition", t) for t in transitions]
    events += [Activity(c.created_at, "comment", c) for c in comments]
    return sorted(events, key=lambda e: e.at, reverse=True)[:limit]
