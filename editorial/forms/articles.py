"""Writing an article: the article form, image uploads and Word import."""

from __future__ import annotations

import re
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorFormField

from editorial.forms.fields import PROSE_EXTENSIONS
from editorial.images import ImageRejected, find_embedded_markup, inspect_image
from editorial.models import Article, Asset, Issue, Section
from editorial.richtext import sanitize_html
from editorial.snapshots import ArticleContent, CreditLine

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
