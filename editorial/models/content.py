"""The content of a periodical: publications, their sections and issues, articles and images.

Workflow state lives on the models but is only ever assigned by ``editorial.services``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

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


class Asset(models.Model):
    """An image that passed validation, stored under a random name; shared by every use of it."""

    file = models.ImageField(_("文件"), upload_to="images/", width_field="width",
                             height_field="height")
    original_name = models.CharField(_("原文件名"), max_length=255)
    # What the media library offers when the image is inserted again: the alt text for
    # readers who cannot see it, and a default caption.
    alt_text = models.CharField(_("替代文字"), max_length=300, blank=True,
                                help_text=_("给看不到图片的读者（读屏软件）的描述。"))
    caption = models.CharField(_("图注"), max_length=300, blank=True,
                               help_text=_("插入正文时默认使用的图注。"))
    sha256 = models.CharField(max_length=64, unique=True, editable=False)
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("上传人"),
    )

    class Meta:
        verbose_name = _("图片")
        verbose_name_plural = _("图片")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name


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


class Contributor(models.Model):
    """An author; the affiliation is their usual line, an article may print its own."""

    name = models.CharField(_("姓名"), max_length=100)
    affiliation = models.CharField(_("单位/职务"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("作者")
        verbose_name_plural = _("作者")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "affiliation"], name="contributor_unique_name_affiliation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.affiliation}）" if self.affiliation else self.name


class ArticleState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    IN_REVIEW = "in_review", _("审稿中")
    CHANGES_REQUESTED = "changes_requested", _("待修改")
    APPROVED = "approved", _("已通过")
    WITHDRAWN = "withdrawn", _("已撤回")


class Article(models.Model):
    """A piece of content: an expert article, a reprinted news item, a report."""

    issue = models.ForeignKey(
        Issue,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("期刊"),
    )
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, related_name="articles", verbose_name=_("栏目")
    )
    position = models.PositiveIntegerField(_("期内顺序"), default=0)
    title = models.CharField(_("标题"), max_length=300)
    subtitle = models.CharField(_("副标题"), max_length=300, blank=True)
    slug = models.SlugField(_("网址标识"), max_length=120, unique=True)
    summary = models.TextField(_("摘要"), blank=True)
    body = models.TextField(_("正文"), blank=True, help_text=_("已净化的 HTML"))
    source = models.CharField(
        _("来源"), max_length=200, blank=True, help_text=_("转载稿件的来源，印作“（来源：…）”")
    )
    lead_image = models.ForeignKey(
        Asset,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("题图"),
    )
    contributors = models.ManyToManyField(
        Contributor, through="ArticleContributor", related_name="articles",
        verbose_name=_("作者"),
    )
    tags = TaggableManager(_("标签"), blank=True)
    state = models.CharField(
        _("状态"), max_length=20, choices=ArticleState.choices, default=ArticleState.DRAFT
    )
    bundle_key = models.CharField(
        _("导入文件名"), max_length=200, blank=True, editable=False,
        help_text=_("从期刊包导入时的文件名，用于再次导入时识别同一篇文章"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("创建人"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("最后修改人"),
    )
    # Optimistic locking: every save through the workspace raises it by one; a save that
    # started from an older number is refused instead of overwriting someone else's words.
    version = models.PositiveIntegerField(_("版本"), default=0, editable=False)
    approved_revision = models.ForeignKey(
        "Revision", on_delete=models.SET_NULL, null=True, blank=True, editable=False,
        related_name="+", verbose_name=_("通过的修订版"),
    )
    # Archived instead of deleted: hidden from the article list by default, restored in one
    # step, its revisions and reviews kept. Only ``services.bulk`` sets it.
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True, db_index=True,
                                       editable=False)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        editable=False, related_name="+", verbose_name=_("归档人"),
    )

    class Meta:
        verbose_name = _("文章")
        verbose_name_plural = _("文章")
        ordering = ["issue", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "position"],
                condition=Q(issue__isnull=False),
                name="article_unique_position_in_issue",
            ),
            models.UniqueConstraint(
                fields=["issue", "bundle_key"],
                condition=Q(issue__isnull=False) & ~Q(bundle_key=""),
                name="article_unique_bundle_key_in_issue",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if (
            self.issue_id
            and self.section_id
            and self.issue.publication_id != self.section.publication_id
        ):
            raise ValidationError({"section": _("栏目必须属于该期刊的刊物。")})

    def byline_groups(self) -> list[tuple[list[str], str]]:
        """Authors grouped by shared note, in byline order: [(["张三", "李四"], "某研究院")]."""
        return group_bylines((c.contributor.name, c.note) for c in self.credits.all())


def group_bylines(credits: Iterable[tuple[str, str]]) -> list[tuple[list[str], str]]:
    """(name, note) pairs in byline order → names grouped by a shared note, as printed."""
    groups: list[tuple[list[str], str]] = []
    for name, note in credits:
        if groups and groups[-1][1] == note:
            groups[-1][0].append(name)
        else:
            groups.append(([name], note))
    return groups


class ArticleContributor(models.Model):
    """A contributor's credit on one article, in byline order, with the note printed beside it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="credits")
    contributor = models.ForeignKey(Contributor, on_delete=models.PROTECT, related_name="credits")
    position = models.PositiveIntegerField(_("顺序"), default=0)
    note = models.CharField(_("署名说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("署名")
        verbose_name_plural = _("署名")
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "contributor"], name="credit_unique_contributor_per_article"
            ),
            models.UniqueConstraint(
                fields=["article", "position"], name="credit_unique_position_per_article"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contributor.name} — {self.article}"
