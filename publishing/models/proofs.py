"""Full-issue proofs."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from editorial.models import Issue


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
