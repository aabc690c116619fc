"""Review comments and replies, and resolving them."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from editorial.models import (
    Article,
    Comment,
)
from editorial.permissions import require
from editorial.services.workflow import _refuse


@transaction.atomic
def comment_add(*, user, article_id: int, body: str, parent_id: int | None = None) -> Comment:
    """A review comment, or a reply to one (replies attach to the top of the thread)."""
    article = Article.objects.get(pk=article_id)
    require(user, "editorial.comment_article", article, _("你不能评论这篇文章。"))
    body = body.strip()
    if not body:
        _refuse(_("评论不能为空。"))
    parent = None
    if parent_id is not None:
        parent = Comment.objects.filter(pk=parent_id, article=article).first()
        if parent is None:
            _refuse(_("要回复的评论不存在。"))
        while parent.parent_id is not None:
            parent = parent.parent
    return Comment.objects.create(article=article, author=user, body=body[:10000], parent=parent)


@transaction.atomic
def comment_set_resolved(*, user, comment_id: int, resolved: bool) -> Comment:
    comment = Comment.objects.select_for_update().select_related("article").get(pk=comment_id)
    require(user, "editorial.resolve_comment", comment, _("你不能更改这条评论的状态。"))
    comment.resolved = resolved
    comment.resolved_by = user if resolved else None
    comment.save(update_fields=["resolved", "resolved_by"])
    return comment
