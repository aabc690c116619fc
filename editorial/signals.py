"""Signals other apps may listen to; sent after the transaction that caused them commits."""

from django.dispatch import Signal

# Sent with ``transition`` (an editorial.models.Transition) whenever an article changes state.
article_transitioned = Signal()
