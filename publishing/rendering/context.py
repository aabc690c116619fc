"""Print content: an issue's approved articles typeset and prepared for one output (the print
HTML or the HTML edition), with the static and media files the renderer may read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils.safestring import SafeString, mark_safe

from editorial.models import Article, Issue
from editorial.richtext import sanitize_html
from publishing.errors import RenderError
from publishing.rendering.geometry import MM_PER_PT, PageGeometry
from publishing.rendering.layout import (
    body_images_on_grid,
    grid_image_style,
    headline_measure,
    masthead_for,
)
from publishing.rendering.selectors import printed_content
from publishing.rendering.typography import (
    autospace,
    plain_title,
    typeset_headline,
    typeset_html,
    typeset_text,
)

PRINT_STYLESHEET = "publishing/print.css"
EDITION_STYLESHEET = "publishing/edition.css"


def _static_path(name: str) -> Path:
    found = finders.find(name)
    if not found:
        raise RenderError(f"static file {name} is missing")
    return Path(found if isinstance(found, str) else found[0])


def _media_path(name: str) -> Path | None:
    """The stored file for a media name (``images/ab12.png``), if it is inside MEDIA_ROOT (on
    object storage, fetched into MEDIA_ROOT, this node's cache: ``publishing.filestore``)."""
    from publishing.filestore import local_media_file

    return local_media_file(name)


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
    # The title as printed: balanced lines with <br> between them.
    headline: SafeString = field(default_factory=lambda: mark_safe(""))
    headline_lines: int = 1
    title_is_section: bool = False  # 协会动态 in 协会动态: the section label is its heading
    lead_image_alt: str = ""
    lead_image_style: str = ""


@dataclass
class PreparedSection:
    name: SafeString
    articles: list[PreparedArticle] = field(default_factory=list)
    name_text: str = ""
    layout: str = "single"
    new_pages: bool = False

    @property
    def toc_articles(self) -> list[PreparedArticle]:
        """Contents entries: an article titled like its section is the section's own line."""
        return [a for a in self.articles if not a.title_is_section]


def _safe_filename(article: Article) -> str:
    """The article's page in the HTML edition: its slug, unless that is unusable or taken."""
    slug = article.slug if re.fullmatch(r"[A-Za-z0-9_-]+", article.slug or "") else ""
    if not slug or slug.lower() in {"index", "edition"}:
        slug = f"article-{article.pk}"
    return f"{slug}.html"


def _prepare_article(article: Article, *, first_in_section: bool,
                     image_url: Callable[[str], str | None],
                     geometry: PageGeometry | None = None) -> PreparedArticle:
    """The article for one output; with ``geometry`` (print) headlines are balanced for its
    measure and images sized to whole body lines."""
    groups = printed_content(article).byline_groups()
    lead = image_url(article.lead_image.file.name) if article.lead_image else None
    title = plain_title(article.title)
    measure = headline_measure(geometry.line_chars, article.section) if geometry else None
    headline = typeset_headline(article.title, measure)
    # Through the sanitiser's bounds again: a body stored before them may hold a colspan of a
    # billion or thousands of nested blocks.
    body = _rewrite_media(sanitize_html(article.body), image_url)
    lead_style = ""
    if geometry is not None:
        max_em = geometry.height_mm * 0.4 / (geometry.font_pt * MM_PER_PT)
        measure_em = float(geometry.line_chars)
        if article.section.layout == "two_columns":
            measure_em = (geometry.line_chars - 2) / 2
        body = body_images_on_grid(body, _local_image_path, measure_em=measure_em,
                                   max_height_em=max_em, fallback_alt=f"插图：{title}")
        if article.lead_image:
            lead_style = grid_image_style(
                (article.lead_image.width, article.lead_image.height),
                measure_em=measure_em, max_height_em=max_em)
    return PreparedArticle(
        article=article,
        anchor=f"article-{article.pk}",
        section=_typeset(article.section.name),
        section_first=first_in_section,
        title=_typeset(title),
        title_text=title,
        headline=mark_safe(headline),  # noqa: S308 - typeset_headline escapes the text
        headline_lines=headline.count("<br>") + 1,
        title_is_section=title == article.section.name.strip(),
        lead_image_alt=f"题图：{title}",
        lead_image_style=lead_style,
        subtitle=_typeset(article.subtitle.lstrip("—-－ ")),
        summary=_typeset(article.summary),
        bylines=[
            Byline(_typeset("　".join(names)), _typeset(note))
            for names, note in groups
        ],
        authors=_typeset("　".join(n for names, _ in groups for n in names)),
        lead_image=lead,
        body=_typeset_html(body),
        source=_typeset(article.source),
        filename=_safe_filename(article),
    )


def _prepared_section(article: Article) -> PreparedSection:
    section = article.section
    return PreparedSection(_typeset(section.name), name_text=section.name,
                           layout=section.layout.replace("_", "-"),
                           new_pages=section.new_page_per_article)


def _prepare_sections(articles: list[Article], image_url: Callable[[str], str | None],
                      geometry: PageGeometry | None = None) -> list[PreparedSection]:
    sections: list[PreparedSection] = []
    current = None
    for article in articles:
        first = current is None or current != article.section_id
        if first:
            sections.append(_prepared_section(article))
            current = article.section_id
        sections[-1].articles.append(
            _prepare_article(article, first_in_section=first, image_url=image_url,
                             geometry=geometry)
        )
    return sections


def _local_image_path(src: str) -> Path | None:
    """The stored file behind an image URL of the print HTML (``file:`` URLs of media)."""
    if not src.startswith("file:"):
        return None
    path = Path(url2pathname(unquote(urlsplit(src).path))).resolve()
    root = Path(settings.MEDIA_ROOT).resolve()
    return path if path.is_relative_to(root) and path.is_file() else None


def _issue_context(issue: Issue, articles: list[Article],
                   image_url: Callable[[str], str | None],
                   geometry: PageGeometry | None = None) -> dict:
    publication = issue.publication
    sections = _prepare_sections(articles, image_url, geometry)
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
            "image_alt": f"封面图片：{publication.name} 第 {issue.number} 期",
            "leads": [(s.name, None if s.articles[0].title_is_section else s.articles[0].title)
                      for s in sections],
            "publisher": _typeset(publication.publisher),
            "issn": publication.issn,
        },
        "editor_note": _typeset_html(issue.editor_note),
        "running_header": autospace(issue.running_header),  # plain text, for CSS
        "masthead": masthead_for(issue, _typeset),
        "meta": {
            "title": issue.display_title,
            "author": publication.publisher or publication.editorial_office,
            "subject": f"{issue.running_header}："
                       + "、".join(dict.fromkeys(a.section.name for a in articles)),
            "keywords": ", ".join(tags),
            "created": created.isoformat(),
        },
    }


def _file_url_for_media(name: str) -> str | None:
    path = _media_path(name)
    return path.as_uri() if path else None
