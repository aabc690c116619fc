"""Marking in-app notifications read. A user only ever touches their own: another's
notification is "not found", never "forbidden", so its existence is not revealed."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from editorial.models import Notification


@transaction.atomic
def notification_mark_read(*, user, notification_id: int) -> Notification:
    """Mark one of ``user``'s notifications read (again is a no-op) and return it."""
    notification = (Notification.objects.select_for_update()
                    .filter(pk=notification_id, recipient_id=user.pk).first())
    if notification is None:
        raise Http404
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    """Mark every unread notification of ``user`` read; returns how many changed."""
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(
        read_at=timezone.now())
