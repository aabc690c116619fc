"""Publications and their sections: what the printed issue says about the periodical."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

issn_validator = RegexValidator(
    r"^\d{4}-\d{3}[\dX]$", _("ISSN 的格式应为 1234-567X。/ ISSN must look like 1234-567X.")
)


class PageSize(models.TextChoices):
    A4 = "A4", "A4 (210 × 297 mm)"
    B5 = "B5", "B5 (176 × 250 mm)"
    A5 = "A5", "A5 (148 × 210 mm)"


class SectionLayout(models.TextChoices):
    SINGLE = "single", _("通栏")
    TWO_COLUMNS = "two_columns", _("双栏接排")


class Publication(models.Model):
    """A periodical the association publishes, with what its printed issues need.

    The masthead fields (主办 … 发送对象) are printed on the masthead page (版权页) of the
    print-shop PDF, which also pads the issue to a multiple of four pages.
    """

    name = models.CharField(_("名称"), max_length=200)
    slug = models.SlugField(_("标识"), max_length=80, unique=True, allow_unicode=False)
    issn = models.CharField(_("ISSN"), max_length=9, blank=True, validators=[issn_validator])
    publisher = models.CharField(_("出版单位"), max_length=300, blank=True)
    running_header = models.CharField(
        _("页眉文字"),
        max_length=200,
        blank=True,
        help_text=_("印刷版页眉；{number} 代表期号，例如“《大连数字贸易》季刊第 {number} 期”。"),
    )
    page_size = models.CharField(
        _("开本"), max_length=2, choices=PageSize.choices, default=PageSize.A4
    )
    editorial_office = models.CharField(_("编辑"), max_length=300, blank=True,
                                        help_text=_("编辑单位，例如“《大连数字贸易》编辑部”"))
    editor_in_chief = models.CharField(_("主编"), max_length=100, blank=True)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    postcode = models.CharField(_("邮编"), max_length=12, blank=True)
    phone = models.CharField(_("电话"), max_length=100, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    printer = models.CharField(_("印刷"), max_length=300, blank=True, help_text=_("印刷单位"))
    internal_permit = models.CharField(
        _("内部资料准印证号"), max_length=100, blank=True,
        help_text=_("没有 ISSN 的内部资料须印准印证号，例如“辽内资 2024-123”"),
    )
    distribution = models.CharField(
        _("发送对象"), max_length=200, blank=True, help_text=_("例如“本会会员单位”"),
    )
    masthead_note = models.TextField(
        _("版权页说明"), blank=True,
        help_text=_("印在版权页末尾，例如“内部资料，免费交流。未经许可，不得转载。”"),
    )

    class Meta:
        verbose_name = _("刊物")
        verbose_name_plural = _("刊物")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            self.running_header.format(number=1)
        except (KeyError, IndexError, ValueError) as exc:
            raise ValidationError(
                {"running_header": _("页眉中只能使用 {number} 占位符。")}
            ) from exc

    def header_for(self, number: int) -> str:
        """The running header printed on the pages of issue ``number``."""
        if self.running_header:
            try:
                return self.running_header.format(number=number)
            except (KeyError, IndexError, ValueError):
                return self.running_header
        return f"《{self.name}》第 {number} 期"

    def masthead_lines(self) -> list[tuple[str, str]]:
        """The filled-in masthead (版权页) entries, as (label, value), in the customary order."""
        entries = [
            ("主办", self.publisher), ("编辑", self.editorial_office),
            ("主编", self.editor_in_chief), ("地址", self.address), ("邮编", self.postcode),
            ("电话", self.phone), ("电子邮箱", self.email), ("印刷", self.printer),
            ("发送对象", self.distribution),
            ("国际标准连续出版物号", f"ISSN {self.issn}" if self.issn else ""),
            ("内部资料准印证号", self.internal_permit),
        ]
        return [(label, value) for label, value in entries if value]


class Section(models.Model):
    """A recurring department of a publication (专家观点, 国内资讯 …), in print order."""

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="sections", verbose_name=_("刊物")
    )
    name = models.CharField(_("名称"), max_length=100)
    position = models.PositiveIntegerField(_("顺序"), default=0)
    layout = models.CharField(
        _("版式"), max_length=20, choices=SectionLayout.choices, default=SectionLayout.SINGLE,
        help_text=_("资讯类栏目可双栏接排：短稿一篇接一篇，不各占一页"),
    )
    new_page_per_article = models.BooleanField(
        _("每篇另起一页"), default=False,
        help_text=_("不勾选时，文章接排；页面余下空间放不下标题和三行正文时才另起一页"),
    )

    class Meta:
        verbose_name = _("栏目")
        verbose_name_plural = _("栏目")
        ordering = ["publication", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "name"], name="section_unique_name_per_publication"
            ),
        ]

    def __str__(self) -> str:
        return self.name
