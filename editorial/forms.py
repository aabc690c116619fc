"""Forms of the editorial workspace. They validate input and turn it into service arguments;
they never save anything themselves."""

from __future__ import annotations

import re
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import BadRequest
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorFormField

from editorial.images import ImageRejected, find_embedded_markup, inspect_image
from editorial.models import (
    Article,
    ArticleState,
    Asset,
    Contributor,
    Issue,
    IssueStatus,
    Publication,
    Section,
    SectionLayout,
)
from editorial.permissions import REVIEWER_GROUP, is_editor
from editorial.richtext import sanitize_html
from editorial.selectors import ARTICLE_SORTS, article_visible_to
from editorial.snapshots import ArticleContent, CreditLine

PROSE_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "Figure": True,
    "Image": True,
    "Caption": True,
    "FigureKeys": True,
    "History": True,
}

# Ids and version numbers posted by our own forms and scripts: ASCII digits that fit a
# database integer. Anything else is a bad request, said plainly (never a 500).
MAX_DB_INTEGER = 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,19}", re.ASCII)


def posted_integer(value, *, field: str, minimum: int = 1) -> int:
    """``value`` (from request.POST or JSON) as an integer ≥ ``minimum``, or ``BadRequest``
    naming the field and showing (a safe, short piece of) what was sent."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value):
        number = int(value)
    else:
        number = None
    if number is None or not minimum <= number <= MAX_DB_INTEGER:
        shown = "".join(c if c.isprintable() else "?" for c in str(value)[:20])
        raise BadRequest(gettext("“%(field)s”应为不小于 %(minimum)d 的整数，收到的是“%(value)s”。")
                         % {"field": field, "minimum": minimum,
                            "value": shown + ("…" if len(str(value)) > 20 else "")})
    return number


class ISODateInput(forms.DateInput):
    """``<input type="date">`` takes only ISO values (2026-12-01). Django would render the
    active language's first input format (2026/12/01 in Chinese), which the browser refuses:
    the field shows empty and saving the form unchanged wipes the date."""

    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ISODateTimeInput(forms.DateTimeInput):
    """``<input type="datetime-local">``, likewise ISO only (2026-12-01T09:30)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class ISODateField(forms.DateField):
    """A date as browsers' date pickers send it, in every language."""

    widget = ISODateInput
    input_formats = ["%Y-%m-%d"]


class ISODateTimeField(forms.DateTimeField):
    widget = ISODateTimeInput
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


_CREDIT_SPLIT = re.compile(r"\s*[|｜]\s*")
MAX_DOCX_BYTES = 20 * 1024 * 1024


def _file_name(uploaded) -> str:
    """The base name only: ``../../etc/passwd.jpg`` is just ``passwd.jpg`` to us."""
    return PurePath(str(uploaded.name).replace("\\", "/")).name[:255] or "upload"


