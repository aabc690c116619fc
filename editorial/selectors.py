"""Reads of editorial content shared by the workspace, bundles and publishing."""

from __future__ import annotations

from collections.abc import Iterable

from editorial.models import Article, Issue, Section


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
