"""The print HTML WeasyPrint turns into PDF: the whole issue, or one article on printed pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from editorial.models import Article, Issue
from publishing.rendering.context import (
    PRINT_STYLESHEET,
    _css_string,
    _file_url_for_media,
    _issue_context,
    _prepare_article,
    _prepared_section,
    _static_path,
    _typeset,
)
from publishing.rendering.geometry import PageGeometry, page_geometry
from publishing.rendering.glyphs import _text_sources
from publishing.rendering.layout import masthead_for
from publishing.rendering.selectors import issue_articles_for_print, printed_content
from publishing.rendering.typography import autospace, plain_title
from publishing.rendering.variants import (
    OUTPUT_PROFILE,
    PRINT,
    SCREEN,
    DocumentFacts,
    PdfVariant,
    colour_css,
)


def _print_css(geometry: PageGeometry, *, print_mode: bool, running_header: str,
               cover_image: bool = False) -> SafeString:
    header = _css_string(running_header)
    variant = PRINT if print_mode else SCREEN
    profile = _static_path(OUTPUT_PROFILE).as_uri() if print_mode else ""
    css = colour_css(variant, profile_url=profile) + geometry.css(
        print_mode=print_mode, cover_image=cover_image) + (
        f"@page :left {{ @top-left {{ content: {header}; }} }}\n"
        f"@page :right {{ @top-right {{ content: {header}; }} }}\n"
    )
    return mark_safe(css.replace("</", "<\\/"))  # noqa: S308 - built from escaped values


def issue_print_html(issue: Issue, *, print_mode: bool = False,
                     articles: list[Article] | None = None) -> str:
    """The HTML WeasyPrint turns into the issue's PDF (cover, front matter, articles)."""
    if articles is None:
        articles = issue_articles_for_print(issue)
    geometry = page_geometry(issue.publication.page_size)
    context = _issue_context(issue, articles, _file_url_for_media, geometry)
    context.update({
        "end_matter": not print_mode,  # the print-shop PDF adds it after counting pages
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
    geometry = page_geometry(publication.page_size)
    prepared = _prepare_article(article, first_in_section=True, image_url=_file_url_for_media,
                                geometry=geometry)
    header = autospace(article.issue.running_header if article.issue else publication.name)
    section = _prepared_section(article)
    section.articles.append(prepared)
    return render_to_string("publishing/print/article_preview.html", {
        "article": prepared,
        "section": section,
        "publication": publication,
        "print_mode": print_mode,
        "stylesheet_url": _static_path(PRINT_STYLESHEET).as_uri(),
        "page_css": _print_css(geometry, print_mode=print_mode, running_header=header),
        "meta": {"title": plain_title(article.title),
                 "author": publication.publisher or publication.editorial_office,
                 "subject": article.section.name,
                 "keywords": ", ".join(printed_content(article).tags),
                 "created": (article.issue.cover_date if article.issue and article.issue.cover_date
                             else article.updated_at.date()).isoformat()},
    })


@dataclass(frozen=True)
class EndMatter:
    """The print-shop PDF's last pages (blank pages, the masthead page, the back cover), made
    once the content's pages are counted. Plain data, not a closure, so that a job can be
    pickled to the render's child process."""

    context: dict

    def __call__(self, blank_pages: int) -> str:
        return render_to_string("publishing/print/end_matter.html",
                                {**self.context, "blank_pages": range(blank_pages)})


@dataclass
class PdfJob:
    """Everything the WeasyPrint step needs, so that it can run in a child process (it is
    pickled to it: plain data only)."""

    html: str
    variant: PdfVariant
    facts: DocumentFacts
    end_matter: Callable[[int], str] | None = None  # blank pages → HTML (print only): EndMatter


def _issue_facts(issue: Issue, articles: list[Article]) -> DocumentFacts:
    publication = issue.publication
    labels = {f"article-{a.pk}": f"{a.section.name}：{plain_title(a.title)}" for a in articles}
    return DocumentFacts(
        key=f"{publication.slug}/{issue.number}", title=issue.display_title,
        publisher=publication.publisher or publication.editorial_office,
        publication=publication.name, created=issue.cover_date or issue.created_at.date(),
        issue_number=issue.number, issn=publication.issn,
        internal_permit=publication.internal_permit, link_labels=labels)


def issue_pdf_job(issue: Issue, *, print_mode: bool = False,
                  articles: list[Article] | None = None) -> PdfJob:
    """The issue's print HTML with what the PDF step needs (variant, metadata, end matter)."""
    if articles is None:
        articles = issue_articles_for_print(issue)
    html = issue_print_html(issue, print_mode=print_mode, articles=articles)
    publication = issue.publication
    geometry = page_geometry(publication.page_size)
    end_matter: EndMatter | None = None
    if print_mode:
        masthead = masthead_for(issue, _typeset)
        page_css = _print_css(geometry, print_mode=True, running_header="")
        meta = {"title": issue.display_title, "author": publication.publisher,
                "subject": "", "keywords": "",
                "created": (issue.cover_date or issue.created_at.date()).isoformat()}

        end_matter = EndMatter({
            "masthead": masthead, "print_mode": True, "meta": meta, "page_css": page_css,
            "stylesheet_url": _static_path(PRINT_STYLESHEET).as_uri(),
        })

    return PdfJob(html, PRINT if print_mode else SCREEN, _issue_facts(issue, articles),
                  end_matter)


def issue_render_input(issue: Issue, *, print_mode: bool = False
                       ) -> tuple[PdfJob, list[tuple[str, str]]]:
    """The issue's PDF job and its texts by place, for ``check_glyphs``.

    Split from ``issue_pdf_bytes`` so that a caller can do the database work here and run the
    WeasyPrint part (``pdf_from_html``) elsewhere, e.g. in a child process with a time limit,
    checking the glyphs meanwhile.
    """
    articles = issue_articles_for_print(issue)
    sources = _text_sources(issue, articles)
    return issue_pdf_job(issue, print_mode=print_mode, articles=articles), sources


def article_preview_job(article: Article) -> tuple[PdfJob, list[tuple[str, str]]]:
    """One article's preview PDF job and its texts by place: the database work of a preview,
    done before the WeasyPrint part runs in its child process."""
    sources = _text_sources(None, [article])
    publication = article.section.publication
    facts = DocumentFacts(
        key=f"article/{article.pk}", title=plain_title(article.title),
        publisher=publication.publisher or publication.editorial_office,
        publication=publication.name,
        created=(article.issue.cover_date if article.issue and article.issue.cover_date
                 else article.updated_at.date()))
    return PdfJob(article_print_html(article), SCREEN, facts), sources
