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

Split in three: ``text`` (the plain-text rules above), ``headlines`` (word breaks and balanced
lines) and ``markup`` (``typeset_html``: the rules applied to the text of sanitised HTML). Every
public name stays importable from ``publishing.rendering.typography``.
"""

from __future__ import annotations

from publishing.rendering.typography.headlines import balance_lines, headline_units, typeset_headline
from publishing.rendering.typography.markup import typeset_html
from publishing.rendering.typography.text import (
    CLOSING_PUNCTUATION,
    HEADLINE_BREAK,
    IDEOGRAPHIC_SPACE,
    NO_BREAK_SPACE,
    OPENING_PUNCTUATION,
    WIDE_CHARACTERS,
    WIDE_RE,
    WORD_JOINER,
    autospace,
    bind_paragraph_end,
    bind_units,
    is_cjk,
    plain_title,
    typeset_text,
)

__all__ = [
    "CLOSING_PUNCTUATION", "HEADLINE_BREAK", "IDEOGRAPHIC_SPACE", "NO_BREAK_SPACE",
    "OPENING_PUNCTUATION", "WIDE_CHARACTERS", "WIDE_RE", "WORD_JOINER", "autospace",
    "balance_lines", "bind_paragraph_end", "bind_units", "headline_units", "is_cjk",
    "plain_title", "typeset_headline", "typeset_html", "typeset_text",
]
