"""Reads for the public side: only published issues ever leave through here."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from editorial.models import Article, ArticleContributor, ArticleState, Issue, IssueStatus


def issue_list_published() -> QuerySet[Issue]:
    return (
        Issue.objects.filter(status=IssueStatus.PUBLISHED)
        .select_related("publication", "cover_image")
        .order_by("-cover_date", "-number")
    )


def issue_get_published(*, publication_slug: str, number: int) -> Issue | None:
    return issue_list_published().filter(publication__slug=publication_slug, number=number).first()


def issue_articles_for_print(issue: Issue) -> list[Article]:
    """The issue's approved articles in print order (section order, then position)."""
    articles = (
        issue.articles.filter(state=ArticleState.APPROVED)
        .select_related("section", "lead_image")
        .prefetch_related(
            Prefetch(
                "credits",
                queryset=ArticleContributor.objects.select_related("contributor"),
            ),
            "tags",
        )
    )
    return sorted(articles, key=lambda a: (a.section.position, a.position, a.pk))


def issue_edition_dir(issue: Issue) -> Path:
    """Where the rendered PDF and HTML edition of ``issue`` live."""
    return Path(settings.EDITIONS_ROOT) / issue.publication.slug / str(issue.number)


def issue_pdf_path(issue: Issue) -> Path:
    return issue_edition_dir(issue) / "issue.pdf"
