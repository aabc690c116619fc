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
from publishing import permissions
from publishing.models import AccessLevel, Download, Membership, SearchEntry


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


def issue_pdf_filename(issue: Issue) -> str:
    """``《大连数字贸易》第9期.pdf``: what a member sees in their downloads folder."""
    return f"《{issue.publication.name}》第{issue.number}期.pdf"


def issue_page_context(*, issue: Issue, user) -> dict:
    """Everything the issue page shows; the query count does not grow with the articles."""
    can_read = permissions.user_can_read_issue(user, issue)
    is_editor = permissions.user_is_editor(user)
    articles = issue_articles_for_print(issue)
    context = {
        "issue": issue,
        "articles": articles,
        # Part of the cache key of the contents fragment: any article change shows at once.
        "contents_version": max([issue.updated_at, *(a.updated_at for a in articles)]).timestamp(),
        "can_read": can_read,
        "expired_on": None if can_read else permissions.user_membership_expired_on(user),
        "has_pdf": issue_pdf_path(issue).is_file(),
        "access": permissions.issue_access(issue),
        "access_levels": AccessLevel.choices,
        "is_editor": is_editor,
    }
    if is_editor:
        context["downloads"] = issue_download_counts(issue)
    return context


def article_page_context(*, issue: Issue, slug: str, user) -> dict | None:
    articles = issue_articles_for_print(issue)
    index = next((i for i, a in enumerate(articles) if a.slug == slug), None)
    if index is None:
        return None
    can_read = permissions.user_can_read_issue(user, issue)
    return {
        "issue": issue,
        "article": articles[index],
        "previous": articles[index - 1] if index else None,
        "next": articles[index + 1] if index + 1 < len(articles) else None,
        "can_read": can_read,
        "expired_on": None if can_read else permissions.user_membership_expired_on(user),
    }


def article_search_for(*, user, query: str) -> list[SearchHit]:
    """Search only what this user may read: members-only issues stay out of anonymous results."""
    readable = [i.pk for i in issue_list_published().select_related("access")
                if permissions.user_can_read_issue(user, i)]
    return article_search(query=query, readable_issue_ids=readable)


def member_list_context() -> dict:
    memberships = Membership.objects.select_related("user").order_by("-created_at")
    return {"memberships": memberships[:200], "member_count": memberships.count()}
