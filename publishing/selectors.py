"""Reads for the public side: only published issues ever leave through here."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils.html import escape

from editorial.models import Article, ArticleContributor, ArticleState, Issue, IssueStatus
from publishing.models import Download, SearchEntry


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


# --------------------------------------------------------------------------- members' library


@dataclass
class SearchHit:
    entry: SearchEntry
    title_html: str
    snippet_html: str


def issue_archive_by_year() -> list[tuple[int | None, list[Issue]]]:
    """Published issues, newest first, grouped by the year of their cover date."""
    groups: dict[int | None, list[Issue]] = {}
    for issue in issue_list_published():
        groups.setdefault(issue.cover_date.year if issue.cover_date else None, []).append(issue)
    return list(groups.items())


def issue_with_contents(*, publication_slug: str, number: int) -> Issue | None:
    """Any issue (published or not — the view checks), with what its page shows."""
    return (
        Issue.objects.select_related("publication", "cover_image", "access")
        .filter(publication__slug=publication_slug, number=number)
        .first()
    )


def _highlight(text: str, terms: list[str], *, width: int | None = None) -> str:
    """Escape ``text`` and wrap each term in <mark>; with ``width``, cut a window around the
    first hit so a result shows why it matched."""
    if width is not None and text:
        lowered = text.lower()
        hits = [lowered.find(t.lower()) for t in terms if lowered.find(t.lower()) >= 0]
        start = max(min(hits) - width // 3, 0) if hits else 0
        window = text[start:start + width]
        text = ("…" if start else "") + window + ("…" if start + width < len(text) else "")
    if not terms:
        return escape(text)
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)),
                         re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last:match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def search_terms(query: str) -> list[str]:
    return [t for t in re.split(r"\s+", query.strip()) if t][:8]


def article_search(*, query: str, readable_issue_ids: Iterable[int], limit: int = 50) -> list[SearchHit]:
    """Articles of the given issues containing every term (title, authors, tags or body).

    Substring matching works for one- and two-character Chinese words, which trigram
    similarity alone would miss; on PostgreSQL the trigram GIN indexes serve the LIKE scans.
    """
    terms = search_terms(query)
    if not terms:
        return []
    queryset = SearchEntry.objects.filter(issue_id__in=list(readable_issue_ids))
    for term in terms:
        queryset = queryset.filter(
            Q(title__icontains=term) | Q(authors__icontains=term) | Q(tags__icontains=term)
            | Q(body_text__icontains=term)
        )
    first = terms[0]
    queryset = queryset.annotate(
        in_title=Case(When(title__icontains=first, then=Value(1)), default=Value(0),
                      output_field=IntegerField()),
    ).select_related("issue__publication", "article").order_by(
        "-in_title", "-issue__cover_date", "-issue__number", "article__position"
    )
    return [
        SearchHit(entry, _highlight(entry.title, terms), _highlight(entry.body_text, terms, width=120))
        for entry in queryset[:limit]
    ]


def issue_download_counts(issue: Issue) -> dict[str, int]:
    downloads = Download.objects.filter(issue=issue)
    return {
        "total": downloads.count(),
        "members": downloads.exclude(user=None).values("user").distinct().count(),
    }
