"""Render errors, importable without importing WeasyPrint."""

from __future__ import annotations


class RenderError(Exception):
    """The edition could not be rendered; the message says why in plain words."""


class MissingGlyphsError(RenderError):
    """Some text has characters the fonts cannot draw; it would print as empty boxes (tofu).

    ``problems`` is a list of (where, characters): where names the article (or the part of the
    issue), characters is a string of the offending characters.
    """

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems)
        self.problems = problems

    def __str__(self) -> str:
        parts = []
        for where, chars in self.problems:
            listed = ", ".join(f"“{c}” U+{ord(c):04X}" for c in chars)
            parts.append(f"{where}: characters the fonts cannot draw: {listed}")
        return "; ".join(parts)
