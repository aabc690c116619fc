"""Issues of a publication and their status."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from editorial.models.content.assets import Asset
from editorial.models.content.publications import Publication


class IssueStatus(models.TextChoices):
    PLANNING = "planning", _("筹备中")
    SCHEDULED = "scheduled", _("已排期")
    PUBLISHED = "published", _("已出版")


class Issue(models.Model):
    """One numbered issue of a publication."""

    publication = models.ForeignKey(
        Publication, on_delete=models.PROTECT, related_name="issues", verbose_name=_("刊物")
    )
    number = models.PositiveIntegerField(_("期号"))
    title = models.CharField(_("标题"), max_length=200, blank=True)
    cover_date = models.DateField(_("出版日期"), null=True, blank=True)
    editor_note = models.TextField(_("卷首语"), blank=True, help_text=_("已净化的 HTML"))
    cover_image = models.ForeignKey(
        Asset,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("封面图片"),
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=IssueStatus.choices, default=IssueStatus.PLANNING
    )
    copy_deadline = models.DateField(
        _("截稿日期"), null=True, blank=True,
        help_text=_("本期稿件须在此日期前通过审稿"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("期刊")
        verbose_name_plural = _("期刊")
        ordering = ["publication", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "number"], name="issue_unique_number_per_publication"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="issue_number_positive"),
        ]

    def __str__(self) -> str:
        return self.display_title

    def get_absolute_url(self) -> str:
        return reverse(
            "publishing:issue_detail",
            kwargs={"publication_slug": self.publication.slug, "number": self.number},
        )

    @property
    def display_title(self) -> str:
        return self.title or self.publication.header_for(self.number)

    @property
    def running_header(self) -> str:
        return self.publication.header_for(self.number)
