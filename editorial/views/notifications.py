"""The notifications page and marking read: each view binds input, calls one service or
selector, renders."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from editorial import selectors, services
from editorial.views.access import workspace_view


@require_GET
@workspace_view
def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    notifications = selectors.notifications_for(request.user)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications, selectors.NOTIFICATIONS_PAGE).get_page(request.GET.get("page"))
    return render(request, "editorial/notifications.html",
                  {"page": page, "unread_only": unread_only})


@require_GET
@workspace_view
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link, marking it read on the way (only one's own: 404 else)."""
    notification = services.notification_mark_read(user=request.user, notification_id=pk)
    if not url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect("editorial:notification_list")
    return redirect(notification.url)


@require_POST
@workspace_view
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    services.notification_mark_read(user=request.user, notification_id=pk)
    return redirect(_back(request))


@require_POST
@workspace_view
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("已将 %(n)s 条通知标为已读。") % {"n": count})
    return redirect(_back(request))


def _back(request: HttpRequest) -> str:
    """The page the form was on (the list, with its filter and page), if it is ours."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "editorial:notification_list"
