"""Template context for workspace pages: the bell's unread count, counted only when a
template shows it (one indexed COUNT), never on the readers' pages that do not."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from editorial.selectors import notifications_unread_count


def notifications(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": SimpleLazyObject(lambda: notifications_unread_count(user))}
