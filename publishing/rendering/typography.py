"""Chinese text polish applied when an edition is rendered; stored content is never changed.

Both the PDF and the HTML edition pass their text through here, so they read the same:

- one space (¼ em in the Noto CJK fonts) between Han characters and Latin letters or digits,
  whatever the editor typed: ``2023年`` and ``2023 年`` both print as ``2023 年``;
- spaces between Chinese characters: a run of single characters with spaces between them is a
  PDF-copy artefact (``开 放 人 工 智 能``) and is closed up; a space the author typed between
  two phrases (``应对数字服务贸易壁垒 释放中国数字服务贸易潜能``) is kept, set as a full-width
  space; spaces next to full-width punctuation always go;
- the two-em dash: ``— —``, ``－－``, ``――`` and ``--`` between Chinese become ``——``;
- half-width brackets around or beside Chinese become full-width: ``(一)`` → ``（一）``,
  ``协定(CPTPP)`` → ``协定（CPTPP）``;
- a number and its unit never part at a line end: ``2600 亿元`` is bound with a no-break
  space and word joiners (U+2060, invisible and absent from copied text);
- no 孤字: the last two characters of a paragraph are bound to each other and to its closing
  punctuation, so a last line never holds one character and its stop;
- consecutive full-width punctuation is compressed (标点挤压): in ``”，`` or ``。“`` the first
  mark is set half-width, as the Chinese layout requirements (clreq) describe.

Headlines are broken only between words and balanced over their lines (``headline_lines``,
with the jieba segmenter); editors can force a break with ``|``.

Line-start/line-end rules for punctuation need nothing here: Pango follows UAX #14, which keeps
closing punctuation off the start of a line and opening punctuation off its end.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import logging
import os
import re
import tempfile
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

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

WORD_JOINER = "\u2060"
NO_BREAK_SPACE = "\u00a0"
IDEOGRAPHIC_SPACE = "\u3000"
HEADLINE_BREAK = "|"  # typed by editors in a title to force a line break there

# Spaces next to full-width punctuation are never meaningful.
_SPACE_AT_PUNCTUATION = re.compile(
    f"(?<=[{CLOSING_PUNCTUATION}{OPENING_PUNCTUATION}]) +(?=[{_HAN}{OPENING_PUNCTUATION}])"
    f"|(?<=[{_HAN}{CLOSING_PUNCTUATION}]) +(?=[{CLOSING_PUNCTUATION}{OPENING_PUNCTUATION}])"
)
# A run of Han characters with single spaces (or ideographic spaces) between them.
_HAN_SPACED_RUN = re.compile(f"{_HAN_RE}+(?:[ \u3000]+{_HAN_RE}+)+")
_DASH_VARIANTS = re.compile(
    f"(?<=[{_HAN}{CLOSING_PUNCTUATION}{OPENING_PUNCTUATION}“”‘’ ])"
    "(?:— *—|－ *－|― *―|--)"
    f"(?=[ {_HAN}{CLOSING_PUNCTUATION}{OPENING_PUNCTUATION}“”‘’]|$)"
    f"|^(?:— *—|－ *－|― *―)"
)
_HALF_BRACKETS = re.compile(r"\(([^()\n]{1,80})\)")
_HAN_OR_WIDE_PUNCT = re.compile(f"[{_HAN}{CLOSING_PUNCTUATION}{OPENING_PUNCTUATION}“”]")
# Units and measure words that follow a number in Chinese text (longest first).
_UNITS = sorted("""
    万亿元 万亿美元 亿美元 万美元 亿欧元 亿元 万元 千元 元 美元 欧元 日元 港元 英镑 人民币 万亿 亿
    万 千 百 个百分点 百分点 万吨 吨 公斤 千克 克 平方公里 平方米 公里 千米 米 厘米 毫米 千瓦时
    兆瓦 吉瓦 千瓦 瓦 个 家 项 件 名 人 位 次 倍 种 批 场 期 篇 条 款 份 所 座 台 辆 艘 架 户 届 年
    月 日 号 天 小时 分钟 秒 岁 周 季度 多 余 强 家次 人次 万人 亿人
