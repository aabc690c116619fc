"""The print renderer: an issue's approved content → print HTML → PDF, and the HTML edition.

Only ``publishing.rendering.pdf`` (and the ``weasy``, ``fetcher`` and ``justification`` it
uses) import WeasyPrint; importing this package imports nothing at all. The names of the old
``publishing.rendering`` module stay importable from here, each loaded from its module on first
use (PEP 562): ``from publishing.rendering import undrawable_characters`` loads the glyph check
(fontTools), ``from publishing.rendering import issue_pdf_bytes`` loads WeasyPrint.

- ``selectors``: what an issue prints (its articles as approved) and its fingerprint
- ``glyphs``: the glyph check (fontTools only), ``typography``: Chinese typesetting of text
- ``geometry``, ``context``, ``print_html``: print HTML and what goes into it
- ``edition``: the HTML edition; ``pdf``: WeasyPrint with the restricted ``fetcher`` and the
  CJK ``justification`` patch
- ``services``: ``issue_render``, an issue's files rendered all or nothing
"""

from __future__ import annotations

from importlib import import_module

# The public names of the old ``publishing.rendering`` module → the module that defines them now.
_NAMES = {
    "MissingGlyphsError": "publishing.errors",
    "RenderError": "publishing.errors",
    "EDITION_STYLESHEET": "publishing.rendering.context",
    "PRINT_STYLESHEET": "publishing.rendering.context",
    "Byline": "publishing.rendering.context",
    "PreparedArticle": "publishing.rendering.context",
    "PreparedSection": "publishing.rendering.context",
    "article_preview_html": "publishing.rendering.edition",
    "edition_write": "publishing.rendering.edition",
    "BLEED_MM": "publishing.rendering.geometry",
    "MM_PER_PT": "publishing.rendering.geometry",
    "PAGE_GEOMETRIES": "publishing.rendering.geometry",
    "PageGeometry": "publishing.rendering.geometry",
    "page_geometry": "publishing.rendering.geometry",
    "SANS": "publishing.rendering.glyphs",
    "SERIF": "publishing.rendering.glyphs",
    "check_glyphs": "publishing.rendering.glyphs",
    "drawable_code_points": "publishing.rendering.glyphs",
    "undrawable_characters": "publishing.rendering.glyphs",
    "article_print_html": "publishing.rendering.print_html",
    "issue_print_html": "publishing.rendering.print_html",
    "issue_render_input": "publishing.rendering.print_html",
    "article_preview_job": "publishing.rendering.print_html",
    # Renders in a child process with a time limit and a memory cap (WeasyPrint on first use).
    "article_preview_pdf": "publishing.rendering.services",
    "RenderOutOfMemory": "publishing.rendering.services",
    "RenderTimeout": "publishing.rendering.services",
    # These import WeasyPrint.
    "pdf_from_html": "publishing.rendering.pdf",
    "issue_pdf_bytes": "publishing.rendering.pdf",
    "RestrictedURLFetcher": "publishing.rendering.fetcher",
    "url_fetcher": "publishing.rendering.fetcher",
}

__all__ = sorted(_NAMES)


def __getattr__(name: str):
    module = _NAMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(module), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_NAMES])
