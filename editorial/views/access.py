"""The workspace's gate and permission check, shared by every workspace view.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from editorial import workflow
from editorial.models import Article
from editorial.permissions import PermissionRefused


def _check(request: HttpRequest, perm: str, obj=None, message: str = "",
           action: str | None = None) -> None:
    """403 with ``message`` unless the user has ``perm`` (and the article's state allows
    ``action``); the services check the same again."""
    if not request.user.has_perm(perm, obj) or (action and not workflow.allows(obj, action)):
        raise PermissionRefused(message)


def workspace_view(view):
    """Anonymous visitors go to the login page; members and others get 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        _check(request, "editorial.use_workspace", message=_("你的账号没有使用编辑部工作台的权限。"))
        return view(request, *args, **kwargs)

    return wrapper


def _article(request: HttpRequest, pk: int) -> Article:
    article = get_object_or_404(Article.objects.select_related("section", "issue"), pk=pk)
    _check(request, "editorial.view_article", article, _("你没有查看这篇文章的权限。"))
    return article
