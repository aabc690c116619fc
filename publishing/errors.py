"""Render errors, importable without importing WeasyPrint."""

from __future__ import annotations

from django.utils.translation import gettext


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
        # Editors read this on the board and under the bell: in the language active when it is
        # raised (the worker's is the site's, Chinese).
        parts = []
        for where, chars in self.problems:
            listed = "、".join(f"“{c}” U+{ord(c):04X}" for c in chars)
            parts.append(gettext("%(where)s：字体里没有这些字符，印出来会是空框：%(chars)s")
                         % {"where": where, "chars": listed})
        return gettext("；").join(parts)
