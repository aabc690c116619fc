"""Keeps ``Issue.updated_at`` a true "contents changed" stamp: pages and caches key on it;
keeps the role groups in the database."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from editorial.models import Article


@receiver(post_save, sender=Article, dispatch_uid="editorial.article_saved_touches_issue")
@receiver(post_delete, sender=Article, dispatch_uid="editorial.article_deleted_touches_issue")
def article_changed(sender, instance: Article, **kwargs) -> None:
    from editorial.services import issue_touch

    issue_touch(issue_id=instance.issue_id)


def ensure_role_groups(*, using: str = "default", **kwargs) -> None:
    """The workspace roles exist as groups whatever emptied the tables (post_migrate runs after
    migrate and after flush, as Django's own permissions are made again)."""
    from django.contrib.auth.models import Group

    from editorial.permissions import EDITOR_GROUP, MEMBER_GROUP, REVIEWER_GROUP

    for name in (EDITOR_GROUP, REVIEWER_GROUP, MEMBER_GROUP):
        Group.objects.using(using).get_or_create(name=name)
