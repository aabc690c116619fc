"""What an issue prints: its articles as approved, in print order, and a fingerprint of it all."""

from __future__ import annotations

import hashlib
import json

from django.db.models import Prefetch, Q

from editorial.models import Article, ArticleContributor, ArticleState, Issue
from editorial.selectors import articles_in_issue_order
from editorial.snapshots import ArticleContent


def issue_articles_for_print(issue: Issue) -> list[Article]:
    """The issue's articles as approved, in print order.

    An article prints with the content of its approved revision, not whatever it holds now: an
    approved article edited while its issue is being published went back to draft, and what
    ships is still exactly what the reviewers approved. Articles never approved (and imported
    ones without revisions unless approved) do not print; withdrawn ones never do.
    """
    articles = (
        issue.articles.exclude(state=ArticleState.WITHDRAWN)
        .filter(Q(approved_revision__isnull=False) | Q(state=ArticleState.APPROVED))
        .select_related("section", "lead_image", "approved_revision__lead_image")
        .prefetch_related(
            Prefetch(
                "credits",
                queryset=ArticleContributor.objects.select_related("contributor"),
            ),
            "tags",
        )
    )
    return articles_in_issue_order(_as_approved(a) for a in articles)


def _as_approved(article: Article) -> Article:
    """Put the approved revision's content on the (never saved) article: its fields, and the
    whole snapshot, credits and tags included, as ``article.printed``."""
    revision = article.approved_revision
    if revision is None:
        return printed_content(article) and article
    content = ArticleContent.of_revision(revision, section=article.section, issue=article.issue)
    for field in ("title", "subtitle", "summary", "body", "source", "lead_image"):
        setattr(article, field, getattr(content, field))
    article.printed = content
    return article


def printed_content(article: Article) -> ArticleContent:
    """What prints for ``article``: set by ``issue_articles_for_print`` (the approved revision);
    an article previewed on its own prints what it holds now."""
    if "printed" not in vars(article):
        article.printed = ArticleContent.of_article(article)
    return article.printed


def issue_content_hash(issue: Issue) -> str:
    """Fingerprint of everything the issue prints. A proof made from the same fingerprint is
    byte-for-byte what publishing would render, so it can ship as is."""
    articles = issue_articles_for_print(issue)
    payload = {
        "issue": [issue.publication.name, issue.publication.page_size,
                  issue.publication.running_header, issue.publication.publisher, issue.number,
                  issue.title, str(issue.cover_date or ""), issue.editor_note,
                  issue.cover_image.sha256 if issue.cover_image else ""],
        # The masthead page and back cover print these; the layout decides the pages.
        "masthead": [issue.publication.masthead_lines(), issue.publication.masthead_note],
        "articles": [
            [a.pk, a.section.name, a.section.layout, a.section.new_page_per_article,
             a.position, a.title, a.subtitle, a.summary, a.body, a.source,
             [[c.name, c.note] for c in a.printed.credits],
             sorted(a.printed.tags),
             a.lead_image.sha256 if a.lead_image else ""]
            for a in articles
        ],
    }
    encoded = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(encoded).hexdigest()
