"""Releases of an issue: the schedule, the claim a release holds, the task workers, the
editions written and the event log.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from editorial.models import Issue


class Release(models.Model):
    """An issue's planned release and what happened to it. Scheduling, publishing and failures
    all go through ``publishing.services``; the token changes on every (re)schedule so a
    queued publish task for an older time recognises itself as stale and does nothing."""

    issue = models.OneToOneField(
        Issue, on_delete=models.CASCADE, related_name="release", verbose_name=_("期刊")
    )
    release_at = models.DateTimeField(_("计划出版时间"), null=True, blank=True)
    token = models.UUIDField(_("排期标识"), null=True, blank=True, editable=False)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("排期人"),
    )
    last_error = models.TextField(_("最近一次失败"), blank=True)
    last_error_at = models.DateTimeField(_("失败时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("出版排期")
        verbose_name_plural = _("出版排期")

    def __str__(self) -> str:
        return f"{self.issue} @ {self.release_at}"


class ClaimAction(models.TextChoices):
    PUBLISH = "publish", pgettext_lazy("edition claim", "出版")
    CORRECT = "correct", pgettext_lazy("edition claim", "更正版")


class EditionClaim(models.Model):
    """The one claim on an issue's editions. Publishing, publishing now and corrections take
    it before rendering and drop it when done (``publishing.releases.claims``); while a row
    exists for an issue nobody else renders, records or removes its version folders. A row
    whose process died (same host: gone from the process table; elsewhere: no heartbeat for
    a lease) is taken over by the next attempt."""

    issue = models.OneToOneField(
        Issue, on_delete=models.CASCADE, related_name="edition_claim", verbose_name=_("期刊")
    )
    action = models.CharField(_("操作"), max_length=10, choices=ClaimAction.choices)
    holder = models.CharField(max_length=64, unique=True, editable=False)
    host = models.CharField(_("主机"), max_length=255, editable=False)
    pid = models.PositiveIntegerField(_("进程号"), editable=False)
    process_started = models.CharField(max_length=32, blank=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("操作人"),
    )
    claimed_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    heartbeat_at = models.DateTimeField(_("最近心跳"), default=timezone.now)

    class Meta:
        verbose_name = _("版本锁")
        verbose_name_plural = _("版本锁")

    def __str__(self) -> str:
        return f"{self.issue} {self.action} {self.holder}"


class TaskWorker(models.Model):
    """A running task worker (``manage.py db_worker``) and its heartbeat, so that a task it
    left RUNNING when it died is found and run again (``publishing.worker``)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    process_started = models.CharField(max_length=32, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    heartbeat_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("任务进程")
        verbose_name_plural = _("任务进程")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}:{self.pid})"


class Edition(models.Model):
    """A published, immutable rendering of an issue. Corrections add a new version; earlier
    versions stay downloadable, marked superseded."""

    issue = models.ForeignKey(
        Issue, on_delete=models.PROTECT, related_name="editions", verbose_name=_("期刊")
    )
    version = models.PositiveIntegerField(_("版次"))
    directory = models.CharField(_("文件目录"), max_length=300, editable=False,
                                 help_text=_("相对于 EDITIONS_ROOT"))
    pdf_sha256 = models.CharField(max_length=64, editable=False)
    pdf_size = models.PositiveBigIntegerField(default=0, editable=False)
    page_count = models.PositiveIntegerField(default=0, editable=False)
    content_hash = models.CharField(_("内容指纹"), max_length=64, editable=False)
    erratum = models.TextField(_("勘误说明"), blank=True)
    published_at = models.DateTimeField(_("出版时间"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("出版人"),
    )
    superseded_at = models.DateTimeField(_("被取代时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("版本")
        verbose_name_plural = _("版本")
        ordering = ["issue", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "version"], name="edition_unique_version"),
            models.UniqueConstraint(
                fields=["issue"], condition=Q(superseded_at__isnull=True),
                name="edition_one_current_per_issue",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="edition_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.issue} v{self.version}"

    @property
    def path(self) -> Path:
        return Path(settings.EDITIONS_ROOT) / self.directory

    @property
    def pdf_path(self) -> Path:
        return self.path / "issue.pdf"

    @property
    def html_path(self) -> Path:
        return self.path / "html"


class EventKind(models.TextChoices):
    SCHEDULED = "scheduled", _("排期")
    UNSCHEDULED = "unscheduled", _("取消排期")
    PROOF = "proof", _("校样")
    PUBLISHED = "published", _("出版")
    FAILED = "failed", _("出版失败")
    EDITION = "edition", _("新版本")
    ANNOUNCED = "announced", _("通知会员")


class IssueEvent(models.Model):
    """Audit trail of an issue's production: who did what, when."""

    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="events", verbose_name=_("期刊")
    )
    kind = models.CharField(_("事件"), max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    message = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("出版记录")
        verbose_name_plural = _("出版记录")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.issue} {self.kind} {self.at:%Y-%m-%d %H:%M}"