""".split(), key=len, reverse=True)  # noqa: SIM905 - a word list
_NUMBER_UNIT = re.compile(
    r"(?<![A-Za-z0-9.])(\d[\d,.]*%?) ?(" + "|".join(_UNITS) + ")"
)
_PARAGRAPH_END = re.compile(
    f"({_HAN_RE})({_HAN_RE})([{CLOSING_PUNCTUATION}”’…—]*)\\s*$"
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


def _close_spaced_run(match: re.Match[str]) -> str:
    """Close up spaces that separate single characters (an extraction artefact); keep (as a
    full-width space) one the author put between two phrases."""
    tokens = re.split(r"[ \u3000]+", match.group(0))
    if len(tokens) >= 3 and sum(len(t) == 1 for t in tokens) * 2 >= len(tokens):
        return "".join(tokens)
    out = tokens[0]
    for previous, token in itertools.pairwise(tokens):
        out += ("" if len(previous) == 1 and len(token) == 1 and len(tokens) >= 3
                else IDEOGRAPHIC_SPACE) + token
    return out


def _full_width_brackets(match: re.Match[str]) -> str:
    inner = match.group(1)
    text = match.string
    before = text[match.start() - 1] if match.start() else ""
    after = text[match.end()] if match.end() < len(text) else ""
    if (_HAN_OR_WIDE_PUNCT.search(inner) or _HAN_OR_WIDE_PUNCT.match(before)
            or _HAN_OR_WIDE_PUNCT.match(after)):
        return f"（{inner.strip()}）"
    return match.group(0)


def autospace(text: str) -> str:
    """Normalise the spacing, dashes and brackets of plain text (see the module docstring)."""
    text = _DASH_VARIANTS.sub("——", text)
    text = _HALF_BRACKETS.sub(_full_width_brackets, text)
    text = _SPACE_AT_PUNCTUATION.sub("", text)
    text = _HAN_SPACED_RUN.sub(_close_spaced_run, text)
    text = _HAN_THEN_LATIN.sub(" ", text)
    return _LATIN_THEN_HAN.sub(" ", text)


def bind_units(text: str) -> str:
    """Keep a number with its unit: ``2600 亿元`` → no-break space, joiners inside the unit."""
    def bind(match: re.Match[str]) -> str:
        number, unit = match.group(1), match.group(2)
        space = NO_BREAK_SPACE if match.group(0) != number + unit else ""
        return number + space + WORD_JOINER.join(unit)
    return _NUMBER_UNIT.sub(bind, text)


def bind_paragraph_end(text: str) -> str:
    """No 孤字: bind a paragraph's last two characters to each other and to its stop."""
    match = _PARAGRAPH_END.search(text)
    if not match:
        return text
    first, second, stops = match.groups()
    bound = first + WORD_JOINER + second + (WORD_JOINER + stops if stops else "")
    return text[:match.start()] + bound + text[match.start() + len(first + second + stops):]


def plain_title(text: str) -> str:
    """A title for places without line breaks (contents, bookmarks, <title>): the manual break
    marker goes; spacing as in print."""
    return autospace(re.sub(r" *\| *", lambda m: " " if m.group(0).strip(" ") != m.group(0)
                            and " " in m.group(0) else "", text)).strip()


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
    """Plain text → HTML-safe text with spacing, units and punctuation compression applied."""
    spaced = bind_units(autospace(text))
    return _compress_punctuation(spaced, "", "")


# --------------------------------------------------------------------------- headlines

logger = logging.getLogger(__name__)
# The segmenter loads the most frequent words of jieba's dictionary only: a headline needs
# common words, and 30,000 of them load in 0.07 s where the whole dictionary takes a second.
_HEADLINE_WORDS = 30_000


def _words_file() -> Path:
    """jieba's dictionary cut to its most frequent words, made once and kept in $TMPDIR."""
    import jieba

    source = Path(jieba.__file__).with_name("dict.txt")
    stat = source.stat()
    key = hashlib.sha256(f"{source}|{stat.st_size}|{stat.st_mtime_ns}|{_HEADLINE_WORDS}"
                         .encode()).hexdigest()[:32]
    folder = Path(tempfile.gettempdir()) / f"bulletin-headline-words-{os.getuid()}"
    target = folder / f"{key}.txt"
    if not target.is_file():
        rows = [line.split() for line in source.read_text(encoding="utf-8").splitlines()]
        rows = sorted((r for r in rows if len(r) >= 2), key=lambda r: -int(r[1]))
        folder.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.part")
        partial.write_text("".join(" ".join(r[:2]) + "\n" for r in rows[:_HEADLINE_WORDS]),
                           encoding="utf-8")
        os.replace(partial, target)
    return target


