"""A mail backend that goes away after a number of messages, as a real server does."""

from __future__ import annotations

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class FailingAfter(EmailBackend):
    """Delivers to ``mail.outbox`` until ``FailingAfter.budget`` messages have gone (across
    connections), then raises ``SMTPServerDisconnected`` on every send; ``refused`` addresses
    are refused for good (``SMTPRecipientsRefused``)."""

    budget: int | None = None
    refused: set[str] = set()

    def send_messages(self, messages):
        count = 0
        for message in messages:
            if set(message.to) & self.refused:
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"no such user")})
            if FailingAfter.budget is not None:
                if FailingAfter.budget <= 0:
                    raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
                FailingAfter.budget -= 1
            count += super().send_messages([message])
        return count
