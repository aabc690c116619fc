"""Whole-page caching for anonymous visitors of the public pages.

An anonymous page differs between visitors only by its CSRF token (the language switch is a
POST form), so the page is cached with a placeholder and each response gets the visitor's own
token. Signed-in users never get a cached page: their pages carry their name and access. The
cache key includes the content stamp the caller gives (``Issue.updated_at``), the language and
the full path, so a change shows at once and nothing is served across languages.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

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
