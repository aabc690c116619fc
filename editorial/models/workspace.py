"""The editors' workspace around an article: revisions, workflow transitions, review
assignments, comments, autosaved drafts and who is editing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from editorial.models.content import Article, ArticleState, Asset, Issue, Section


class Revision(models.Model):
    """A frozen copy of an article's editable content, written on every save; never changed."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("文章")
    )
    number = models.PositiveIntegerField(_("修订号"))
    title = models.CharField(_("标题"), max_length=300)
    subtitle = models.CharField(_("副标题"), max_length=300, blank=True)
    summary = models.TextField(_("摘要"), blank=True)
    body = models.TextField(_("正文"), blank=True)
    source = models.CharField(_("来源"), max_length=200, blank=True)
    section_name = models.CharField(_("栏目"), max_length=100, blank=True)
    # Where the article was filed at this revision, so a merge can tell who moved it.
    # Both empty for revisions written before they were recorded (their issue is unknown).
    section = models.ForeignKey(
        Section, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("栏目"),
    )
    issue = models.ForeignKey(
        Issue, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("期刊"),
    )
    tags = models.JSONField(_("标签"), default=list, blank=True)
    credits = models.JSONField(
        _("署名"), default=list, blank=True,
        help_text=_("[{name, affiliation, note}]，按署名顺序"),
    )
    lead_image = models.ForeignKey(
        Asset, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("题图"),
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("修改人"),
    )

    class Meta:
        verbose_name = _("修订版")
        verbose_name_plural = _("修订版")
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"], name="revision_unique_number_per_article"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} r{self.number}"


class Transition(models.Model):
    """One step of an article through the workflow: who moved it, when, from where to where."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("文章")
    )
    from_state = models.CharField(_("原状态"), max_length=20, choices=ArticleState.choices)
    to_state = models.CharField(_("新状态"), max_length=20, choices=ArticleState.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    comment = models.TextField(_("意见"), blank=True)
    revision = models.ForeignKey(
        Revision, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("修订版"),
    )

    class Meta:
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")
        ordering = ["article", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.from_state} → {self.to_state}"


class ReviewAssignment(models.Model):
    """A named reviewer asked to review one submission of an article by a due date."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("待审")
        APPROVED = "approved", _("通过")
        CHANGES_REQUESTED = "changes_requested", _("要求修改")
        CANCELLED = "cancelled", _("已取消")

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("文章")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_assignments",
        verbose_name=_("审稿人"),
    )
    due_date = models.DateField(_("截止日期"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("指派人"),
    )
    assigned_at = models.DateTimeField(_("指派时间"), auto_now_add=True)
    decision = models.CharField(
        _("结论"), max_length=20, choices=Decision.choices, default=Decision.PENDING
    )
    decided_at = models.DateTimeField(_("审结时间"), null=True, blank=True)
    reminded_on = models.DateField(_("最近提醒日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("审稿指派")
        verbose_name_plural = _("审稿指派")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return f"{self.article_id} → {self.reviewer_id} ({self.due_date})"


class Comment(models.Model):
    """A review comment on an article; replies hang under a top-level comment.

    A top-level comment may be anchored to a passage of the body: the quoted words with a
    little text either side, so the page can find the passage again after small edits
    elsewhere (the context picks the right one of several equal quotes)."""

    QUOTE_MAX = 1000
    CONTEXT_CHARS = 32

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="comments", verbose_name=_("文章")
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies",
        verbose_name=_("回复"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("作者"),
    )
    body = models.TextField(_("内容"))
    quote = models.TextField(_("引用的原文"), blank=True)
    quote_prefix = models.CharField(_("引文前的文字"), max_length=CONTEXT_CHARS, blank=True)
    quote_suffix = models.CharField(_("引文后的文字"), max_length=CONTEXT_CHARS, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    resolved = models.BooleanField(_("已解决"), default=False)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("解决人"),
    )
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("审稿意见")
        verbose_name_plural = _("审稿意见")
        ordering = ["article", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.body[:30]}"


class AutosavedDraft(models.Model):
    """What a user typed into an article's editor but has not saved yet, one per user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    base_version = models.PositiveIntegerField(default=0)
    data = models.JSONField(default=dict)
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("自动保存")
        verbose_name_plural = _("自动保存")
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="autosave_unique_per_user"),
        ]

    def __str__(self) -> str:
        return f"autosave {self.article_id} / {self.user_id}"


class EditingPresence(models.Model):
    """A user has the article's editor open; refreshed by the page while it stays open."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="presence_unique_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} editing {self.article_id}"
