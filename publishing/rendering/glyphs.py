"""The glyph check: every character of the content against the fonts' character maps.

Needs fontconfig and (to read a font's cmap the first time) fontTools, never WeasyPrint: the
planning board's readiness check uses it in the web process. A character that would print as
tofu fails the render with the article's name.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
import unicodedata
from array import array
from functools import cache
from pathlib import Path

from django.utils.translation import gettext

from editorial.models import Article, Issue
from editorial.richtext import plain_text
from publishing.errors import MissingGlyphsError, RenderError
from publishing.rendering.selectors import printed_content

SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"


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
    # Imported only on a cache miss: the board's readiness check runs in web workers, which
    # then never load fontTools once the cmaps are cached.
    from fontTools.ttLib import TTFont

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
    for names, note in printed_content(article).byline_groups():
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
        sources.append((gettext("第 %(number)s 期（封面、编者按、书眉）") % {"number": issue.number},
                        _issue_texts(issue)))
    sources.extend((gettext("文章《%(title)s》") % {"title": a.title}, _article_texts(a))
                   for a in articles)
    return sources


def check_glyphs(sources: list[tuple[str, str]]) -> None:
    """Raise ``MissingGlyphsError`` naming every place with characters the fonts lack."""
    problems = [(where, chars) for where, text in sources
                if (chars := undrawable_characters(text))]
    if problems:
        raise MissingGlyphsError(problems)
