"""Reads of editorial content shared by the workspace, bundles and publishing. Every query a
reviewer runs in the workspace is narrowed to what they were asked to review, so drafts never
reach someone who may not see them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

import rules
from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Window
from django.utils import timezone
from django.utils.translation import gettext_lazy

from editorial import workflow
from editorial.models import (
    Article,
    ArticleContributor,
    ArticleState,
    Asset,
    AutosavedDraft,
    Comment,
    EditingPresence,
    Issue,
    IssueStatus,
    Notification,
    Publication,
    ReviewAssignment,
    Revision,
    Section,
    Transition,
)
from editorial.permissions import ACTION_PERMISSIONS, is_editor


def article_visible_to(user) -> QuerySet[Article]:
    """Every article for editors; for reviewers only those they were assigned."""
    queryset = Article.objects.select_related("section", "issue", "issue__publication",
                                              "created_by", "updated_by")
    if not user.is_authenticated:
        return queryset.none()
    if is_editor(user):
        return queryset
    # A subquery, not a join: no duplicate rows, so no DISTINCT over every column (bodies too).
    return queryset.filter(
        pk__in=ReviewAssignment.objects.filter(reviewer=user).values("article_id"))


@dataclass(frozen=True)
class ArticleFilters:
    state: str = ""
    section: int | None = None
    issue: int | None = None
    tag: str = ""
    author: int | None = None
    q: str = ""
    archived: str = ""  # "": not archived (the default), "only": archived, "all": both
    sort: str = ""


def article_list(*, user, filters: ArticleFilters) -> QuerySet[Article]:
    """The article list of the workspace, filtered and searched, newest first."""
    queryset = article_visible_to(user)
    if filters.state:
        queryset = queryset.filter(state=filters.state)
    if filters.section:
        queryset = queryset.filter(section_id=filters.section)
    if filters.issue:
        queryset = queryset.filter(issue_id=filters.issue)
    # Tags and credits through subqueries: a join would repeat an article per match and need
    # a DISTINCT over every column, bodies included.
    if filters.tag:
        queryset = queryset.filter(
            pk__in=Article.objects.filter(tags__name=filters.tag).values("pk"))
    if filters.author:
        queryset = queryset.filter(pk__in=ArticleContributor.objects.filter(
            contributor_id=filters.author).values("article_id"))
    if filters.q:
        q = filters.q.strip()
        queryset = queryset.filter(
            Q(title__icontains=q) | Q(subtitle__icontains=q) | Q(summary__icontains=q)
            | Q(body__icontains=q)
            | Q(pk__in=ArticleContributor.objects.filter(contributor__name__icontains=q)
                .values("article_id"))
        )
    return queryset.order_by("-updated_at", "-pk")


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


# The article list's orders: key → (label, order_by). The first is the default.
ARTICLE_SORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "-updated": (gettext_lazy("最近更新"), ("-updated_at", "-pk")),
    "updated": (gettext_lazy("最早更新"), ("updated_at", "pk")),
    "-created": (gettext_lazy("最近创建"), ("-created_at", "-pk")),
    "title": (gettext_lazy("标题"), ("title", "pk")),
    "state": (gettext_lazy("状态"), ("state", "-updated_at", "-pk")),
}


def article_list_page(*, user, filters: ArticleFilters) -> QuerySet[Article]:
    """The list as shown: ``article_list`` without archived articles unless asked for, in the
    chosen order, with what each row shows in the same query."""
    queryset = article_list(user=user, filters=filters)
    if filters.archived == "only":
        queryset = queryset.filter(archived_at__isnull=False)
    elif filters.archived != "all":
        queryset = queryset.filter(archived_at__isnull=True)
    order = ARTICLE_SORTS.get(filters.sort, ARTICLE_SORTS["-updated"])[1]
    return queryset.select_related("section", "issue__publication").order_by(*order)


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


def asset_visible_in_workspace(user, asset) -> bool:
    """An image used by an article this user may see in the workspace (a reviewer's assigned
    draft, say), found by its lead-image link or its URL in the body."""
    if not getattr(user, "is_authenticated", False):
        return False
    return article_visible_to(user).filter(
        Q(lead_image=asset) | Q(body__contains=asset.file.url)
        | Q(revisions__body__contains=asset.file.url)
    ).exists()


def articles_in_issue_order(articles: Iterable[Article]) -> list[Article]:
    """Sections in the order of their first article, articles by position within each: the
    editor's arrangement of an issue (``Article.position``) decides both orders."""
    articles = list(articles)
    first: dict[int, int] = {}
    for article in articles:
        first[article.section_id] = min(first.get(article.section_id, article.position),
                                        article.position)
    return sorted(articles, key=lambda a: (first[a.section_id], a.section.position,
                                           a.position, a.pk))


def issue_sections_in_order(issue: Issue, articles: list[Article]) -> list[Section]:
    """The issue's sections in print order, then the publication's unused ones."""
    used: list[Section] = []
    for article in articles:
        if article.section not in used:
            used.append(article.section)
    rest = [s for s in issue.publication.sections.all() if s not in used]
    return used + rest


# --------------------------------------------------------------------------- notifications

NOTIFICATIONS_PAGE = 30


def notifications_for(user) -> QuerySet[Notification]:
    """The user's own notifications, newest first, with what they link to."""
    return (Notification.objects.filter(recipient_id=user.pk)
            .select_related("article", "issue", "issue__publication", "actor")
            .order_by("-created_at", "-pk"))


def notifications_unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


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


def media_library(*, q: str = "") -> QuerySet[Asset]:
    """Stored images, newest first, narrowed by words in the file name, alt text or caption."""
    queryset = Asset.objects.select_related("created_by").order_by("-created_at", "-pk")
    for word in q.split()[:8]:
        queryset = queryset.filter(Q(original_name__icontains=word) | Q(alt_text__icontains=word)
                                   | Q(caption__icontains=word))
    return queryset


@dataclass(frozen=True)
class AssetUsage:
    """Where an image is used: as lead image or in the body of articles, as issue covers."""

    lead_of: list[Article]
    in_body_of: list[Article]
    cover_of: list[Issue]

    @property
    def count(self) -> int:
        return len({a.pk for a in self.lead_of + self.in_body_of}) + len(self.cover_of)


def asset_usage(asset: Asset) -> AssetUsage:
    """Every article that shows the image now (its lead image, or an <img> of its URL in the
    body) and every issue with it as cover."""
    articles = Article.objects.select_related("section", "issue", "issue__publication")
    url = asset.file.url
    return AssetUsage(
        lead_of=list(articles.filter(lead_image=asset).order_by("title")),
        in_body_of=list(articles.filter(body__contains=f'src="{url}"').order_by("title")),
        cover_of=list(Issue.objects.filter(cover_image=asset).select_related("publication")
                      .order_by("-number")),
    )
