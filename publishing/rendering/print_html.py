"""The print HTML WeasyPrint turns into PDF: the whole issue, or one article on printed pages."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from editorial.models import Article, Issue
from publishing.rendering.context import (
    PRINT_STYLESHEET,
    _css_string,
    _file_url_for_media,
    _issue_context,
    _prepare_article,
    _static_path,
)
from publishing.rendering.geometry import PageGeometry, page_geometry
from publishing.rendering.glyphs import _text_sources
from publishing.rendering.selectors import issue_articles_for_print, printed_content
from publishing.rendering.typography import autospace


def _print_css(geometry: PageGeometry, *, print_mode: bool, running_header: str,
               cover_image: bool = False) -> SafeString:
    header = _css_string(running_header)
    css = geometry.css(print_mode=print_mode, cover_image=cover_image) + (
        f"@page :left {{ @top-left {{ content: {header}; }} }}\n"
        f"@page :right {{ @top-right {{ content: {header}; }} }}\n"
    )
    return mark_safe(css.replace("</", "<\\/"))  # noqa: S308 - built from escaped values


def issue_print_html(issue: Issue, *, print_mode: bool = False,
                     articles: list[Article] | None = None) -> str:
    """The HTML WeasyPrint turns into the issue's PDF (cover, front matter, articles)."""
    if articles is None:
        articles = issue_articles_for_print(issue)
    context = _issue_context(issue, articles, _file_url_for_media)
    geometry = page_geometry(issue.publication.page_size)
    context.update({
        "print_mode": print_mode,
        "stylesheet_url": _static_path(PRINT_STYLESHEET).as_uri(),
        "page_css": _print_css(geometry, print_mode=print_mode,
                               running_header=context["running_header"],
                               cover_image=bool(context["cover"]["image"])),
    })
    return render_to_string("publishing/print/issue.html", context)


def article_print_html(article: Article, *, print_mode: bool = False) -> str:
    """One article on printed pages, with the templates and styles of the issue PDF."""
    publication = article.section.publication
    prepared = _prepare_article(article, first_in_section=True, image_url=_file_url_for_media)
    header = autospace(article.issue.running_header if article.issue else publication.name)
    geometry = page_geometry(publication.page_size)
    return render_to_string("publishing/print/article_preview.html", {
        "article": prepared,
        "publication": publication,
        "print_mode": print_mode,
        "stylesheet_url": _static_path(PRINT_STYLESHEET).as_uri(),
        "page_css": _print_css(geometry, print_mode=print_mode, running_header=header),
        "meta": {"title": article.title, "author": publication.publisher or publication.name,
                 "subject": article.section.name,
                 "keywords": ", ".join(printed_content(article).tags),
                 "created": (article.issue.cover_date if article.issue and article.issue.cover_date
                             else article.updated_at.date()).isoformat()},
    })


def issue_render_input(issue: Issue, *, print_mode: bool = False
                       ) -> tuple[str, list[tuple[str, str]]]:
    """The issue's print HTML and its texts by place, for ``check_glyphs``.

    Split from ``issue_pdf_bytes`` so that a caller can do the database work here and run the
    WeasyPrint part (``pdf_from_html``) elsewhere, e.g. in a child process with a time limit,
    checking the glyphs meanwhile.
    """
    articles = issue_articles_for_print(issue)
    sources = _text_sources(issue, articles)
    return issue_print_html(issue, print_mode=print_mode, articles=articles), sources
