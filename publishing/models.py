"""What the members' library adds to the content: who may read an issue, who is a member,
and who downloaded what."""

from __future__ import annotations

import calendar
import datetime as dt
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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


class GramsField(models.TextField):
    """Search grams (``publishing.library.grams``): a ``tsvector`` on PostgreSQL, written from
    the space-separated grams without the text parser (``array_to_tsvector``) and GIN-indexed;
    the same text elsewhere (SQLite searches the columns themselves)."""

    def db_type(self, connection) -> str:
        return "tsvector" if connection.vendor == "postgresql" else super().db_type(connection)

    def get_placeholder(self, value, compiler, connection) -> str:
        if connection.vendor == "postgresql":
            return "array_to_tsvector(string_to_array(%s, ' '))"
        return "%s"


class SearchEntry(models.Model):
    """The plain text of a published article, written when its issue is published.

    Searching plain text (not stored HTML) means markup never matches. ``grams`` holds every
    character and character pair of the text (docs/search.md); on PostgreSQL a GIN index on it
    serves every search (migration 0005), whatever the length of the word.
    """

    article = models.OneToOneField(
        "editorial.Article", on_delete=models.CASCADE, related_name="search_entry"
    )
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="search_entries")
    title = models.TextField()
    authors = models.TextField(blank=True)
    tags = models.TextField(blank=True)
    body_text = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    grams = GramsField(blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("检索条目")
        verbose_name_plural = _("检索条目")

    def __str__(self) -> str:
        return self.title


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


class MemberImportState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("导入中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("已中断")


# The states in which a file counts as imported (or being imported): the same file again is
# the same import, not a second one.
MEMBER_IMPORT_HELD = [MemberImportState.QUEUED, MemberImportState.RUNNING, MemberImportState.DONE]


class MemberImport(models.Model):
    """A member CSV validated whole in the web request and imported by a task in batches
    (``publishing.library.member_imports``); the progress page reads this row."""

    digest = models.CharField(_("文件指纹"), max_length=64, editable=False)
    file_name = models.CharField(_("文件名"), max_length=255, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=MemberImportState.choices,
                             default=MemberImportState.QUEUED)
    total = models.PositiveIntegerField(_("行数"), default=0)
    done = models.PositiveIntegerField(_("已处理"), default=0)
    created = models.PositiveIntegerField(_("已添加"), default=0)
    # Rows skipped because their address was taken after the file was checked:
    # [{"line": 7, "email": "…"}], shown in the reader's language.
    skipped = models.JSONField(_("未导入的行"), default=list, blank=True)
    error = models.TextField(_("错误"), blank=True)
    send_invitations = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("导入人"),
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("会员导入")
        verbose_name_plural = _("会员导入")
        constraints = [
            models.UniqueConstraint(fields=["digest"], condition=Q(state__in=MEMBER_IMPORT_HELD),
                                    name="member_import_once_per_file"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name or self.digest[:12]} ({self.done}/{self.total}, {self.state})"

    @property
    def finished(self) -> bool:
        return self.state in {MemberImportState.DONE, MemberImportState.FAILED}


class MemberImportRow(models.Model):
    """A checked row waiting for its account. Its address is unique here, so two imports (or
    a member added by hand meanwhile) cannot claim it; the row goes when its account exists."""

    member_import = models.ForeignKey(MemberImport, on_delete=models.CASCADE,
                                      related_name="rows")
    line = models.PositiveIntegerField()
    name = models.CharField(max_length=150)
    email = models.CharField(max_length=254, unique=True)
    organisation = models.CharField(max_length=200, blank=True)
    expires_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["member_import", "line"], name="member_import_row_line")]

    def __str__(self) -> str:
        return f"{self.line}: {self.email}"


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


class ProofStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RENDERING = "rendering", _("生成中")
    READY = "ready", _("已生成")
    FAILED = "failed", _("失败")


class Proof(models.Model):
    """A full-issue PDF proof for editors to look at, tied to the content it was made from."""

    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="proofs", verbose_name=_("期刊")
    )
    status = models.CharField(_("状态"), max_length=10, choices=ProofStatus.choices,
                              default=ProofStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    content_hash = models.CharField(_("内容指纹"), max_length=64, blank=True)
    directory = models.CharField(max_length=300, blank=True, editable=False)
    page_count = models.PositiveIntegerField(default=0)
    error = models.TextField(_("错误"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("申请人"),
    )
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("校样")
        verbose_name_plural = _("校样")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.issue} proof {self.pk} ({self.status})"

    @property
    def pdf_path(self) -> Path:
        return Path(settings.EDITIONS_ROOT) / self.directory / "proof.pdf"


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
