"""The article list: its filters and its bulk actions."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from editorial.forms.fields import ISODateField
from editorial.models import ArticleState, Contributor, Issue, IssueStatus, Section
from editorial.permissions import REVIEWER_GROUP, is_editor
from editorial.selectors import ARTICLE_SORTS, article_visible_to


class ArticleFilterForm(forms.Form):
    archived = forms.ChoiceField(label=_("归档"), required=False, choices=[
        ("", _("未归档")), ("only", _("仅已归档")), ("all", _("全部（含已归档）"))])
    sort = forms.ChoiceField(label=_("排序"), required=False,
                             choices=[(key, label) for key, (label, _o) in ARTICLE_SORTS.items()])
    q = forms.CharField(label=_("搜索"), required=False)
    state = forms.ChoiceField(label=_("状态"), required=False,
                              choices=[("", _("全部状态")), *ArticleState.choices])
    section = forms.ModelChoiceField(label=_("栏目"), queryset=Section.objects.all(),
                                     required=False, empty_label=_("全部栏目"))
    issue = forms.ModelChoiceField(label=_("期刊"), queryset=Issue.objects.all(),
                                   required=False, empty_label=_("全部期刊"))
    tag = forms.CharField(label=_("标签"), required=False)
    author = forms.ModelChoiceField(label=_("作者"), queryset=Contributor.objects.all(),
                                    required=False, empty_label=_("全部作者"))

    # The drop-downs list the newest issues and contributors (and the one chosen), never the
    # whole archive: ten years of issues and thousands of authors would make every page slow.
    CHOICES_SHOWN = 60

    def __init__(self, *args, user, **kwargs) -> None:
        """Editors filter by any issue and author; a reviewer only by the authors of the
        articles they review and by published issues among theirs, so the lists leak neither
        other drafts' authors nor the titles of issues still in planning."""
        super().__init__(*args, **kwargs)
        issues = Issue.objects.select_related("publication")
        authors = Contributor.objects.all()
        if not is_editor(user):
            visible = article_visible_to(user).values("pk")
            issues = issues.filter(pk__in=Issue.objects.filter(
                articles__in=visible, status=IssueStatus.PUBLISHED).values("pk"))
            authors = authors.filter(pk__in=Contributor.objects.filter(
                credits__article__in=visible).values("pk"))
        self.fields["issue"].queryset = issues
        self.fields["author"].queryset = authors
        self._bounded_choices("issue", issues.order_by("-created_at", "-pk"))
        self._bounded_choices("author", authors.order_by("-pk"))

    def _bounded_choices(self, name: str, ordered) -> None:
        """Show the newest ``CHOICES_SHOWN`` objects and the chosen one; any object of the
        field's queryset still validates."""
        field = self.fields[name]
        shown = list(ordered[:self.CHOICES_SHOWN])
        chosen = self.data.get(name) if self.is_bound else None
        if chosen and str(chosen).isdigit() and all(str(o.pk) != chosen for o in shown):
            shown += list(ordered.filter(pk=chosen))
        field.choices = [("", field.empty_label), *((o.pk, str(o)) for o in shown)]


class BulkActionForm(forms.Form):
    """The article list's bulk actions; which of the other fields counts depends on ``action``."""

    ACTIONS = [("assign_reviewer", _("指派审稿人")), ("add_to_issue", _("编入期刊")),
               ("archive", _("归档")), ("restore", _("恢复"))]

    action = forms.ChoiceField(label=_("批量操作"), choices=ACTIONS)
    reviewer = forms.ModelChoiceField(label=_("审稿人"), required=False,
                                      queryset=get_user_model().objects.none(),
                                      empty_label=_("选择审稿人"))
    due_date = ISODateField(label=_("审稿截止日期"), required=False)
    issue = forms.ModelChoiceField(label=_("期刊"), required=False, queryset=Issue.objects.none(),
                                   empty_label=_("选择期刊"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = get_user_model().objects.filter(
            groups__name=REVIEWER_GROUP, is_active=True).order_by("username")
        self.fields["reviewer"].label_from_instance = (
            lambda user: user.get_full_name() or user.get_username())
        # Issues still open for contents, newest first: a short list whatever the archive holds.
        self.fields["issue"].queryset = (Issue.objects.exclude(status=IssueStatus.PUBLISHED)
                                         .select_related("publication")
                                         .order_by("-created_at", "-pk"))
        self.fields["due_date"].initial = timezone.localdate() + timezone.timedelta(days=7)

    def clean(self):
        data = super().clean()
        ticked = self.data.getlist("articles")
        if any(not str(pk).isdigit() for pk in ticked):
            raise forms.ValidationError(gettext("文章编号应为整数。"))
        data["articles"] = [int(pk) for pk in ticked]
        action = data.get("action")
        if action == "assign_reviewer":
            for name in ("reviewer", "due_date"):
                if not data.get(name):
                    self.add_error(name, gettext("指派审稿人需要选择审稿人和截止日期。"))
        if action == "add_to_issue" and not data.get("issue"):
            self.add_error("issue", gettext("编入期刊需要选择期刊。"))
        return data
