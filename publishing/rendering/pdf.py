"""PDF output: the only place WeasyPrint runs, always with the restricted URL fetcher.

Importing this module imports WeasyPrint; callers import it where a render happens, so web
workers that never render start light. Each render installs the CJK justification patch first.
"""

from __future__ import annotations

import logging
from pathlib import Path

import weasyprint
from django.conf import settings

from editorial.models import Article, Issue
from publishing.errors import MissingGlyphsError
from publishing.rendering import justification
from publishing.rendering.fetcher import url_fetcher
from publishing.rendering.glyphs import _text_sources, check_glyphs
from publishing.rendering.print_html import article_print_html, issue_render_input

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

def pdf_from_html(html: str, *, sources: list[tuple[str, str]] | None = None) -> bytes:
    """Run WeasyPrint on print HTML from this module, with the restricted fetcher.

    Raises ``MissingGlyphsError`` if WeasyPrint had to draw ``.notdef`` (the backstop of
    ``check_glyphs``); ``sources`` lets the error name the article holding the character.
    """
    fetcher = url_fetcher()
    justification.install()  # refuses a WeasyPrint it was not written for
    collector = _NotdefCollector()
    weasy_logger = logging.getLogger("weasyprint")
    weasy_logger.addHandler(collector)
    try:
        document = weasyprint.HTML(
            string=html, base_url=Path(settings.MEDIA_ROOT).resolve().as_uri() + "/",
            url_fetcher=fetcher,
        )
        pdf = document.write_pdf(pdf_identifier=True)
    finally:
        weasy_logger.removeHandler(collector)
    if collector.characters:
        missing = "".join(collector.characters)
        places = [where for where, text in (sources or []) if any(c in text for c in missing)]
        raise MissingGlyphsError([("; ".join(places) or "the issue's templates", missing)])
    return pdf


def issue_pdf_bytes(issue: Issue, *, print_mode: bool = False) -> bytes:
    """The issue's PDF: cover, editor's note and contents, then every approved article."""
    html, sources = issue_render_input(issue, print_mode=print_mode)
    check_glyphs(sources)
    return pdf_from_html(html, sources=sources)


def article_preview_pdf(article: Article) -> bytes:
    """One article on printed pages, exactly as the issue PDF would set it."""
    sources = _text_sources(None, [article])
    check_glyphs(sources)
    return pdf_from_html(article_print_html(article), sources=sources)
