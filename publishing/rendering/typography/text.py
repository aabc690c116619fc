"""Chinese text polish of plain text: spacing between Han and Latin, closed-up runs, dashes,
full-width brackets, bound units, no 孤字 and punctuation compression.
"""

from __future__ import annotations

import html
import itertools
import re

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
