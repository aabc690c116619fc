"""Reads of the issue planning board."""

from __future__ import annotations

from dataclasses import dataclass

from editorial.models import (
    Article,
    ArticleState,
    Issue,
    IssueStatus,
    Section,
)
from publishing.library.selectors import issue_download_counts
from publishing.models import (
    Release,
)
from publishing.proofs.selectors import proof_pages
from publishing.releases.claims import issue_edition_in_progress
from publishing.releases.selectors import issue_proof_is_stale, issue_readiness
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
        Article.objects.filter(issue__isnull=True, state=ArticleState.APPROVED, archived_at__isnull=True,
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
        "all_sections": list(issue.publication.sections.all()),
        "available": available,
        "readiness": issue_readiness(issue),
        "release": release,
        "proof": proof,
        "proof_pages": proof_pages(proof),
        "proof_is_current": bool(proof and proof.content_hash == content_hash),
        "proof_is_stale": issue_proof_is_stale(issue),
        "content_hash": content_hash,
        "editions": list(issue.editions.order_by("-version")),
        "events": list(issue.events.select_related("actor")[:50]),
        "downloads": issue_download_counts(issue),
        "edition_busy": issue_edition_in_progress(issue),
    }


MOVES = {"up", "down", "previous-section", "next-section"}


@dataclass(frozen=True)
class Move:
    """A keyboard move on the board: the issue's new layout, and the sections it crossed
    (None when the article stayed in its section)."""

    layout: list
    crossed: tuple[Section, Section] | None = None


def layout_with_move(*, issue: Issue, article_id: int, direction: str) -> Move | None:
    """The issue's layout with one article moved. ↑ and ↓ stay inside the article's section;
    crossing into the neighbouring section is a move of its own ("previous-section",
    "next-section"), offered only at a section's edge, because it changes the article's
    section. None when the move is not possible from where the article is."""
    articles = issue_articles_for_print(issue)
    layout: list[tuple[int, list[int]]] = []
    sections: dict[int, Section] = {}
    for article in articles:
        sections[article.section_id] = article.section
        if not layout or layout[-1][0] != article.section_id:
            layout.append((article.section_id, []))
        layout[-1][1].append(article.pk)
    for s_index, (section_id, pks) in enumerate(layout):
        if article_id not in pks:
            continue
        i = pks.index(article_id)
        crossed = None
        if direction == "up" and i > 0:
            pks[i - 1], pks[i] = pks[i], pks[i - 1]
        elif direction == "down" and i < len(pks) - 1:
            pks[i + 1], pks[i] = pks[i], pks[i + 1]
        elif direction == "previous-section" and i == 0 and s_index > 0:
            pks.pop(i)
            target = layout[s_index - 1]
            target[1].append(article_id)
            crossed = (sections[section_id], sections[target[0]])
        elif direction == "next-section" and i == len(pks) - 1 and s_index < len(layout) - 1:
            pks.pop(i)
            target = layout[s_index + 1]
            target[1].insert(0, article_id)
            crossed = (sections[section_id], sections[target[0]])
        else:
            return None
        return Move(layout=[(s, p) for s, p in layout if p], crossed=crossed)
    return None


def _current_layout(issue: Issue) -> tuple[list[tuple[int, list[int]]], dict[int, Section]]:
    layout: list[tuple[int, list[int]]] = []
    sections: dict[int, Section] = {}
    for article in issue_articles_for_print(issue):
        sections[article.section_id] = article.section
        if not layout or layout[-1][0] != article.section_id:
            layout.append((article.section_id, []))
        layout[-1][1].append(article.pk)
    return layout, sections


SECTION_MOVES = {"up", "down"}


def layout_with_section_move(*, issue: Issue, section_id: int,
                             direction: str) -> list[tuple[int, list[int]]] | None:
    """The issue's layout with one section (all its articles) one place earlier or later.
    Section order belongs to the issue: it is where its first article stands
    (``articles_in_issue_order``), so reordering sections reorders the issue's articles and
    leaves the publication's default order alone. None when there is no such move."""
    layout, _sections = _current_layout(issue)
    index = next((i for i, (s, _p) in enumerate(layout) if s == section_id), None)
    if index is None:
        return None
    other = index - 1 if direction == "up" else index + 1
    if direction not in SECTION_MOVES or not 0 <= other < len(layout):
        return None
    layout[index], layout[other] = layout[other], layout[index]
    return layout


def layout_with_article_in_section(*, issue: Issue, article_id: int,
                                   section: Section) -> Move | None:
    """The issue's layout with one article moved to the end of ``section`` (appended as a new
    last section when the issue has nothing in it yet). None when the article is not in the
    issue or already in that section."""
    layout, sections = _current_layout(issue)
    source = next((entry for entry in layout if article_id in entry[1]), None)
    if source is None or source[0] == section.pk:
        return None
    source[1].remove(article_id)
    target = next((entry for entry in layout if entry[0] == section.pk), None)
    if target is None:
        layout.append((section.pk, [article_id]))
    else:
        target[1].append(article_id)
    return Move(layout=[(s, p) for s, p in layout if p],
                crossed=(sections[source[0]], section))
