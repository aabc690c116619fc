"""Reads for the public side: only published issues ever leave through here."""

from __future__ import annotations

import hashlib
import json
import mimetypes
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from taggit.models import Tag

from editorial.models import (
    Article,
    ArticleContributor,
    ArticleState,
    Contributor,
    Issue,
    IssueStatus,
)
from editorial.selectors import articles_in_issue_order
from publishing import permissions
from publishing.models import (
    AccessLevel,
    Download,
    Edition,
    Membership,
    Proof,
    ProofStatus,
    Release,
    SearchEntry,
)


def issue_list_published() -> QuerySet[Issue]:
    return (
        Issue.objects.filter(status=IssueStatus.PUBLISHED)
        .select_related("publication", "cover_image")
        .order_by("-cover_date", "-number")
    )


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
    """Put the approved revision's content on the (unsaved) article, credits and tags included,
    through the same prefetch cache ``article.credits.all()`` and ``article.tags.all()`` read."""
    revision = article.approved_revision
    if revision is None:
        return article
    for field in ("title", "subtitle", "summary", "body", "source"):
        setattr(article, field, getattr(revision, field))
    article.lead_image = revision.lead_image
    cache = article._prefetched_objects_cache
    cache["credits"] = [
        ArticleContributor(article=article, position=index, note=credit.get("note", ""),
                           contributor=Contributor(name=credit["name"],
                                                   affiliation=credit.get("affiliation", "")))
        for index, credit in enumerate(revision.credits)
    ]
    cache["tags"] = [Tag(name=name) for name in sorted(revision.tags)]
    return article


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
    # (publication, number) is unique: no ordering, so no join for the default ordering.
    return (
        Issue.objects.select_related("publication", "cover_image", "access")
        .filter(publication__slug=publication_slug, number=number)
        .order_by()
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


def issue_pdf_filename(issue: Issue, edition: Edition | None = None) -> str:
    """``《大连数字贸易》第9期.pdf`` (``…第9期-第2版.pdf`` for a correction): what a member sees
    in their downloads folder."""
    suffix = f"-第{edition.version}版" if edition and edition.version > 1 else ""
    return f"《{issue.publication.name}》第{issue.number}期{suffix}.pdf"


def issue_edition_for_download(issue: Issue, version: int | None) -> Edition | None:
    """The current edition, or an earlier (superseded) one by its version number."""
    editions = issue.editions.all()
    edition = (editions.filter(version=version).first() if version is not None
               else editions.filter(superseded_at__isnull=True).first())
    if edition is None or not edition.pdf_path.is_file():
        return None
    return edition


class _Once:
    """A value computed on first use (templates call callables): a page whose cached fragment
    is still valid never runs the queries behind it."""

    def __init__(self, compute: Callable[[], object]) -> None:
        self.compute = compute
        self.done = False
        self.value: object = None

    def __call__(self) -> object:
        if not self.done:
            self.value, self.done = self.compute(), True
        return self.value


def issue_page_context(*, issue: Issue, user) -> dict:
    """Everything the issue page shows. The contents are cached by the template under the
    issue's ``updated_at`` (stamped by every change to what it prints), the reader's access and
    language, so a cached page costs one query and the query count never grows with articles.
    """
    can_read = permissions.user_can_read_issue(user, issue)
    is_editor = permissions.user_is_editor(user)
    context = {
        "issue": issue,
        "articles": _Once(lambda: issue_articles_for_print(issue)),
        "can_read": can_read,
        "expired_on": None if can_read else permissions.user_membership_expired_on(user),
        "has_pdf": _Once(lambda: issue_published_pdf(issue) is not None),
        "has_html": _Once(lambda: issue_edition_html_file(issue, "index.html") is not None),
        "editions": _Once(lambda: list(issue.editions.order_by("-version"))),
        "is_editor": is_editor,
    }
    if is_editor:
        context["access"] = permissions.issue_access(issue)
        context["access_levels"] = AccessLevel.choices
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


# --------------------------------------------------------------------------- production


def issue_edition_root(issue: Issue) -> Path:
    """Folder holding every version, proof and thumbnail of ``issue``."""
    return Path(settings.EDITIONS_ROOT) / issue.publication.slug / str(issue.number)


def issue_current_edition(issue: Issue) -> Edition | None:
    return issue.editions.filter(superseded_at__isnull=True).order_by("-version").first()


def issue_published_pdf(issue: Issue) -> Path | None:
    """The PDF members get: the current edition's, if the issue has been published."""
    edition = issue_current_edition(issue)
    if edition is None or not edition.pdf_path.is_file():
        return None
    return edition.pdf_path


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
             [[c.contributor.name, c.note] for c in a.credits.all()],
             sorted(t.name for t in a.tags.all()),
             a.lead_image.sha256 if a.lead_image else ""]
            for a in articles
        ],
    }
    encoded = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(encoded).hexdigest()


