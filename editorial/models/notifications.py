"""In-app notifications: the workspace's copy of every e-mail the product sends to editors and
reviewers, shown under the bell in the workspace header until its reader marks it read."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from editorial.models.content import Article, Issue


class NotificationKind(models.TextChoices):
    REVIEW_REQUESTED = "review_requested", _("审稿邀请")
    REVIEW_REMINDER = "review_reminder", _("审稿提醒")
    APPROVED = "approved", _("审稿通过")
    CHANGES_REQUESTED = "changes_requested", _("要求修改")
    PUBLISH_FAILED = "publish_failed", _("出版失败")
    PUBLISHED = "published", _("已出版")


class Notification(models.Model):
    """One message to one person, linking to what it is about. The wording is rendered when it
    is shown (``templates/editorial/_notification_text.html``), so it follows the reader's
    language; ``detail`` keeps what the e-mail said beyond the kind (an error, a comment)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
        verbose_name=_("收件人"),
    )
    kind = models.CharField(_("类型"), max_length=30, choices=NotificationKind.choices)
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("文章"),
    )
    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("期刊"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("操作人"),
    )
    url = models.CharField(_("链接"), max_length=500)
    detail = models.CharField(_("说明"), max_length=500, blank=True)
    due_date = models.DateField(_("截止日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
