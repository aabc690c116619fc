"""Review comments and replies, passages they are anchored to, and resolving them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from editorial.models import (
    Article,
    Comment,
)
from editorial.permissions import require
from editorial.richtext import plain_text
from editorial.services.workflow import _refuse


def _anchor(article: Article, quote: str, prefix: str, suffix: str) -> tuple[str, str, str]:
    """The quoted passage as the body's plain text has it, with its context trimmed to size.

    A quote the body does not contain is a ``ValidationError``: an anchor that points nowhere would be a
    comment on words nobody can find."""
    quote = " ".join(quote.split())
    if not quote:
        return "", "", ""
    if len(quote) > Comment.QUOTE_MAX:
        raise ValidationError(_("引用的原文太长（最多 %(n)d 字），请选一段较短的文字。")
                              % {"n": Comment.QUOTE_MAX})
    text = " ".join(plain_text(article.body).split())
    if quote not in text:
        raise ValidationError(_("在正文中找不到所引用的文字，可能文章刚被修改过，请刷新后重新选择。"))
    size = Comment.CONTEXT_CHARS
    return quote, " ".join(prefix.split())[-size:], " ".join(suffix.split())[:size]


@transaction.atomic
def comment_add(*, user, article_id: int, body: str, parent_id: int | None = None,
                quote: str = "", quote_prefix: str = "", quote_suffix: str = "") -> Comment:
    """A review comment, optionally on a quoted passage of the body, or a reply to one
    (replies attach to the top of the thread and quote nothing)."""
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
        quote = quote_prefix = quote_suffix = ""
    quote, quote_prefix, quote_suffix = _anchor(article, quote, quote_prefix, quote_suffix)
    return Comment.objects.create(article=article, author=user, body=body[:10000], parent=parent,
                                  quote=quote, quote_prefix=quote_prefix,
                                  quote_suffix=quote_suffix)


@transaction.atomic
def comment_set_resolved(*, user, comment_id: int, resolved: bool) -> Comment:
    """Resolve a thread, or reopen it; who and when are recorded."""
    comment = Comment.objects.select_for_update().select_related("article").get(pk=comment_id)
    require(user, "editorial.resolve_comment", comment, _("你不能更改这条评论的状态。"))
    if comment.parent_id is not None:
        _refuse(_("只能解决整条讨论，不能单独解决一条回复。"))
    comment.resolved = resolved
    comment.resolved_by = user if resolved else None
    comment.resolved_at = timezone.now() if resolved else None
    comment.save(update_fields=["resolved", "resolved_by", "resolved_at"])
    return comment


def unresolved_comment_count(article: Article) -> int:
    """Open discussion threads on the article (replies are part of their thread)."""
    return Comment.objects.filter(article=article, parent__isnull=True, resolved=False).count()
