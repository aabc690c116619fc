"""Headlines broken only between words (the jieba segmenter, loaded on first use) and
balanced over their lines; editors force a break with ``|``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from functools import cache
from pathlib import Path

from publishing.rendering.typography.text import (
    CLOSING_PUNCTUATION,
    HEADLINE_BREAK,
    IDEOGRAPHIC_SPACE,
    NO_BREAK_SPACE,
    OPENING_PUNCTUATION,
    WIDE_RE,
    WORD_JOINER,
    _compress_punctuation,
    autospace,
    bind_units,
)

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
