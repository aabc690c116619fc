"""PDF output: the only place WeasyPrint runs, always with the restricted URL fetcher.

Importing this module imports WeasyPrint; callers import it where a render happens, so web
workers that never render start light. Each render installs the CJK justification patch first.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from django.conf import settings

from editorial.models import Article, Issue
from publishing.errors import MissingGlyphsError
from publishing.rendering import justification
from publishing.rendering.fetcher import url_fetcher
from publishing.rendering.glyphs import check_glyphs
from publishing.rendering.layout import blank_pages_needed
from publishing.rendering.print_html import (
    PdfJob,
    article_preview_job,
    issue_render_input,
)
from publishing.rendering.variants import SCREEN, DocumentFacts, PdfVariant, finisher
from publishing.rendering.weasy import weasyprint

FontConfiguration = weasyprint.text.fonts.FontConfiguration

logger = logging.getLogger(__name__)


class _NotdefCollector(logging.Handler):
    """Backstop for the glyph check: WeasyPrint only logs a warning when it draws ``.notdef``."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.characters: dict[str, None] = {}

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith(".notdef glyph") and record.args:
            self.characters[str(record.args[0])] = None


# --------------------------------------------------------------------------- PDF

def _write_pdf(documents: list, variant: PdfVariant, facts: DocumentFacts) -> bytes:
    pages = [page for document in documents for page in document.pages]
    combined = documents[0].copy(pages) if len(documents) > 1 else documents[0]
    return combined.write_pdf(pdf_variant=variant.weasyprint_variant, pdf_identifier=True,
                              finisher=finisher(variant, facts))


def pdf_from_html(job: PdfJob | str, *, sources: list[tuple[str, str]] | None = None) -> bytes:
    """Run WeasyPrint on print HTML from this module, with the restricted fetcher.

    ``job`` is a ``PdfJob`` (variant, document facts, end matter) or bare print HTML (rendered
    as the screen variant). The print-shop variant renders its end matter (blank pages, the
    masthead page, the back cover) once the content's page count is known, so that the issue
    has a multiple of four pages.

    Raises ``MissingGlyphsError`` if WeasyPrint had to draw ``.notdef`` (the backstop of
    ``check_glyphs``); ``sources`` lets the error name the article holding the character.
    """
    if isinstance(job, str):
        job = PdfJob(job, SCREEN, DocumentFacts(key="html", title="", publisher="",
                                                publication="", created=date.today()))
    fetcher = url_fetcher()
    justification.install()  # refuses a WeasyPrint it was not written for
    collector = _NotdefCollector()
    weasy_logger = logging.getLogger("weasyprint")
    weasy_logger.addHandler(collector)
    base_url = Path(settings.MEDIA_ROOT).resolve().as_uri() + "/"
    try:
        fonts = FontConfiguration()
        documents = [weasyprint.HTML(string=job.html, base_url=base_url, url_fetcher=fetcher)
                     .render(font_config=fonts)]
        if job.end_matter is not None:
            blanks = blank_pages_needed(len(documents[0].pages))
            documents.append(weasyprint.HTML(string=job.end_matter(blanks), base_url=base_url,
                                             url_fetcher=fetcher).render(font_config=fonts))
        pdf = _write_pdf(documents, job.variant, job.facts)
    finally:
        weasy_logger.removeHandler(collector)
    if collector.characters:
        missing = "".join(collector.characters)
        places = [where for where, text in (sources or []) if any(c in text for c in missing)]
        raise MissingGlyphsError([("; ".join(places) or "the issue's templates", missing)])
    return pdf


def issue_pdf_bytes(issue: Issue, *, print_mode: bool = False) -> bytes:
    """The issue's PDF: cover, editor's note and contents, every approved article, the
    masthead page and back cover; the print-shop variant padded to a multiple of four."""
    job, sources = issue_render_input(issue, print_mode=print_mode)
    check_glyphs(sources)
    return pdf_from_html(job, sources=sources)


def article_preview_pdf(article: Article) -> bytes:
    """One article on printed pages, in this process: only for code that is itself fenced.
    The site's previews use ``publishing.rendering.services.article_preview_pdf`` (a child
    process with a time limit and a memory cap)."""
    job, sources = article_preview_job(article)
    check_glyphs(sources)
    return pdf_from_html(job, sources=sources)
