"""What reading a bundle yields: the parsed issue, its articles and images, or every problem
found (``BundleError``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field


def shown(value: object, limit: int = 60) -> str:
    """``value`` as an error message quotes it: never longer than about ``limit`` characters,
    whatever a bundle holds (a 5,000-digit number, a 100,000-character name)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        try:
            return f"a whole number of {len(str(abs(value)))} digits"
        except ValueError:  # over Python's 4,300-digit limit for int → str
            return f"a whole number of about {math.floor(math.log10(abs(value))) + 1} digits"
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text)} characters)"


@dataclass(frozen=True)
class BundleProblem:
    file: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.message}"


class BundleError(Exception):
    """The bundle can't be imported; ``problems`` lists every reason, one per place."""

    def __init__(self, problems: list[BundleProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class BundleImage:
    path: str  # relative to the bundle, POSIX
    data: bytes
    sha256: str


@dataclass
class ParsedArticle:
    key: str
    file: str
    title: str
    section: str
    authors: list[str]
    author_note: str
    source: str
    subtitle: str
    summary: str
    tags: list[str]
    lead_image: BundleImage | None
    tokens: list = field(repr=False, default_factory=list)
    images: list[tuple[object, BundleImage]] = field(repr=False, default_factory=list)


@dataclass
class ParsedBundle:
    publication: str
    publication_slug: str
    number: int
    title: str
    date: dt.date | None
    sections: list[str]
    editor_note_html: str
    cover_image: BundleImage | None
    articles: list[ParsedArticle]
