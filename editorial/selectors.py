"""Reads of editorial content shared by the workspace, bundles and publishing. Every query a
reviewer runs in the workspace is narrowed to what they were asked to review, so drafts never
reach someone who may not see them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from editorial.models import (
    Article,
    ArticleContributor,
    ArticleState,
    AutosavedDraft,
    Comment,
    EditingPresence,
    Issue,
    IssueStatus,
    Publication,
    ReviewAssignment,
    Revision,
    Section,
    Transition,
)
from editorial.permissions import is_editor


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
    my_drafts: list[Article]
    to_review: list[ReviewAssignment]
    changes_requested: list[Article]
    issues: list[Issue]
    publications: list[Publication] = field(default_factory=list)  # editors: settings links


def dashboard_for(user) -> Dashboard:
    """What needs this user's attention, most urgent first (overdue reviews on top)."""
    my_drafts = list(
        Article.objects.filter(created_by=user, state=ArticleState.DRAFT, archived_at__isnull=True)
        .select_related("section").order_by("-updated_at")[:20]
    )
    to_review = list(
        ReviewAssignment.objects.filter(
            reviewer=user, decision=ReviewAssignment.Decision.PENDING,
            article__state=ArticleState.IN_REVIEW,
        ).select_related("article", "article__section").order_by("due_date", "pk")
    )
    changes = list(
        Article.objects.filter(created_by=user, state=ArticleState.CHANGES_REQUESTED)
        .select_related("section").order_by("-updated_at")
    )
    issues, publications = [], []
    if is_editor(user):
        issues = list(
            Issue.objects.exclude(status=IssueStatus.PUBLISHED)
            .select_related("publication").order_by("copy_deadline", "number")
        )
        publications = list(Publication.objects.only("name", "slug"))
    return Dashboard(my_drafts, to_review, changes, issues, publications)


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
