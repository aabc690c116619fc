"""Reading a bundle: parse and validate all of it, report every problem, write nothing.

``parsed`` holds what a read yields (``ParsedBundle``, ``ParsedArticle``, ``BundleImage``, the
problems and ``BundleError``), ``reader`` the reader itself (``bundle_read``); every public name
stays importable from ``editorial.bundles.reading``.
"""

from __future__ import annotations

from editorial.bundles.reading.parsed import (
    BundleError,
    BundleImage,
    BundleProblem,
    ParsedArticle,
    ParsedBundle,
    shown,
)
from editorial.bundles.reading.reader import ARTICLE_KEYS, ISSUE_KEYS, MAX_ISSUE_NUMBER, SLUG_RE, bundle_read

__all__ = [
    "ARTICLE_KEYS", "ISSUE_KEYS", "MAX_ISSUE_NUMBER", "SLUG_RE", "BundleError", "BundleImage",
    "BundleProblem", "ParsedArticle", "ParsedBundle", "bundle_read", "shown",
]