class ArticleForm(forms.Form):
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, initial=0)
    title = forms.CharField(label=_("标题"), max_length=300,
                            widget=forms.TextInput(attrs={"placeholder": _("标题")}))
    subtitle = forms.CharField(label=_("副标题"), max_length=300, required=False,
                               widget=forms.TextInput(attrs={"placeholder": _("副标题（可不填）")}))
    section = forms.ModelChoiceField(label=_("栏目"), queryset=Section.objects.all(),
                                     empty_label=_("请选择栏目"))
    issue = forms.ModelChoiceField(
        label=_("期刊"), queryset=Issue.objects.select_related("publication"), required=False,
        empty_label=_("暂不编入期刊"),
    )
    credits = forms.CharField(
        label=_("作者"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一位：姓名｜单位｜署名说明（后两项可省略）"),
    )
    source = forms.CharField(label=_("来源"), max_length=200, required=False)
    tags = forms.CharField(label=_("标签"), required=False, help_text=_("用逗号分隔"))
    summary = forms.CharField(label=_("摘要"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    # The lead image the form was opened with, carried so that a save (or a merge) keeps the
    # one it showed; an upload or "remove" below replaces it.
    lead_image = forms.ModelChoiceField(queryset=Asset.objects.all(), required=False,
                                        widget=forms.HiddenInput)
    lead_image_upload = forms.FileField(label=_("题图"), required=False)
    remove_lead_image = forms.BooleanField(label=_("去掉题图"), required=False)
    body = ProseEditorFormField(
        label=_("正文"), required=False, config={"extensions": PROSE_EXTENSIONS},
        sanitize=sanitize_html,
    )

    def clean_credits(self) -> list[CreditLine]:
        lines = []
        for number, raw in enumerate(self.cleaned_data["credits"].splitlines(), start=1):
            if not raw.strip():
                continue
            parts = _CREDIT_SPLIT.split(raw.strip())
            if len(parts) > 3:
                raise forms.ValidationError(
                    _("第 %(n)d 行有太多“｜”：格式是 姓名｜单位｜署名说明。"), params={"n": number}
                )
            name, affiliation, note = [*parts, "", ""][:3]
            if not name or len(name) > 100:
                raise forms.ValidationError(
                    _("第 %(n)d 行的姓名为空或超过 100 字。"), params={"n": number}
                )
            lines.append(CreditLine(name=name, affiliation=affiliation[:300], note=note[:300]))
        names = [line.name for line in lines]
        if len(set(names)) != len(names):
            raise forms.ValidationError(_("同一位作者出现了两次。"))
        return lines

    def clean_tags(self) -> list[str]:
        raw = re.split(r"[,，、;；]", self.cleaned_data["tags"])
        tags = []
        for tag in (t.strip() for t in raw):
            if tag and tag not in tags:
                tags.append(tag[:100])
        return tags

    def clean_lead_image_upload(self):
        uploaded = self.cleaned_data.get("lead_image_upload")
        if uploaded:
            self.lead_image_data = read_image_upload(uploaded)
        return uploaded

    def content(self, *, lead_image) -> ArticleContent:
        return ArticleContent.from_form_data(self.cleaned_data, lead_image=lead_image)

    @staticmethod
    def initial_for(article: Article) -> dict:
        return {"base_version": article.version, **ArticleContent.of_article(article).form_initial()}


def read_image_upload(uploaded) -> bytes:
    """The bytes of an uploaded image, or a form error saying what is wrong with it."""
    limit = settings.BULLETIN_IMAGE_MAX_BYTES
    if uploaded.size > limit:
        raise forms.ValidationError(
            _("图片“%(name)s”有 %(size).1f MB，超过了 %(limit)d MB 的上限。"),
            params={"name": _file_name(uploaded), "size": uploaded.size / 1048576,
                    "limit": limit // 1048576},
        )
    data = uploaded.read()
    try:
        inspect_image(data)
        markup = find_embedded_markup(data)
        if markup:
            raise ImageRejected(f"the file also contains web markup ({markup}); "
                                "save it again from an image editor")
    except ImageRejected as exc:
        raise forms.ValidationError(
            _("图片“%(name)s”不能使用：%(reason)s"),
            params={"name": _file_name(uploaded), "reason": str(exc)},
        ) from exc
    return data


class ImageUploadForm(forms.Form):
    image = forms.FileField(label=_("图片"))
    caption = forms.CharField(label=_("图注"), max_length=500, required=False)

    def clean_image(self):
        uploaded = self.cleaned_data["image"]
        self.image_data = read_image_upload(uploaded)
        self.image_name = _file_name(uploaded)
        return uploaded


class DocxImportForm(forms.Form):
    file = forms.FileField(label=_("Word 文件（.docx）"))
    section = forms.ModelChoiceField(label=_("栏目"), queryset=Section.objects.all())

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        name = _file_name(uploaded)
        if not name.lower().endswith(".docx"):
            raise forms.ValidationError(_("只能导入 .docx 格式的 Word 文件。"))
        if uploaded.size > MAX_DOCX_BYTES:
            raise forms.ValidationError(_("文件超过 20 MB。"))
        self.file_data = uploaded.read()
        self.file_name = name
        return uploaded


def _reviewer_label(user) -> str:
    name = user.get_full_name()
    return f"{name}（{user.get_username()}）" if name else user.get_username()


class SubmitForm(forms.Form):
    reviewers = forms.ModelMultipleChoiceField(
        label=_("审稿人"), queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    due_date = ISODateField(label=_("截止日期"))
    comment = forms.CharField(label=_("附言"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, article: Article | None = None, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        reviewers = get_user_model().objects.filter(
            groups__name=REVIEWER_GROUP, is_active=True
        ).order_by("username")
        if user is not None:
            reviewers = reviewers.exclude(pk=user.pk)
        if article is not None and article.created_by_id:
            reviewers = reviewers.exclude(pk=article.created_by_id)
        self.fields["reviewers"].queryset = reviewers
        # People by their names (as everywhere in the workspace), the login name only without one.
        self.fields["reviewers"].label_from_instance = _reviewer_label
        self.fields["due_date"].initial = timezone.localdate() + timezone.timedelta(days=7)


class DecisionForm(forms.Form):
    comment = forms.CharField(label=_("审稿意见"), required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))
    # Set by the confirmation page: the reviewer approves knowing comments are unresolved.
    confirm_unresolved = forms.BooleanField(required=False, widget=forms.HiddenInput)


class CommentForm(forms.Form):
    body = forms.CharField(label=_("评论"), max_length=10000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # The passage selected in the body (filled by review.js), with context either side.
    quote = forms.CharField(required=False, max_length=4000, widget=forms.HiddenInput)
    quote_prefix = forms.CharField(required=False, max_length=400, widget=forms.HiddenInput)
    quote_suffix = forms.CharField(required=False, max_length=400, widget=forms.HiddenInput)


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


def _id(value) -> str:
    return "" if value is None else str(getattr(value, "pk", value))


def snapshot_from_revision(revision) -> dict:
    """A revision as the form-shaped strings that merging and diffs compare. Where it was
    filed (section, issue) is known for revisions that recorded it; an older revision's issue
    is left out, so a merge treats it as unknown rather than guessing."""
    if revision is None:
        return {}
    snapshot = ArticleContent.of_revision(revision, section=None).comparable()
    snapshot["lead_image"] = _id(revision.lead_image_id)
    if revision.section_id is not None:
        snapshot["section"] = _id(revision.section_id)
        snapshot["issue"] = _id(revision.issue_id)
    else:
        section = Section.objects.filter(publication__sections__articles=revision.article_id,
                                         name=revision.section_name).first()
        if section is not None:
            snapshot["section"] = _id(section)
    return snapshot


def snapshot_from_article(article: Article) -> dict:
    """The article as saved now: its latest revision's words, and where it is filed now (the
    board files articles without writing a revision)."""
    snapshot = snapshot_from_revision(article.revisions.filter(number=article.version).first())
    snapshot.update(section=_id(article.section_id), issue=_id(article.issue_id),
                    lead_image=_id(article.lead_image_id))
    return snapshot


def snapshot_from_form(form: ArticleForm, *, lead_image) -> dict:
    data = form.cleaned_data
    return form.content(lead_image=lead_image).comparable() | {
        "section": _id(data["section"]), "issue": _id(data["issue"]), "lead_image": _id(lead_image),
    }


def snapshot_for_display(snapshot: dict) -> dict:
    """The same snapshot with section, issue and lead image named instead of numbered."""
    shown = dict(snapshot)
    models = {"section": Section, "issue": Issue, "lead_image": Asset}
    for key, model in models.items():
        value = snapshot.get(key)
        if value:
            found = model.objects.filter(pk=value).first()
            shown[key] = str(found) if found is not None else value
    return shown


SNAPSHOT_LABELS = {
    "title": _("标题"), "subtitle": _("副标题"), "section": _("栏目"), "issue": _("期刊"),
    "credits": _("作者"), "source": _("来源"), "tags": _("标签"), "summary": _("摘要"),
    "lead_image": _("题图"), "body": _("正文"),
}


class PublicationSettingsForm(forms.ModelForm):
    """What the printed issue says about the publication: running header, masthead (版权页)."""

    class Meta:
        model = Publication
        fields = ["publisher", "editorial_office", "editor_in_chief", "address", "postcode",
                  "phone", "email", "printer", "issn", "internal_permit", "distribution",
                  "masthead_note", "running_header", "page_size"]
        widgets = {"masthead_note": forms.Textarea(attrs={"rows": 3})}
        # "编辑" alone is also the Edit button; the masthead's line is the editorial office.
        labels = {"editorial_office": pgettext_lazy("masthead line", "编辑")}


class SectionSettingsForm(forms.Form):
    """One section's print layout; the prefix carries the section's id."""

    layout = forms.ChoiceField(label=_("版式"), choices=SectionLayout.choices)
    new_page_per_article = forms.BooleanField(label=_("每篇另起一页"), required=False)


class AssetTextForm(forms.Form):
    """The words that travel with a stored image."""

    alt_text = forms.CharField(label=_("替代文字"), max_length=300, required=False,
                               help_text=_("给看不到图片的读者（读屏软件）的描述，"
                                           "例如“2019—2023 年跨境电商进出口规模柱状图”。"))
    caption = forms.CharField(label=_("图注"), max_length=300, required=False,
                              help_text=_("从图片库插入正文时默认使用的图注。"))


class MediaSearchForm(forms.Form):
    q = forms.CharField(label=_("搜索图片"), required=False, max_length=100)


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
