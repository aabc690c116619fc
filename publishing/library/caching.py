"""Caching of the library's pages: whole pages for anonymous visitors, and fragments that
depend only on what a class of readers may read (search results, the archive list).

Whole pages for anonymous visitors of the public pages:

An anonymous page differs between visitors only by its CSRF token (the language switch is a
POST form), so the page is cached with a placeholder and each response gets the visitor's own
token. Signed-in users never get a cached page: their pages carry their name and access. The
cache key includes the content stamp the caller gives (``Issue.updated_at``), the language and
the full path, so a change shows at once and nothing is served across languages.

Fragments for everyone (``cached_fragment``): keyed on everything that decides them — the
``published_stamp`` (which moves with every publish, unpublish, correction, re-index and access
change), the reader's access class (``permissions.reader_class``: editor, member or public,
read afresh every request, never the user id), the day (embargoes end at midnight), the
language and the request's own parameters — so a fragment can be neither stale nor shown to a
reader who may not see it. Any Django cache backend serves: keys are hashed, values are text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from publishing.library import permissions, selectors

CSRF_PLACEHOLDER = "__bulletin_csrf_token_placeholder__"
TIMEOUT = 600


def anonymous_page(request: HttpRequest, *, stamp: str,
                   render: Callable[[dict], HttpResponse]) -> HttpResponse:
    """``render(extra_context)`` the page, or reuse the anonymous copy for this ``stamp``."""
    if request.user.is_authenticated or messages.get_messages(request):
        return render({})
    key = f"anon-page:{stamp}:{get_language()}:{request.get_full_path()}"
    html = cache.get(key)
    if html is None:
        response = render({"csrf_token": CSRF_PLACEHOLDER})
        if response.status_code != 200:
            return response
        html = response.content.decode()
        cache.set(key, html, TIMEOUT)
    response = HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))
    patch_vary_headers(response, ["Cookie", "Accept-Language"])
    return response


def cached_fragment(parts: tuple, render: Callable[[], str]) -> SafeString:
    """``render()``'s HTML, made once per distinct ``parts`` (everything that decides it)."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()
    key = f"fragment:{parts[0]}:{digest}"
    html = cache.get(key)
    if html is None:
        html = str(render())
        cache.set(key, html, TIMEOUT)
    return mark_safe(html)  # noqa: S308 -- our own template's output, escaped when rendered


def search_results_html(*, query: str, page: int, user, today: dt.date | None = None) -> SafeString:
    """The hits of ``query`` this reader may read, with their count and page links: the same
    HTML for every reader of the same access class on the same day."""
    today = today or timezone.localdate()
    access = permissions.reader_class(user, today=today)

    def render() -> str:
        results = selectors.article_search(query=query, user=user, page=page, today=today)
        return render_to_string("publishing/_search_results.html",
                                {"query": query, "results": results})

    return cached_fragment(("search", selectors.published_stamp(), access, today.isoformat(),
                            get_language(), page, query), render)


def archive_list_html(*, stamp: str, page: str | None) -> SafeString:
    """One page of the archive's covers: every published issue, the same for every reader
    (access decides what a reader may read, not which covers they see)."""

    def render() -> str:
        page_obj, years = selectors.issue_archive_page(page)
        return render_to_string("publishing/_archive_list.html", {"page": page_obj, "years": years})

    return cached_fragment(("archive", stamp, get_language(), page or ""), render)