@dataclass
class ReadinessItem:
    label: str
    ok: bool
    detail: str = ""


def issue_readiness(issue: Issue) -> list[ReadinessItem]:
    """The checklist on the planning board; scheduling refuses while an item fails."""
    from publishing.rendering import undrawable_characters

    articles = list(issue.articles.exclude(state=ArticleState.WITHDRAWN).select_related("section"))
    unapproved = [a.title for a in articles if a.state != ArticleState.APPROVED]
    missing = []
    for article in articles:
        chars = undrawable_characters(" ".join([article.title, article.subtitle, article.summary,
                                                article.source, article.body]))
        if chars:
            missing.append(f"{article.title}：{chars}")
    return [
        ReadinessItem(_("至少有一篇文章"), bool(articles)),
        ReadinessItem(_("所有文章均已审定"), not unapproved, "、".join(unapproved)),
        ReadinessItem(_("已设置封面图片"), issue.cover_image_id is not None),
        ReadinessItem(_("没有字体缺字"), not missing, "；".join(missing)),
    ]


def board_url(issue: Issue) -> str:
    return reverse("publishing:board_issue", kwargs={"pk": issue.pk})


def issues_overdue(*, now: datetime | None = None) -> list[Issue]:
    """Scheduled issues whose release time passed (plus a grace period) without publishing."""
    now = now or timezone.now()
    limit = now - timedelta(seconds=settings.BULLETIN_PUBLISH_GRACE_SECONDS)
    return list(
        Issue.objects.filter(status=IssueStatus.SCHEDULED, release__release_at__lt=limit)
        .select_related("publication", "release")
    )


def issue_edition_html_file(issue: Issue, relative_path: str) -> Path | None:
    """A file of the current edition's HTML folder by its path there, or None.

    Only plain paths inside the folder: no ``..``, no hidden names, nothing a symlink leads
    out to.
    """
    edition = issue_current_edition(issue)
    if edition is None:
        return None
    parts = (relative_path or "index.html").split("/")
    if any(part in {"", ".", ".."} or part.startswith(".") or "\\" in part or "\x00" in part
           for part in parts):
        return None
    root = edition.html_path.resolve()
    path = root.joinpath(*parts).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def edition_file_content_type(path: Path) -> str:
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return content_type + "; charset=utf-8" if content_type.startswith("text/") else content_type


# --------------------------------------------------------------------------- planning board


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


def proof_pages(proof: Proof | None) -> list[str]:
    if proof is None or proof.status != ProofStatus.READY or not proof.directory:
        return []
    folder = Path(settings.EDITIONS_ROOT) / proof.directory / "pages"
    return [f"page-{n}.png" for n in range(1, proof.page_count + 1)
            if (folder / f"page-{n}.png").is_file()]


def proof_status(proof: Proof) -> dict:
    return {"status": proof.status, "label": str(proof.get_status_display()),
            "progress": proof.progress, "pages": proof.page_count, "error": proof.error}


def proof_file(proof: Proof, name: str) -> Path | None:
    """A proof's PDF or one of its page images, by exact name only (no paths)."""
    if proof.status != ProofStatus.READY or not proof.directory:
        return None
    folder = Path(settings.EDITIONS_ROOT) / proof.directory
    if name == "proof.pdf":
        path = folder / name
    elif re.fullmatch(r"page-\d{1,4}\.png", name):
        path = folder / "pages" / name
    else:
        return None
    return path if path.is_file() else None
