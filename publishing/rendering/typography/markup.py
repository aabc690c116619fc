"""Sanitised HTML typeset: the text of each block gets the plain-text polish, markup and
verbatim elements pass through unchanged.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser

from publishing.rendering.typography.text import (
    IDEOGRAPHIC_SPACE,
    _compress_punctuation,
    autospace,
    bind_paragraph_end,
    bind_units,
)

# Elements whose text is laid out apart from what surrounds it: spacing never crosses them.
_BLOCK_TAGS = {
    "p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "hr",
    "table", "thead", "tbody", "tr", "th", "td", "figure", "figcaption", "img", "div",
    "section", "article", "header", "footer",
}
_VERBATIM_TAGS = {"code", "pre"}
# Elements whose text ends a paragraph: their last line gets the no-孤字 binding.
_PARAGRAPH_TAGS = {"p", "li", "blockquote", "dd", "figcaption"}


class _Typesetter(HTMLParser):
    """Re-emits sanitised HTML unchanged except for the text, which gets ``autospace``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str | list[str]] = []  # str: markup; list: [text] to be typeset
        self.verbatim = 0
        self.runs: list[list[list[str]]] = [[]]  # text nodes that flow together
        self.paragraph_ends: set[int] = set()  # ids of runs that end a paragraph

    def _markup(self, value: str) -> None:
        self.parts.append(value)

    def _break_flow(self) -> None:
        if self.runs[-1]:
            self.runs.append([])

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self._break_flow()
        if tag in _VERBATIM_TAGS:
            self.verbatim += 1
            self._break_flow()
        self._markup(self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self._break_flow()
        self._markup(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in _PARAGRAPH_TAGS and self.runs[-1]:
            self.paragraph_ends.add(id(self.runs[-1]))
        if tag in _BLOCK_TAGS:
            self._break_flow()
        if tag in _VERBATIM_TAGS:
            self.verbatim = max(0, self.verbatim - 1)
            self._break_flow()
        self._markup(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self.verbatim:
            self._markup(html.escape(data, quote=False))
            return
        node = [data]
        self.parts.append(node)
        self.runs[-1].append(node)

    def handle_comment(self, data: str) -> None:
        pass

    def handle_decl(self, decl: str) -> None:
        pass

    def result(self) -> str:
        for run in self.runs:
            _typeset_run(run, paragraph_end=id(run) in self.paragraph_ends)
        return "".join(p if isinstance(p, str) else p[0] for p in self.parts)


def _typeset_run(nodes: list[list[str]], *, paragraph_end: bool = False) -> None:
    """Typeset text nodes that flow together (e.g. ``数据<strong>DEPA</strong>协定``) in place."""
    if not nodes:
        return
    texts = [node[0] for node in nodes]
    # Space across element boundaries: decide on the joined text, then give each node its part.
    pieces = [bind_units(piece) for piece in _split_like(texts, autospace("".join(texts)))]
    if paragraph_end:
        pieces[-1] = bind_paragraph_end(pieces[-1])
    for index, node in enumerate(nodes):
        before = pieces[index - 1][-1:] if index else ""
        after = pieces[index + 1][:1] if index + 1 < len(pieces) else ""
        node[0] = _compress_punctuation(pieces[index], before, after)


def _split_like(originals: list[str], spaced: str) -> list[str]:
    """Cut ``spaced`` (``autospace`` of the joined originals) back into one piece per original.

    ``autospace`` only inserts, removes or widens spaces (and swaps a character for its
    full-width form), so the other characters line up; a space that falls on a boundary goes to
    the start of the following piece.
    """
    pieces: list[str] = []
    position = 0
    for index, original in enumerate(originals):
        if index == len(originals) - 1:
            pieces.append(spaced[position:])
            break
        wanted = len(original.replace(" ", "").replace(IDEOGRAPHIC_SPACE, ""))
        start = position
        seen = 0
        while position < len(spaced) and seen < wanted:
            if spaced[position] not in (" ", IDEOGRAPHIC_SPACE):
                seen += 1
            position += 1
        # Keep spaces the original ended with (they separate words), move inserted ones on.
        trailing = len(original) - len(original.rstrip(" "))
        while trailing and position < len(spaced) and spaced[position] == " ":
            position += 1
            trailing -= 1
        pieces.append(spaced[start:position])
    return pieces


def typeset_html(value: str) -> str:
    """Sanitised HTML → the same HTML with its text typeset; code and pre are left alone."""
    if not value:
        return ""
    parser = _Typesetter()
    parser.feed(value)
    parser.close()
    return parser.result()
