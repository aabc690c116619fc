"""The URL fetcher every render uses: the project's own static and media files and ``data:``
URLs, nothing else.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings

from publishing.rendering.weasy import weasyprint

URLFetcher = weasyprint.urls.URLFetcher
URLFetcherResponse = weasyprint.urls.URLFetcherResponse


class RestrictedURLFetcher(URLFetcher):
    """Lets WeasyPrint read ``data:`` URLs and files under the given roots, and nothing else.

    No network, no redirects, no ``file:`` path outside the roots (symlinks are resolved before
    the check). A refused URL raises, which WeasyPrint reports as a warning and skips: the image
    or attachment is simply absent from the PDF.
    """

    def __init__(self, roots: Iterable[Path | str]) -> None:
        super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False, timeout=5)
        self.roots = tuple(Path(root).resolve() for root in roots)

    def allowed_path(self, url: str) -> Path | None:
        """The local file ``url`` names, if it is one the renderer may read."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in {"", "localhost"}:
            return None
        path = Path(url2pathname(unquote(parts.path)))
        if not path.is_absolute():
            return None
        resolved = path.resolve()
        if not any(resolved.is_relative_to(root) for root in self.roots):
            return None
        return resolved if resolved.is_file() else None

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].strip().lower()
        if scheme == "data":
            return super().fetch(url, headers)
        path = self.allowed_path(url)
        if path is None:
            raise ValueError(f"the renderer may not read {url[:200]!r}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
        )


def _static_roots() -> list[Path]:
    roots = [Path(p if isinstance(p, str | Path) else p[1]) for p in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    return roots


def url_fetcher() -> RestrictedURLFetcher:
    """The fetcher every render uses: the project's static files and media, ``data:`` URLs."""
    return RestrictedURLFetcher([*_static_roots(), Path(settings.MEDIA_ROOT)])
