"""Compatibility façade: ``publishing.library.caching`` under its old import path."""

from publishing.library.caching import CSRF_PLACEHOLDER, TIMEOUT, anonymous_page

__all__ = ["CSRF_PLACEHOLDER", "TIMEOUT", "anonymous_page"]
