"""The print renderer: an issue's approved content → print HTML → PDF, and the HTML edition.

This is the only module that imports WeasyPrint. Everything WeasyPrint reads goes through
``RestrictedURLFetcher`` (the project's own static and media files and ``data:`` URLs, nothing
else). Every character of the content is checked against the fonts before rendering, so a
character that would print as tofu fails the render with the article's name.

WeasyPrint 70 justifies a line only by widening its spaces, which leaves Chinese lines ragged
(they have no spaces) and puts all the slack of a mixed line into its few spaces. For text in
``lang="zh-*"`` the slack is spread between the Chinese characters instead (inter-character
justification, as Chinese typesetting does); see ``_install_cjk_justification``.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from fontTools.ttLib import TTFont
from weasyprint.formatting_structure import boxes as wp_boxes
from weasyprint.layout import inline as wp_inline
from weasyprint.text import line_break as wp_line_break
from weasyprint.text.ffi import TO_UNITS, ffi, pango
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from editorial.models import Article, Issue, PageSize
from editorial.richtext import plain_text
from publishing.errors import MissingGlyphsError, RenderError
from publishing.pdf_variants import (
    BLEED_MM,
    OUTPUT_PROFILE,
    PRINT,
    SCREEN,
    DocumentFacts,
    PdfVariant,
    colour_css,
    finisher,
)
from publishing.print_layout import (
    blank_pages_needed,
    body_images_on_grid,
    grid_image_style,
    headline_measure,
    masthead_for,
)
from publishing.selectors import issue_articles_for_print
from publishing.typography import (
    WIDE_CHARACTERS,
    autospace,
    plain_title,
    typeset_headline,
    typeset_html,
    typeset_text,
)

logger = logging.getLogger(__name__)

SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"
PRINT_STYLESHEET = "publishing/print.css"
EDITION_STYLESHEET = "publishing/edition.css"
MM_PER_PT = 25.4 / 72


# --------------------------------------------------------------------------- page geometry

@dataclass(frozen=True)
class PageGeometry:
    """A page size with a text block that is a whole number of characters wide.

    Chinese text is set on a grid: when the measure is exactly ``line_chars`` full-width
    characters, lines of pure Chinese end flush without any stretching.
    """

    width_mm: float
    height_mm: float
    font_pt: float
    line_chars: int
    top_mm: float
    bottom_mm: float

    @property
    def measure_mm(self) -> float:
        return self.line_chars * self.font_pt * MM_PER_PT

    @property
    def inner_mm(self) -> float:
        return round((self.width_mm - self.measure_mm) * 0.54, 2)

    @property
    def outer_mm(self) -> float:
        # A hair under the exact value so that rounding never costs a line its last character.
        return round(self.width_mm - self.measure_mm - self.inner_mm - 0.05, 2)

    def cover_band_mm(self, *, cover_image: bool) -> float:
        return round(self.height_mm * (0.4 if cover_image else 0.56), 1)

    def css(self, *, print_mode: bool, cover_image: bool = False) -> str:
        """@page rules and the sizes that follow from the page (cover layout, image limits).

        The print-shop variant has a 3 mm bleed; its crop marks are drawn outside the bleed by
        ``pdf_variants`` (WeasyPrint would draw them inside it, over the cover). The cover's
        colour band is an element that runs into the bleed (print.css), the page behind it is
        paper-coloured to the bleed edge.
        """
        bleed = f"bleed: {BLEED_MM}mm;" if print_mode else ""
        band = self.cover_band_mm(cover_image=cover_image)
        cover_image_mm = self.height_mm * (0.24 if self.height_mm > 220 else 0.2)
        return (
            f"@page {{ size: {self.width_mm}mm {self.height_mm}mm; "
            f"margin: {self.top_mm}mm {self.outer_mm}mm {self.bottom_mm}mm {self.inner_mm}mm; "
            f"{bleed} }}\n"
            f"@page :left {{ margin-left: {self.outer_mm}mm; margin-right: {self.inner_mm}mm; }}\n"
            f"@page :right {{ margin-left: {self.inner_mm}mm; margin-right: {self.outer_mm}mm; }}\n"
            f"@page cover {{ margin: 0; background: var(--paper); }}\n"
            f"@page back-cover {{ margin: 0; background: var(--paper); }}\n"
            f"html {{ font-size: {self.font_pt}pt; }}\n"
            f".cover, .back-cover {{ height: {self.height_mm - 0.5}mm; }}\n"
            f".back-cover-band {{ position: absolute; left: 0; right: 0; bottom: 0; "
            f"height: {self.height_mm * 0.3:.1f}mm; padding: 18mm {self.outer_mm}mm 0 "
            f"{self.inner_mm}mm; }}\n"
            f".masthead {{ padding-top: {self.height_mm * 0.3:.0f}mm; }}\n"
            f".cover-inner {{ padding-left: {self.inner_mm}mm; padding-right: {self.outer_mm}mm; }}\n"
            f".cover-band {{ height: {band}mm; padding: "
            f"{self.top_mm * (1 if cover_image else 1.6):.1f}mm {self.outer_mm}mm 9mm "
            f"{self.inner_mm}mm; }}\n"
            f".cover-publisher {{ bottom: {self.bottom_mm * 0.55:.1f}mm; }}\n"
            f".article-body img {{ max-height: {self.height_mm * 0.4:.0f}mm; }}\n"
            f".cover-image img {{ height: {cover_image_mm:.0f}mm; }}\n"
        )


PAGE_GEOMETRIES: dict[str, PageGeometry] = {
    PageSize.A4: PageGeometry(210, 297, 10.5, 44, 24, 22),
    PageSize.B5: PageGeometry(176, 250, 10, 38, 21, 19),
    PageSize.A5: PageGeometry(148, 210, 9.5, 32, 17, 16),
}


def page_geometry(page_size: str) -> PageGeometry:
    return PAGE_GEOMETRIES.get(page_size, PAGE_GEOMETRIES[PageSize.A4])


# --------------------------------------------------------------------------- URL fetcher

class RestrictedURLFetcher(URLFetcher):
    """Lets WeasyPrint read ``data:`` URLs and files under the given roots, and nothing else.

    No network, no redirects, no ``file:`` path outside the roots (symlinks are resolved before
    the check). A refused URL raises, which WeasyPrint reports as a warning and skips: the image
    or attachment is simply absent from the PDF.
    """

    def __init__(self, roots: Iterable[Path | str]) -> None:
        super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False, timeout=5)
        self.roots = tuple(Path(root).resolve() for root in roots)

    def allowed_path(self, url: str) -> Path | None:
        """The local file ``url`` names, if it is one the renderer may read."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in {"", "localhost"}:
            return None
        path = Path(url2pathname(unquote(parts.path)))
        if not path.is_absolute():
            return None
        resolved = path.resolve()
        if not any(resolved.is_relative_to(root) for root in self.roots):
            return None
        return resolved if resolved.is_file() else None

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].strip().lower()
        if scheme == "data":
            return super().fetch(url, headers)
        path = self.allowed_path(url)
        if path is None:
            raise ValueError(f"the renderer may not read {url[:200]!r}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
        )


