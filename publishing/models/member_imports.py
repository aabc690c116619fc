"""A members CSV imported in the background, and its rows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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