@cache
def _segmenter():
    """A jieba tokenizer, built on first use (imported lazily: web workers never load it)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    words = _words_file()
    tokenizer = jieba.Tokenizer(str(words))
    tokenizer.tmp_dir = str(words.parent)
    tokenizer.cache_file = f"{words.stem}.cache"
    tokenizer.initialize()
    return tokenizer


def _em_width(text: str) -> float:
    """Rough width in ems: wide characters 1, spaces ¼, Latin letters and digits about ½."""
    width = 0.0
    for char in text:
        if char == WORD_JOINER:
            continue
        if WIDE_RE.fullmatch(char) or char == IDEOGRAPHIC_SPACE:
            width += 1
        elif char in " \u00a0":
            width += 0.25
        else:
            width += 0.55 if char.isupper() or char.isdigit() else 0.5
    return width


_QUOTED = re.compile(r"[“‘《「][^“”‘’《》「」]{1,10}[”’》」]")


def headline_units(text: str) -> list[str]:
    """Pieces of a headline between which a line may break: between two Chinese words, after
    punctuation, at a space between phrases; never inside a word, between a number and its
    unit, between Chinese and the Latin word spaced from it, or inside a short quotation."""
    text = bind_units(autospace(text))
    protected = [m.span() for m in _QUOTED.finditer(text)]
    position, cuts = 0, set()
    for token in _segmenter().lcut(text.replace(WORD_JOINER, ""), HMM=True):
        position_in_text = position
        position += len(token)
        cuts.add(position_in_text)
    # Map cut positions from the joiner-free text back onto ``text``.
    mapping, plain_index = {}, 0
    for index, char in enumerate(text):
        if char != WORD_JOINER:
            mapping[plain_index] = index
            plain_index += 1
    mapping[plain_index] = len(text)
    allowed = []
    for cut in sorted(mapping[c] for c in cuts if c in mapping):
        if cut <= 0 or cut >= len(text):
            continue
        before, after = text[cut - 1], text[cut]
        if any(start < cut < end for start, end in protected):
            continue
        if WORD_JOINER in (before, after) or NO_BREAK_SPACE in (before, after):
            continue
        if before in OPENING_PUNCTUATION or after in CLOSING_PUNCTUATION + "”’":
            continue
        if before == " " or after == " ":  # autospace between Chinese and Latin: one phrase
            continue
        if after == IDEOGRAPHIC_SPACE:  # break after the space, never before it
            continue
        if not (WIDE_RE.fullmatch(before) or before == IDEOGRAPHIC_SPACE) or not (
                WIDE_RE.fullmatch(after)):
            continue
        allowed.append(cut)
    units, start = [], 0
    for cut in allowed:
        units.append(text[start:cut])
        start = cut
    units.append(text[start:])
    return units


def _break_bonus(unit: str) -> float:
    """How welcome a line end after ``unit`` is (after punctuation or a phrase space: very)."""
    return 1.0 if unit[-1:] in CLOSING_PUNCTUATION + "”’" + IDEOGRAPHIC_SPACE else 0.0


def balance_lines(units: list[str], measure_em: float) -> list[str]:
    """Join ``units`` into the fewest lines that fit ``measure_em``, as even as possible,
    preferring line ends after punctuation."""
    total = _em_width("".join(units))
    if total <= measure_em or len(units) == 1:
        return ["".join(units)]
    widths = [_em_width(u) for u in units]
    count = len(units)
    best: tuple[float, list[str]] | None = None
    for lines in range(2, count + 1):
        target = total / lines
        # cost[i][k]: best cost of setting units[:i] on k lines; keep the break positions.
        inf = float("inf")
        cost = [[inf] * (lines + 1) for _ in range(count + 1)]
        back = [[0] * (lines + 1) for _ in range(count + 1)]
        cost[0][0] = 0.0
        for end in range(1, count + 1):
            for k in range(1, lines + 1):
                width = 0.0
                for start in range(end - 1, -1, -1):
                    width += widths[start]
                    if width > measure_em:
                        break
                    if cost[start][k - 1] == inf:
                        continue
                    bonus = _break_bonus(units[end - 1]) if end < count else 0.0
                    value = cost[start][k - 1] + (width - target) ** 2 - bonus * target
                    if value < cost[end][k]:
                        cost[end][k], back[end][k] = value, start
        if cost[count][lines] < inf:
            out, end = [], count
            for k in range(lines, 0, -1):
                start = back[end][k]
                out.append("".join(units[start:end]))
                end = start
            best = (cost[count][lines], out[::-1])
            break
    if best is None:  # a single unit wider than the line: let the renderer wrap it
        return ["".join(units)]
    return [line.rstrip(IDEOGRAPHIC_SPACE) for line in best[1]]


def typeset_headline(text: str, measure_em: float | None = None) -> str:
    """A headline as HTML: forced breaks at ``|``; with ``measure_em`` balanced lines joined by
    ``<br>``; word joiners inside words so that a renderer can only wrap between them."""
    if measure_em and HEADLINE_BREAK not in text:
        plain = bind_units(autospace(text))
        if _em_width(plain) <= measure_em:  # one line: no break to place, no segmenter needed
            return _compress_punctuation(plain, "", "")
    lines: list[str] = []
    for part in re.split(r" *\| *", text):
        if not part.strip():
            continue
        units = headline_units(part)
        bound = [_join_inside(unit) for unit in units]
        lines.extend(balance_lines(bound, measure_em) if measure_em else ["".join(bound)])
    return "<br>".join(_compress_punctuation(line, "", "") for line in lines)


def _join_inside(unit: str) -> str:
    """Word joiners between the Chinese characters of one unit (a word or a bound phrase)."""
    out = []
    for index, char in enumerate(unit):
        if index and WIDE_RE.fullmatch(char) and WIDE_RE.fullmatch(unit[index - 1]) and (
                char not in CLOSING_PUNCTUATION) and unit[index - 1] != IDEOGRAPHIC_SPACE:
            out.append(WORD_JOINER)
        out.append(char)
    return "".join(out)


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
