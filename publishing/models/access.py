"""Who may read an issue, who is a member, and who downloaded or read what."""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from editorial.models import Issue


class AccessLevel(models.TextChoices):
    MEMBERS = "members", _("仅限会员")
    PUBLIC = "public", _("公开")
    EMBARGO = "embargo", _("会员优先，到期后公开")


class IssueAccess(models.Model):
    """How one issue may be read. An issue without a row is members-only: safe by default."""

    issue = models.OneToOneField(
        Issue, on_delete=models.CASCADE, related_name="access", verbose_name=_("期刊")
    )
    level = models.CharField(
        _("访问权限"), max_length=10, choices=AccessLevel.choices, default=AccessLevel.MEMBERS
    )
    embargo_months = models.PositiveSmallIntegerField(
        _("会员独享月数"), default=0,
        help_text=_("选择“到期后公开”时，出版日期后经过多少个月对所有人公开。"),
    )

    class Meta:
        verbose_name = _("访问权限")
        verbose_name_plural = _("访问权限")
        constraints = [
            models.CheckConstraint(
                condition=~Q(level="embargo") | Q(embargo_months__gte=1),
                name="issueaccess_embargo_needs_months",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.issue}: {self.get_level_display()}"

    def public_from(self) -> dt.date | None:
        """The first day everyone may read the issue, or None if that never happens."""
        if self.level == AccessLevel.PUBLIC:
            return dt.date.min
        if self.level == AccessLevel.EMBARGO:
            start = self.issue.cover_date or self.issue.created_at.date()
            month = start.month - 1 + self.embargo_months
            year, month = start.year + month // 12, month % 12 + 1
            day = min(start.day, calendar.monthrange(year, month)[1])
            return dt.date(year, month, day)
        return None

    def is_public_on(self, day: dt.date) -> bool:
        opens = self.public_from()
        return opens is not None and day >= opens


class Membership(models.Model):
    """A member account's standing: until when it runs. No row means not a member."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership",
        verbose_name=_("用户"),
    )
    organisation = models.CharField(_("单位"), max_length=200, blank=True)
    expires_on = models.DateField(
        _("会籍到期日"), null=True, blank=True, help_text=_("留空表示长期有效。")
    )
    created_at = models.DateTimeField(_("加入时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("添加人"),
    )
    invited_at = models.DateTimeField(_("邀请邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("会员资格")
        verbose_name_plural = _("会员资格")
        ordering = ["user__last_name", "user__first_name", "user__username"]
        # The members' list and the admin show the newest first, a page at a time.
        indexes = [models.Index(fields=["-created_at", "-id"], name="membership_newest")]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    def is_active_on(self, day: dt.date) -> bool:
        return self.user.is_active and (self.expires_on is None or day <= self.expires_on)

    @property
    def is_active(self) -> bool:
        return self.is_active_on(timezone.localdate())


class Download(models.Model):
    """One PDF download, for the per-member and per-issue counts on the editors' board."""

    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="downloads", verbose_name=_("期刊")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="downloads", verbose_name=_("用户"),
    )
    downloaded_at = models.DateTimeField(_("下载时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("下载记录")
        verbose_name_plural = _("下载记录")
        ordering = ["-downloaded_at"]
        indexes = [models.Index(fields=["issue", "user"], name="download_issue_user")]

    def __str__(self) -> str:
        return f"{self.issue} — {self.user or '-'}"


class Read(models.Model):
    """One reading of a published issue on the web: its HTML edition's contents page
    (``slug`` empty) or an article page (``slug`` of the article's page). One INSERT per read
    and nothing looked up: the statistics resolve slugs to articles when they are asked."""

    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="reads", verbose_name=_("期刊")
    )
    slug = models.CharField(_("页面"), max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("用户"),
    )
    read_at = models.DateTimeField(_("阅读时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("阅读记录")
        verbose_name_plural = _("阅读记录")
        ordering = ["-read_at"]
        indexes = [models.Index(fields=["issue", "read_at"], name="read_issue_time")]

    def __str__(self) -> str:
        return f"{self.issue} {self.slug or 'index'} — {self.user or '-'}"
