"""Inter-character justification for Chinese text, patched into WeasyPrint 70.0.

WeasyPrint 70 justifies a line only by widening its spaces, which leaves Chinese lines ragged
(they have no spaces) and puts all the slack of a mixed line into its few spaces. For text in
``lang="zh-*"`` the slack is spread between the Chinese characters instead (inter-character
justification, as Chinese typesetting does).

The patch replaces two WeasyPrint internals, so it is written for one WeasyPrint version
(``WEASYPRINT_VERSION``). Importing this module changes nothing and imports no WeasyPrint:
the renderer calls ``install()`` before it runs WeasyPrint, and ``install()`` refuses, with
``ImproperlyConfigured``, any other WeasyPrint version; the system check
``publishing.E001`` (``publishing.checks``) says the same at start-up, so a deployment with
the wrong WeasyPrint does not start instead of printing ragged Chinese.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

from publishing.rendering.typography import WIDE_CHARACTERS

# The WeasyPrint release whose internals (``Layout.set_text``, ``count_expandable_spaces``)
# this patch was written against and checked with.
WEASYPRINT_VERSION = "70.0"


def version_problem(installed: str) -> str | None:
    """Why the patch cannot run on WeasyPrint ``installed``, or None if it can."""
    if installed == WEASYPRINT_VERSION:
        return None
    return (f"WeasyPrint {installed} is installed, but Chinese inter-character justification "
            f"(publishing/rendering/justification.py) is written for WeasyPrint "
            f"{WEASYPRINT_VERSION}: install weasyprint=={WEASYPRINT_VERSION} (requirements.lock), "
            "or port the patch to the new version and update WEASYPRINT_VERSION.")


def _is_zh(style) -> bool:
    return str(style["lang"] or "").lower().startswith("zh")


# What justification may widen in Chinese text: each wide character, and spaces — except the
# dash and the ellipsis, which are set as pairs (——, ……) and must never open up ("— —").
_STRETCHABLE = WIDE_CHARACTERS.replace("…", "").replace("—", "")
_EXPANDABLE_RE = re.compile(f"[ \u00a0{_STRETCHABLE}]")
_EXPANDABLE_RUNS_RE = re.compile(f"( +|\u00a0+|[{_STRETCHABLE}]+)")


def _count_expandable(box) -> int:
    """Justification opportunities: spaces, and in Chinese text every wide character too."""
    from weasyprint.formatting_structure import boxes as wp_boxes

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
    from weasyprint.text.ffi import TO_UNITS, ffi, pango

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


def installed() -> bool:
    """Whether this process's WeasyPrint justifies Chinese text inter-character."""
    from weasyprint.text import line_break as wp_line_break

    return getattr(wp_line_break.Layout.set_text, "cjk_justification", False)


def install() -> None:
    """Spread justification slack over Chinese characters, not just spaces (idempotent).

    Raises ``ImproperlyConfigured`` on a WeasyPrint other than ``WEASYPRINT_VERSION``: the
    patch would either fail or, worse, quietly set ragged or overfull Chinese lines.
    """
    import weasyprint

    problem = version_problem(weasyprint.__version__)
    if problem:
        raise ImproperlyConfigured(problem)
    if installed():
        return
    from weasyprint.layout import inline as wp_inline
    from weasyprint.text import line_break as wp_line_break

    wp_inline.count_expandable_spaces = _count_expandable
    wp_line_break.Layout.set_text = _set_text_with_cjk_justification(wp_line_break.Layout.set_text)
