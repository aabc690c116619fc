"""Periodical layout decisions the print HTML needs before WeasyPrint lays it out.

- headline measure: how many title-size ems fit the text block (for balanced headlines);
- images on the line grid: an image's printed height rounded to whole body lines;
- the masthead page (版权页) and back cover, from the publication's settings;
- the print-shop page count: blank pages so that cover to back cover is a multiple of four.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.safestring import SafeString
from PIL import Image, UnidentifiedImageError

from editorial.models import Issue, Section, SectionLayout

TITLE_EM = 1.75  # .article-title font size in print.css, in body ems
NEWS_TITLE_EM = 1.15  # .section-two-columns .article-title
LINE_EM = 1.8  # the body line (print.css: line-height 1.8rem)
COLUMN_GAP_EM = 2
MAX_IMAGE_SHARE = 0.4  # of the page height, as the renderer's geometry limits images


def headline_measure(line_chars: int, section: Section) -> float:
    """The text block (or column) width in title-size ems, a little short to be safe."""
    if section.layout == SectionLayout.TWO_COLUMNS:
        return ((line_chars - COLUMN_GAP_EM) / 2) / NEWS_TITLE_EM - 0.3
    return line_chars / TITLE_EM - 0.3


def image_size(path: Path) -> tuple[int, int] | None:
    try:
        with Image.open(path) as image:
            return image.size
    except (OSError, UnidentifiedImageError):
        return None


def grid_image_style(size: tuple[int, int] | None, *, measure_em: float,
                     max_height_em: float) -> str:
    """An inline style giving an image a height of whole body lines (the line grid)."""
    if not size or not size[0] or not size[1]:
        return ""
    width, height = size
    natural = min(measure_em * height / width, max_height_em)
    lines = max(2, math.floor(natural / LINE_EM))
    return f"height: {lines * LINE_EM:.2f}rem; width: auto;"


_IMG_TAG = re.compile(r"<img\b[^>]*>")
_SRC = re.compile(r'\bsrc="([^"]*)"')
_ALT = re.compile(r'\balt="([^"]*)"')


def body_images_on_grid(body: str, resolve: callable, *, measure_em: float,
                        max_height_em: float, fallback_alt: str) -> str:
    """Give every body image a grid height and an alternative text (PDF/UA: figures need
    one; an image without its own gets the caption-less ``fallback_alt``)."""

    def rewrite(match: re.Match[str]) -> str:
        tag = match.group(0)
        src = _SRC.search(tag)
        path = resolve(src.group(1)) if src else None
        style = grid_image_style(image_size(path) if path else None, measure_em=measure_em,
                                 max_height_em=max_height_em)
        alt = _ALT.search(tag)
        if alt is None or not alt.group(1).strip():
            tag = _ALT.sub("", tag)
            tag = tag[:4] + f' alt="{fallback_alt}"' + tag[4:]
        if style:
            tag = tag[:4] + f' style="{style}"' + tag[4:]
        return tag

    return _IMG_TAG.sub(rewrite, body)


@dataclass
class Masthead:
    name: str
    issue: str
    entries: list[tuple[str, SafeString | str]] = field(default_factory=list)
    note: str = ""
    back_lines: list[str] = field(default_factory=list)


def masthead_for(issue: Issue, typeset) -> Masthead:
    """The 版权页 and back-cover text of ``issue`` from its publication's settings."""
    publication = issue.publication
    date = issue.cover_date
    issue_line = f"第 {issue.number} 期"
    if date:
        issue_line += f"　{date.year} 年 {date.month} 月出版"
    entries = [(label, typeset(value)) for label, value in publication.masthead_lines()]
    if date:
        entries.append(("出版日期", typeset(f"{date.year} 年 {date.month} 月 {date.day} 日")))
    back = []
    if publication.publisher:
        back.append(typeset(f"{publication.publisher}　主办"))
    if publication.address:
        back.append(typeset(publication.address))
    if publication.phone:
        back.append(typeset(f"电话：{publication.phone}"))
    if publication.issn:
        back.append(f"ISSN {publication.issn}")
    elif publication.internal_permit:
        back.append(typeset(f"内部资料准印证号：{publication.internal_permit}"))
    return Masthead(name=typeset(publication.name), issue=typeset(issue_line), entries=entries,
                    note=typeset(publication.masthead_note), back_lines=back)


def blank_pages_needed(content_pages: int, end_pages: int = 2) -> int:
    """Blank pages before the masthead so that the whole issue is a multiple of four pages."""
    return (-(content_pages + end_pages)) % 4
