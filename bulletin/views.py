"""Project wiring that belongs to no single app: where people land after login, and the
error pages (in the site's language and design, never a bare status line)."""

from __future__ import annotations

import sys

from django.contrib.auth.decorators import login_required
from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template import loader
from django.utils.translation import gettext as _

from bulletin.database import CONNECTION_ERRORS

TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)
# Seconds a client should wait before retrying while the database is away.
RETRY_AFTER_SECONDS = 30


@login_required
def after_login(request: HttpRequest) -> HttpResponse:
    """Editors and reviewers go to their workspace, members to the library."""
    if request.user.has_perm("editorial.use_workspace"):
        return redirect("editorial:dashboard")
    return redirect("publishing:home")


def error_page(request: HttpRequest | None, status: int, message: str = "") -> HttpResponse:
    """``templates/<status>.html`` with an optional message saying what was wrong.

    Rendered with the request (signed-in user in the header) except for 5xx pages, which must
    not touch the database or anything else that may be what failed.
    """
    use_request = request if status < 500 else None
    body = loader.render_to_string(f"{status}.html", {"message": message}, request=use_request)
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400 with the reason when our code said what was wrong (``BadRequest``); 413 when the
    request was larger than the site accepts."""
    if isinstance(exception, TOO_LARGE):
        return error_page(request, 413)
    message = str(exception) if type(exception) is BadRequest else ""
    return error_page(request, 400, message)


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 when the database is unreachable or refused the work (nothing was saved;
    trying again later works), with a page that needs no database."""
    exc = sys.exc_info()[1]
    if isinstance(exc, CONNECTION_ERRORS):
        response = error_page(None, 503, _("数据库暂时无法连接，你的操作没有保存。请稍后再试。"))
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return error_page(None, 500)
