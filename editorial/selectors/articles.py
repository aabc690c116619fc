"""Which articles a user may see, the article list (filters, sorts), and articles in an
issue's order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy

from editorial.models import Article, ArticleContributor, Issue, ReviewAssignment, Section
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
