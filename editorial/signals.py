"""Signals other apps may listen to. ``article_transitioned`` is sent after the transaction that
caused it commits; ``issue_touched`` at once, inside it (a listener that must act after the
commit uses ``transaction.on_commit`` itself)."""

from django.dispatch import Signal

# Sent with ``transition`` (an editorial.models.Transition) whenever an article changes state.
article_transitioned = Signal()

# Sent with ``issue_id`` by ``editorial.services.issue_touch``, the one way an issue's "changed"
# stamp is set: every change of its contents, order, status, editions or access (publishing
# drops its signed download links' access generation for the issue on it).
issue_touched = Signal()
