"""Articles, their contributors and credits. Workflow state lives on ``Article`` but is only
ever assigned by ``editorial.services``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from editorial.models.content.assets import Asset
from editorial.models.content.issues import Issue
from editorial.models.content.publications import Section


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