def _static_roots() -> list[Path]:
    roots = [Path(p if isinstance(p, str | Path) else p[1]) for p in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    return roots


def url_fetcher() -> RestrictedURLFetcher:
    """The fetcher every render uses: the project's static files and media, ``data:`` URLs."""
    return RestrictedURLFetcher([*_static_roots(), Path(settings.MEDIA_ROOT)])


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


# --------------------------------------------------------------------------- fonts and glyphs

@cache
def _font_cmap(family: str) -> frozenset[int]:
    """The code points ``family`` (as fontconfig resolves it) can draw."""
    try:
        found = subprocess.run(
            ["fc-match", "--format=%{family}|%{file}|%{index}", family],
            capture_output=True, text=True, check=True, timeout=30,
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise RenderError(f"cannot ask fontconfig for {family!r}: {exc}") from exc
    families, path, index = found.rsplit("|", 2)
    if family not in families.split(","):
        raise RenderError(
            f"font {family!r} is not installed (Debian package fonts-noto-cjk); "
            f"fontconfig offers {families!r} instead"
        )
    return _read_cmap(Path(path), int(index or 0))


def _read_cmap(path: Path, index: int) -> frozenset[int]:
    """The font's cmap, read with fontTools once per font file and kept in a small cache file
    (parsing a CJK font's cmap takes a quarter of a second, reading the cache a millisecond)."""
    stat = path.stat()
    key = hashlib.sha256(f"{path}|{index}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()
    # A stale or planted cache file could at worst let a character through to WeasyPrint,
    # whose .notdef warning is caught below as well.
    cache = Path(tempfile.gettempdir()) / f"bulletin-font-cmaps-{os.getuid()}" / f"{key[:32]}.u32"
    try:
        codes = array("I")
        codes.frombytes(cache.read_bytes())
        return frozenset(codes)
    except (OSError, ValueError):
        pass
    font = TTFont(path, fontNumber=index, lazy=True)
    try:
        codes = array("I", sorted(font.getBestCmap()))
    finally:
        font.close()
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(codes.tobytes())
        os.replace(partial, cache)
    except OSError:  # a read-only /tmp only costs the next render the parsing again
        pass
    return frozenset(codes)


@cache
def drawable_code_points() -> frozenset[int]:
    """Characters both the body (serif) and the heading (sans) fonts can draw."""
    return _font_cmap(SERIF) & _font_cmap(SANS)


def _is_invisible(char: str) -> bool:
    code = ord(char)
    return (
        char.isspace()
        or unicodedata.category(char) == "Cf"
        or 0xFE00 <= code <= 0xFE0F
        or 0xE0100 <= code <= 0xE01EF
    )


def undrawable_characters(text: str) -> str:
    """The distinct characters of ``text`` the fonts cannot draw, in order of appearance."""
    drawable = drawable_code_points()
    missing: dict[str, None] = {}
    for char in text:
        if ord(char) not in drawable and not _is_invisible(char):
            missing[char] = None
    return "".join(missing)


def _article_texts(article: Article) -> str:
    parts = [article.section.name, article.title, article.subtitle, article.summary,
             article.source, plain_text(article.body)]
    for names, note in article.byline_groups():
        parts.extend(names)
        parts.append(note)
    return "\n".join(parts)


def _issue_texts(issue: Issue) -> str:
    publication = issue.publication
    return "\n".join([publication.name, publication.publisher, publication.issn,
                      issue.title, issue.running_header, plain_text(issue.editor_note)])


def _text_sources(issue: Issue | None, articles: list[Article]) -> list[tuple[str, str]]:
    sources = []
    if issue is not None:
        sources.append((f"issue {issue.publication.slug} #{issue.number} "
                        f"(cover, editor's note, running header)", _issue_texts(issue)))
    sources.extend((f"article “{a.title}”", _article_texts(a)) for a in articles)
    return sources


def check_glyphs(sources: list[tuple[str, str]]) -> None:
    """Raise ``MissingGlyphsError`` naming every place with characters the fonts lack."""
    problems = [(where, chars) for where, text in sources
                if (chars := undrawable_characters(text))]
    if problems:
        raise MissingGlyphsError(problems)


class _NotdefCollector(logging.Handler):
    """Backstop for the glyph check: WeasyPrint only logs a warning when it draws ``.notdef``."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.characters: dict[str, None] = {}

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith(".notdef glyph") and record.args:
            self.characters[str(record.args[0])] = None


# --------------------------------------------------------------------------- justification

def _is_zh(style) -> bool:
    return str(style["lang"] or "").lower().startswith("zh")


# What justification may widen in Chinese text: each wide character, and spaces — except the
# dash and the ellipsis, which are set as pairs (——, ……) and must never open up ("— —").
_STRETCHABLE = WIDE_CHARACTERS.replace("…", "").replace("—", "")
_EXPANDABLE_RE = re.compile(f"[ \u00a0{_STRETCHABLE}]")
_EXPANDABLE_RUNS_RE = re.compile(f"( +|\u00a0+|[{_STRETCHABLE}]+)")


def _count_expandable(box) -> int:
    """Justification opportunities: spaces, and in Chinese text every wide character too."""
    if isinstance(box, wp_boxes.TextBox):
        if _is_zh(box.style):
            return len(_EXPANDABLE_RE.findall(box.text))
        return box.text.count(" ") + box.text.count("\u00a0")
    if isinstance(box, wp_boxes.LineBox | wp_boxes.InlineBox):
        return sum(_count_expandable(child) for child in box.children)
    return 0


def _spacing_ranges(text: str, *, spacing: float, word_spacing: float,
                    letter_spacing: float) -> list[tuple[int, int, float]]:
    """(start byte, end byte, spacing per character) for the runs of ``text`` to widen.

    Pango gives only half of a letter spacing at the edges of the text, so the first and the
    last character get twice the amount (as WeasyPrint does for word spacing).
    """
    ranges: list[tuple[int, int, float]] = []
    position = 0
    length = len(text.encode())
    for index, piece in enumerate(_EXPANDABLE_RUNS_RE.split(text)):
        size = len(piece.encode())
        if index % 2 and piece:  # the odd pieces are the captured runs
            amount = letter_spacing + spacing + (word_spacing if piece[0] in " \u00a0" else 0)
            start, end = position, position + size
            if start == 0:
                first = len(piece[0].encode())
                ranges.append((0, first, 2 * amount))
                start = first
            last_start = end - len(piece[-1].encode())
            if end == length and last_start >= start:
                if last_start > start:
                    ranges.append((start, last_start, amount))
                ranges.append((last_start, end, 2 * amount))
            elif end > start:
                ranges.append((start, end, amount))
        position += size
    return ranges


def _set_text_with_cjk_justification(original: Callable) -> Callable:
    def set_text(self, text: str, justify: bool = False) -> None:
        spacing = self.justification_spacing
        if not (justify and spacing and _is_zh(self.style)):
            original(self, text, justify)
            return
        self.justification_spacing = 0
        try:
            original(self, text, justify)  # style word/letter spacing as usual
        finally:
            self.justification_spacing = spacing
        if self.text == " ":
            self.text = " \u200b"  # Pango needs more than a lone space to space it
            pango.pango_layout_set_text(self.layout, self.text.encode(), -1)
        attributes = pango.pango_layout_get_attributes(self.layout)
        if attributes == ffi.NULL:
            attributes = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
        letter_spacing = self.style["letter_spacing"]
        ranges = _spacing_ranges(
            self.text, spacing=spacing, word_spacing=self.style["word_spacing"],
            letter_spacing=0 if letter_spacing == "normal" else letter_spacing,
        )
        for start, end, amount in ranges:
            attribute = pango.pango_attr_letter_spacing_new(int(amount * TO_UNITS))
            attribute.start_index, attribute.end_index = start, end
            pango.pango_attr_list_change(attributes, attribute)
        pango.pango_layout_set_attributes(self.layout, attributes)

    set_text.cjk_justification = True
    return set_text


def _install_cjk_justification() -> None:
    """Spread justification slack over Chinese characters, not just spaces (WeasyPrint 70)."""
    layout_class = wp_line_break.Layout
    if getattr(layout_class.set_text, "cjk_justification", False):
        return
    if not (hasattr(wp_inline, "count_expandable_spaces") and hasattr(layout_class, "set_text")):
        logger.warning("WeasyPrint %s: inter-character justification not installed",
                       weasyprint.__version__)
        return
    wp_inline.count_expandable_spaces = _count_expandable
    layout_class.set_text = _set_text_with_cjk_justification(layout_class.set_text)


_install_cjk_justification()


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
    groups = article.byline_groups()
    lead = image_url(article.lead_image.file.name) if article.lead_image else None
    title = plain_title(article.title)
    measure = headline_measure(geometry.line_chars, article.section) if geometry else None
    headline = typeset_headline(article.title, measure)
    body = _rewrite_media(article.body, image_url)
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
    tags = sorted({tag.name for article in articles for tag in article.tags.all()})
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


def article_preview_html(article: Article) -> str:
    """One article as the HTML edition shows it; standalone (stylesheet inline, site images)."""
    prepared = _prepare_article(article, first_in_section=True,
                                image_url=lambda name: settings.MEDIA_URL + name)
    return render_to_string("publishing/edition/article.html", {
        "article": prepared,
        "issue": article.issue,
        "publication": article.section.publication,
        "standalone": True,
        "inline_css": mark_safe(  # noqa: S308 - our own stylesheet
            _static_path(EDITION_STYLESHEET).read_text(encoding="utf-8").replace("</", "<\\/")
        ),
    })


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
                 "keywords": ", ".join(sorted(t.name for t in article.tags.all())),
                 "created": (article.issue.cover_date if article.issue and article.issue.cover_date
                             else article.updated_at.date()).isoformat()},
    })


# --------------------------------------------------------------------------- PDF

@dataclass
class PdfJob:
    """Everything the WeasyPrint step needs, so that it can run in a child process."""

    html: str
    variant: PdfVariant
    facts: DocumentFacts
    end_matter: Callable[[int], str] | None = None  # blank pages → HTML (print only)


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
    end_matter = None
    if print_mode:
        masthead = masthead_for(issue, _typeset)
        page_css = _print_css(geometry, print_mode=True, running_header="")
        meta = {"title": issue.display_title, "author": publication.publisher,
                "subject": "", "keywords": "",
                "created": (issue.cover_date or issue.created_at.date()).isoformat()}

        def end_matter(blank_pages: int) -> str:
            return render_to_string("publishing/print/end_matter.html", {
                "masthead": masthead, "blank_pages": range(blank_pages), "print_mode": True,
                "meta": meta, "page_css": page_css,
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


def issue_pdf_bytes(issue: Issue, *, print_mode: bool = False) -> bytes:
    """The issue's PDF: cover, editor's note and contents, every approved article, the
    masthead page and back cover; the print-shop variant padded to a multiple of four."""
    job, sources = issue_render_input(issue, print_mode=print_mode)
    check_glyphs(sources)
    return pdf_from_html(job, sources=sources)


def article_preview_pdf(article: Article) -> bytes:
    """One article on printed pages, exactly as the issue PDF would set it."""
    sources = _text_sources(None, [article])
    check_glyphs(sources)
    publication = article.section.publication
    facts = DocumentFacts(
        key=f"article/{article.pk}", title=plain_title(article.title),
        publisher=publication.publisher or publication.editorial_office,
        publication=publication.name,
        created=(article.issue.cover_date if article.issue and article.issue.cover_date
                 else article.updated_at.date()))
    return pdf_from_html(PdfJob(article_print_html(article), SCREEN, facts), sources=sources)


# --------------------------------------------------------------------------- HTML edition

def edition_write(issue: Issue, directory: Path | str) -> list[str]:
    """Write the HTML edition of ``issue`` into the (new or empty) folder ``directory``.

    The folder is self-contained: index.html (cover, editor's note, contents), one page per
    article, its stylesheet and every image, all linked relatively. Returns the files written.
    """
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    articles = issue_articles_for_print(issue)
    check_glyphs(_text_sources(issue, articles))
    images: dict[str, Path] = {}

    def image_url(name: str) -> str | None:
        path = _media_path(name)
        if path is None:
            return None
        images[path.name] = path
        return f"images/{path.name}"

    context = _issue_context(issue, articles, image_url)
    # Images not stored by us (only possible if a body bypassed the sanitiser) are dropped.
    for prepared in context["articles"]:
        prepared.body = mark_safe(  # noqa: S308 - removing attributes from our own markup
            re.sub(r'(<img\b[^>]*?)\bsrc="(?!images/)[^"]*"', r"\1", prepared.body)
        )
    written = ["index.html", "edition.css"]
    (target / "index.html").write_text(
        render_to_string("publishing/edition/index.html", context), encoding="utf-8"
    )
    shutil.copyfile(_static_path(EDITION_STYLESHEET), target / "edition.css")
    prepared_articles = context["articles"]
    for index, prepared in enumerate(prepared_articles):
        page = render_to_string("publishing/edition/article.html", {
            **context,
            "article": prepared,
            "previous": prepared_articles[index - 1] if index else None,
            "next": prepared_articles[index + 1] if index + 1 < len(prepared_articles) else None,
            "standalone": False,
        })
        (target / prepared.filename).write_text(page, encoding="utf-8")
        written.append(prepared.filename)
    if images:
        (target / "images").mkdir(exist_ok=True)
        for name, path in sorted(images.items()):
            shutil.copyfile(path, target / "images" / name)
            written.append(f"images/{name}")
    return written
