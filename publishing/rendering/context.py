"""Print content: an issue's approved articles typeset and prepared for one output (the print
HTML or the HTML edition), with the static and media files the renderer may read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils.safestring import SafeString, mark_safe

from editorial.models import Article, Issue
from publishing.errors import RenderError
from publishing.rendering.selectors import printed_content
from publishing.rendering.typography import autospace, typeset_html, typeset_text

PRINT_STYLESHEET = "publishing/print.css"
EDITION_STYLESHEET = "publishing/edition.css"


def _static_path(name: str) -> Path:
    found = finders.find(name)
    if not found:
        raise RenderError(f"static file {name} is missing")
    return Path(found if isinstance(found, str) else found[0])


def _media_path(name: str) -> Path | None:
    """The stored file for a media name (``images/ab12.png``), if it is inside MEDIA_ROOT."""
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


# --------------------------------------------------------------------------- print content

def _typeset(text: str) -> SafeString:
    return mark_safe(typeset_text(text))  # noqa: S308 - typeset_text escapes the text


def _typeset_html(value: str) -> SafeString:
    return mark_safe(typeset_html(value))  # noqa: S308 - sanitised HTML, re-escaped text


def _css_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + re.sub(r"[\r\n\f]+", " ", escaped) + '"'


def _date_text(value) -> str:
    return f"{value.year} 年 {value.month} 月 {value.day} 日" if value else ""


_IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]*)(")')


def _rewrite_media(body: str, image_url: Callable[[str], str | None]) -> str:
    """Point stored images (``/media/images/…``) at ``image_url(name)``; others are left as they
    are (the fetcher refuses them) unless ``image_url`` is asked and returns None for them."""
    media_url = settings.MEDIA_URL

    def replace(match: re.Match[str]) -> str:
        src = match.group(2)
        if src.startswith(media_url):
            url = image_url(unquote(src[len(media_url):]))
            if url is not None:
                return match.group(1) + url + match.group(3)
        return match.group(0)

    return _IMG_SRC.sub(replace, body)


@dataclass
class Byline:
    names: SafeString
    note: SafeString


@dataclass
class PreparedArticle:
    """An article with its text typeset and its image URLs resolved for one output."""

    article: Article
    anchor: str
    section: SafeString
    section_first: bool
    title: SafeString
    title_text: str
    subtitle: SafeString
    summary: SafeString
    bylines: list[Byline]
    authors: SafeString
    lead_image: str | None
    body: SafeString
    source: SafeString
    filename: str = ""


@dataclass
class PreparedSection:
    name: SafeString
    articles: list[PreparedArticle] = field(default_factory=list)


def _safe_filename(article: Article) -> str:
    """The article's page in the HTML edition: its slug, unless that is unusable or taken."""
    slug = article.slug if re.fullmatch(r"[A-Za-z0-9_-]+", article.slug or "") else ""
    if not slug or slug.lower() in {"index", "edition"}:
        slug = f"article-{article.pk}"
    return f"{slug}.html"


def _prepare_article(article: Article, *, first_in_section: bool,
                     image_url: Callable[[str], str | None]) -> PreparedArticle:
    groups = printed_content(article).byline_groups()
    lead = image_url(article.lead_image.file.name) if article.lead_image else None
    return PreparedArticle(
        article=article,
        anchor=f"article-{article.pk}",
        section=_typeset(article.section.name),
        section_first=first_in_section,
        title=_typeset(article.title),
        title_text=article.title,
        subtitle=_typeset(article.subtitle.lstrip("—-－ ")),
        summary=_typeset(article.summary),
        bylines=[
            Byline(_typeset("　".join(names)), _typeset(note))
            for names, note in groups
        ],
        authors=_typeset("　".join(n for names, _ in groups for n in names)),
        lead_image=lead,
        body=_typeset_html(_rewrite_media(article.body, image_url)),
        source=_typeset(article.source),
        filename=_safe_filename(article),
    )


def _prepare_sections(articles: list[Article],
                      image_url: Callable[[str], str | None]) -> list[PreparedSection]:
    sections: list[PreparedSection] = []
    current = None
    for article in articles:
        first = current is None or current != article.section_id
        if first:
            sections.append(PreparedSection(_typeset(article.section.name)))
            current = article.section_id
        sections[-1].articles.append(
            _prepare_article(article, first_in_section=first, image_url=image_url)
        )
    return sections


def _issue_context(issue: Issue, articles: list[Article],
                   image_url: Callable[[str], str | None]) -> dict:
    publication = issue.publication
    sections = _prepare_sections(articles, image_url)
    tags = sorted({tag for article in articles for tag in printed_content(article).tags})
    created = issue.cover_date or issue.created_at.date()
    return {
        "issue": issue,
        "publication": publication,
        "sections": sections,
        "articles": [a for s in sections for a in s.articles],
        "cover": {
            "name": _typeset(publication.name),
            "number": issue.number,
            "title": _typeset(issue.display_title),
            "date": _typeset(_date_text(issue.cover_date)),
            "image": image_url(issue.cover_image.file.name) if issue.cover_image else None,
            "leads": [(s.name, s.articles[0].title) for s in sections],
            "publisher": _typeset(publication.publisher),
            "issn": publication.issn,
        },
        "editor_note": _typeset_html(issue.editor_note),
        "running_header": autospace(issue.running_header),  # plain text, for CSS
        "meta": {
            "title": issue.display_title,
            "author": publication.publisher or publication.name,
            "subject": f"{issue.running_header}："
                       + "、".join(dict.fromkeys(a.section.name for a in articles)),
            "keywords": ", ".join(tags),
            "created": created.isoformat(),
        },
    }


def _file_url_for_media(name: str) -> str | None:
    path = _media_path(name)
    return path.as_uri() if path else None
