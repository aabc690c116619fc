"""Compatibility façade: ``publishing.rendering.typography`` under its old import path."""

from publishing.rendering.typography import (
    CLOSING_PUNCTUATION,
    OPENING_PUNCTUATION,
    WIDE_CHARACTERS,
    WIDE_RE,
    autospace,
    is_cjk,
    typeset_html,
    typeset_text,
)

__all__ = ["CLOSING_PUNCTUATION", "OPENING_PUNCTUATION", "WIDE_CHARACTERS", "WIDE_RE", "autospace",
           "is_cjk", "typeset_html", "typeset_text"]
