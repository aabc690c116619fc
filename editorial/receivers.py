"""Keeps ``Issue.updated_at`` a true "contents changed" stamp: pages and caches key on it."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from editorial.models import Article


@receiver(post_save, sender=Article, dispatch_uid="editorial.article_saved_touches_issue")
@receiver(post_delete, sender=Article, dispatch_uid="editorial.article_deleted_touches_issue")
def article_changed(sender, instance: Article, **kwargs) -> None:
    from editorial.services import issue_touch

    issue_touch(issue_id=instance.issue_id)
