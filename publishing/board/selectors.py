"""Reads of the issue planning board."""

from __future__ import annotations

from editorial.models import (
    Article,
    ArticleState,
    Issue,
    IssueStatus,
)
from publishing.library.selectors import issue_download_counts
from publishing.models import (
    Release,
)
from publishing.proofs.selectors import proof_pages
from publishing.releases.selectors import issue_readiness
from publishing.rendering.selectors import issue_articles_for_print, issue_content_hash


def board_list_context() -> dict:
    issues = Issue.objects.select_related("publication", "release").order_by(
        "publication__name", "-number")
    in_production = [i for i in issues if i.status != IssueStatus.PUBLISHED]
    published = [i for i in issues if i.status == IssueStatus.PUBLISHED][:20]
    return {"in_production": in_production, "published": published}


def board_issue_context(*, issue: Issue) -> dict:
    articles = issue_articles_for_print(issue)
    sections: list[tuple[object, list[Article]]] = []
    for article in articles:
        if not sections or sections[-1][0] != article.section:
            sections.append((article.section, []))
        sections[-1][1].append(article)
    used = {s.pk for s, _a in sections}
    empty_sections = [s for s in issue.publication.sections.all() if s.pk not in used]
    available = (
        Article.objects.filter(issue__isnull=True, state=ArticleState.APPROVED,
                               section__publication=issue.publication)
        .select_related("section").order_by("section__position", "title")
    )
    release = Release.objects.filter(issue=issue).first()
    proof = issue.proofs.order_by("-created_at").first()
    content_hash = issue_content_hash(issue)
    return {
        "issue": issue,
        "sections": sections,
        "empty_sections": empty_sections,
        "available": available,
        "readiness": issue_readiness(issue),
        "release": release,
        "proof": proof,
        "proof_pages": proof_pages(proof),
        "proof_is_current": bool(proof and proof.content_hash == content_hash),
        "content_hash": content_hash,
        "editions": list(issue.editions.order_by("-version")),
        "events": list(issue.events.select_related("actor")[:50]),
        "downloads": issue_download_counts(issue),
    }


def layout_with_move(*, issue: Issue, article_id: int, direction: str) -> list | None:
    """The issue's layout with one article moved up or down; at a section's edge it crosses
    into the neighbouring section, so a keyboard can do everything a mouse drag can."""
    articles = issue_articles_for_print(issue)
    layout: list[tuple[int, list[int]]] = []
    for article in articles:
        if not layout or layout[-1][0] != article.section_id:
            layout.append((article.section_id, []))
        layout[-1][1].append(article.pk)
    for s_index, (_section_id, pks) in enumerate(layout):
        if article_id not in pks:
            continue
        i = pks.index(article_id)
        if direction == "up":
            if i > 0:
                pks[i - 1], pks[i] = pks[i], pks[i - 1]
            elif s_index > 0:
                pks.pop(i)
                layout[s_index - 1][1].append(article_id)
        elif direction == "down":
            if i < len(pks) - 1:
                pks[i + 1], pks[i] = pks[i], pks[i + 1]
            elif s_index < len(layout) - 1:
                pks.pop(i)
                layout[s_index + 1][1].insert(0, article_id)
        else:
            return None
        return [(s, p) for s, p in layout if p]
    return None
