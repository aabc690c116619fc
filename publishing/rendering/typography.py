"""Chinese text polish applied when an edition is rendered; stored content is never changed.

Both the PDF and the HTML edition pass their text through here, so they read the same:

- one space (¼ em in the Noto CJK fonts) between Han characters and Latin letters or digits,
  whatever the editor typed: ``2023年`` and ``2023 年`` both print as ``2023 年``;
- stray ASCII spaces between two Chinese characters (a PDF-copy artefact such as
  ``开 放 人 工 智 能``) are dropped;
- consecutive full-width punctuation is compressed (标点挤压): in ``”，`` or ``。“`` the first
  mark is set half-width, as the Chinese layout requirements (clreq) describe.

Line-start/line-end rules for punctuation need nothing here: Pango follows UAX #14, which keeps
closing punctuation off the start of a line and opening punctuation off its end.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

# Han ideographs (BMP and supplementary planes), kana, bopomofo: the characters spaced from Latin.
_HAN = (
    "\u2e80-\u2eff\u2f00-\u2fdf\u3040-\u309f\u30a0-\u30ff\u3100-\u312f\u31a0-\u31bf"
    "\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
)
_HAN_RE = f"[{_HAN}]"
_LATIN_START = "[A-Za-z0-9]"
_LATIN_END = "[A-Za-z0-9%°]"

# Full-width punctuation whose blank half sits after the glyph (closing) or before it (opening).
CLOSING_PUNCTUATION = "，。、；：？！）》」』】〕〗〉”’"
OPENING_PUNCTUATION = "（《「『【〔〖〈“‘"

_SPACE_BETWEEN_CJK = re.compile(
    f"(?<=[{_HAN}{CLOSING_PUNCTUATION}{OPENING_PUNCTUATION}]) +"
    f"(?=[{_HAN}{CLOSING_PUNCTUATION}{OPENING_PUNCTUATION}])"
)
_HAN_THEN_LATIN = re.compile(f"(?<={_HAN_RE}) *(?={_LATIN_START})")
_LATIN_THEN_HAN = re.compile(f"(?<={_LATIN_END}) *(?={_HAN_RE})")


# Wide characters (Unicode East Asian Width W or F: Han, kana, hangul, full-width punctuation
# and forms) plus the punctuation the Chinese fonts set full width.
WIDE_CHARACTERS = (
    "\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe6f\uff01-\uff60\uffe0-\uffe6"
    "\U00020000-\U0003fffd“”‘’…—·"
)
WIDE_RE = re.compile(f"[{WIDE_CHARACTERS}]")


def is_cjk(char: str) -> bool:
    """Wide characters: Han, kana, full-width punctuation and forms."""
    return WIDE_RE.fullmatch(char) is not None


def autospace(text: str) -> str:
    """Normalise the spacing of plain text (see the module docstring)."""
    text = _SPACE_BETWEEN_CJK.sub("", text)
    text = _HAN_THEN_LATIN.sub(" ", text)
    return _LATIN_THEN_HAN.sub(" ", text)


def _compressible(text: str, index: int, before: str, after: str) -> bool:
    """Whether the punctuation mark at ``index`` gives up its blank half."""
    char = text[index]
    following = text[index + 1] if index + 1 < len(text) else after
    preceding = text[index - 1] if index else before
    if char in CLOSING_PUNCTUATION:
        return bool(following) and following in CLOSING_PUNCTUATION + OPENING_PUNCTUATION
    if char in OPENING_PUNCTUATION:
        return bool(preceding) and preceding in OPENING_PUNCTUATION
    return False


def _compress_punctuation(text: str, before: str, after: str) -> str:
    """Escape ``text`` for HTML, wrapping compressible marks in ``<span class="zh-half">``."""
    out: list[str] = []
    for index, char in enumerate(text):
        if _compressible(text, index, before, after):
            out.append(f'<span class="zh-half">{char}</span>')
        else:
            out.append(html.escape(char, quote=False))
    return "".join(out)


def typeset_text(text: str) -> str:
    """Plain text → HTML-safe text with spacing and punctuation compression applied."""
    spaced = autospace(text)
    return _compress_punctuation(spaced, "", "")


# Elements whose text is laid out apart from what surrounds it: spacing never crosses them.
_BLOCK_TAGS = {
    "p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "hr",
    "table", "thead", "tbody", "tr", "th", "td", "figure", "figcaption", "img", "div",
    "section", "article", "header", "footer",
}
_VERBATIM_TAGS = {"code", "pre"}


class _Typesetter(HTMLParser):
    """Re-emits sanitised HTML unchanged except for the text, which gets ``autospace``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str | list[str]] = []  # str: markup; list: [text] to be typeset
        self.verbatim = 0
        self.runs: list[list[list[str]]] = [[]]  # text nodes that flow together

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
            _typeset_run(run)
        return "".join(p if isinstance(p, str) else p[0] for p in self.parts)


def _typeset_run(nodes: list[list[str]]) -> None:
    """Typeset text nodes that flow together (e.g. ``数据<strong>DEPA</strong>协定``) in place."""
    if not nodes:
        return
    texts = [node[0] for node in nodes]
    # Space across element boundaries: decide on the joined text, then give each node its part.
    pieces = _split_like(texts, autospace("".join(texts)))
    for index, node in enumerate(nodes):
        before = pieces[index - 1][-1:] if index else ""
        after = pieces[index + 1][:1] if index + 1 < len(pieces) else ""
        node[0] = _compress_punctuation(pieces[index], before, after)


def _split_like(originals: list[str], spaced: str) -> list[str]:
    """Cut ``spaced`` (``autospace`` of the joined originals) back into one piece per original.

    ``autospace`` only inserts or removes ASCII spaces, so the non-space characters line up; a
    space that falls on a boundary goes to the start of the following piece.
    """
    pieces: list[str] = []
    position = 0
    for index, original in enumerate(originals):
        if index == len(originals) - 1:
            pieces.append(spaced[position:])
            break
        wanted = len(original.replace(" ", ""))
        start = position
        seen = 0
        while position < len(spaced) and seen < wanted:
            if spaced[position] != " ":
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
