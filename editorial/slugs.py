"""URL slugs for Chinese titles: pinyin, ASCII only, short enough to read."""

from __future__ import annotations

import re

from django.utils.text import slugify

MAX_WORDS = 8


def slug_from_text(text: str, *, max_length: int = 80) -> str:
    """``塑造数字贸易发展新优势`` → ``su-zao-shu-zi-mao-yi-fa-zhan``; Latin words kept as they are."""
    # Imported here: pypinyin's dictionaries take a quarter of a second to load, which every
    # command and worker start-up paid whether or not it made a slug.
    from pypinyin import Style, lazy_pinyin

    words = lazy_pinyin(text, style=Style.NORMAL, errors="default")
    slug = slugify(" ".join(words))
    parts = [p for p in slug.split("-") if p][:MAX_WORDS]
    slug = "-".join(parts)[:max_length].strip("-")
    return slug or "article"


def slug_from_filename(stem: str) -> str:
    """``01-li-xilin-digital-trade`` → ``li-xilin-digital-trade``: the bundle file's own words."""
    rest = re.sub(r"^\d+[-_.]*", "", stem)
    if rest and re.fullmatch(r"[A-Za-z0-9_-]+", rest):
        return slugify(rest)[:100]
    return slug_from_text(rest) if rest else ""


def unique_slug(base: str, taken: set[str] | None = None, *, exists=None) -> str:
    """``base`` or ``base-2``, ``base-3`` … whichever is free in ``taken`` and ``exists(slug)``."""
    taken = taken or set()
    candidate, counter = base, 1
    while candidate in taken or (exists is not None and exists(candidate)):
        counter += 1
        candidate = f"{base}-{counter}"
    return candidate
