"""The in-app notifications: the list and the bell's unread count."""

from __future__ import annotations

from django.db.models import QuerySet

from editorial.models import Notification

NOTIFICATIONS_PAGE = 30


def notifications_for(user) -> QuerySet[Notification]:
    """The user's own notifications, newest first, with what they link to."""
    return (Notification.objects.filter(recipient_id=user.pk)
            .select_related("article", "issue", "issue__publication", "actor")
            .order_by("-created_at", "-pk"))


def notifications_unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()
