"""Announcements to members and the mail deliveries that carry them, one row per recipient."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from editorial.models import Issue


class Announcement(models.Model):
    """The e-mail telling members an issue is out. One row per issue: it is sent once."""

    issue = models.OneToOneField(
        Issue, on_delete=models.CASCADE, related_name="announcement", verbose_name=_("期刊")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送完成时间"), null=True, blank=True)
    recipients = models.PositiveIntegerField(_("收件人数"), default=0)

    class Meta:
        verbose_name = _("出版通知")
        verbose_name_plural = _("出版通知")

    def __str__(self) -> str:
        return f"{self.issue} ({self.recipients})"


class DeliveryKind(models.TextChoices):
    ANNOUNCEMENT = "announcement", _("出版通知")
    INVITATION = "invitation", _("会员邀请")


class Delivery(models.Model):
    """One e-mail to one person, recorded before it is sent: a batch interrupted by a failing
    mail server is resumed by sending exactly the rows not yet sent (``sent_at`` empty), so
    nobody is told twice and nobody is left out."""

    kind = models.CharField(_("类型"), max_length=20, choices=DeliveryKind.choices)
    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries",
        verbose_name=_("出版通知"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deliveries",
        verbose_name=_("收件人"),
    )
    email = models.EmailField(_("邮箱"), max_length=254)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    # The mail server refused this address for good: not retried, shown to editors.
    failed_at = models.DateTimeField(_("失败时间"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("邮件投递")
        verbose_name_plural = _("邮件投递")
        constraints = [
            models.UniqueConstraint(fields=["announcement", "user"],
                                    condition=Q(announcement__isnull=False),
                                    name="delivery_once_per_announcement"),
        ]
        indexes = [
            models.Index(fields=["kind", "id"], condition=Q(sent_at__isnull=True, failed_at__isnull=True),
                         name="delivery_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.email}"
