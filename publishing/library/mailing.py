"""Sending many e-mails so that a failure part-way loses nothing and repeats nothing.

Each recipient is a ``Delivery`` row written before anything is sent (in the transaction that
decides who is told). ``deliveries_send`` takes a batch of pending rows under a row lock
(``SKIP LOCKED``: two workers never take the same row), sends them one message at a time over
one connection, and records each one sent. When the mail server fails, what was sent is
recorded and the error is raised; the next run (the task again, or ``send_pending_mail``)
sends exactly the rows still pending. An address the server refuses for good is marked
failed and not tried again.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable

from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from publishing.models import Delivery

logger = logging.getLogger(__name__)

MAIL_BATCH = 200
MessagesFor = Callable[[list[Delivery], object], list[EmailMessage]]


def _pending(queryset: QuerySet[Delivery]) -> QuerySet[Delivery]:
    return queryset.filter(sent_at__isnull=True, failed_at__isnull=True)


def deliveries_send(*, deliveries: QuerySet[Delivery], messages_for: MessagesFor,
                    after_sent: Callable[[list[Delivery]], None] | None = None) -> int:
    """Send the pending rows of ``deliveries`` (``messages_for(batch, connection)`` makes one
    message per row, in order); returns how many this call sent. Raises the mail server's
    error after recording what was sent before it."""
    total = 0
    with get_connection() as connection:
        while True:
            error: Exception | None = None
            with transaction.atomic():
                batch = list(_pending(deliveries).select_for_update(skip_locked=True, of=("self",))
                             .order_by("pk")[:MAIL_BATCH])
                if not batch:
                    break
                sent: list[Delivery] = []
                refused: dict[int, str] = {}
                for delivery, message in zip(batch, messages_for(batch, connection), strict=True):
                    try:
                        if not connection.send_messages([message]):
                            raise smtplib.SMTPException("the mail backend sent nothing")
                    except smtplib.SMTPRecipientsRefused as exc:
                        refused[delivery.pk] = str(exc.recipients)[:1000]
                        continue
                    except Exception as exc:  # the server or the connection: stop, record
                        error = exc
                        break
                    sent.append(delivery)
                now = timezone.now()
                Delivery.objects.filter(pk__in=[d.pk for d in sent]).update(sent_at=now)
                for pk, reason in refused.items():
                    Delivery.objects.filter(pk=pk).update(failed_at=now, error=reason)
                if sent and after_sent is not None:
                    after_sent(sent)
            total += len(sent)
            if error is not None:
                logger.warning("mail sending stopped after %s messages: %s", total, error)
                raise error
    return total


def delivery_counts(deliveries: QuerySet[Delivery]) -> dict[str, int]:
    """How many were sent, are still pending and failed: one query, for progress pages."""
    return deliveries.aggregate(
        total=Count("pk"),
        sent=Count("pk", filter=Q(sent_at__isnull=False)),
        failed=Count("pk", filter=Q(failed_at__isnull=False)),
        pending=Count("pk", filter=Q(sent_at__isnull=True, failed_at__isnull=True)),
    )
