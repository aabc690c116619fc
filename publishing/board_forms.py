"""Forms of the issue planning board."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from editorial.models import Publication


class IssueCreateForm(forms.Form):
    publication = forms.ModelChoiceField(label=_("刊物"), queryset=Publication.objects.all(),
                                         empty_label=None)
    number = forms.IntegerField(label=_("期号"), min_value=1)
    title = forms.CharField(label=_("标题"), max_length=200, required=False)
    cover_date = forms.DateField(label=_("出版日期"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))


class IssueFrontForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200, required=False)
    cover_date = forms.DateField(label=_("出版日期"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    editor_note = forms.CharField(label=_("卷首语（Markdown）"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 5}))
    cover_image = forms.FileField(label=_("封面图片"), required=False,
                                  help_text=_("PNG、JPEG、GIF 或 WebP，不超过 10 MB"))


class ScheduleForm(forms.Form):
    release_at = forms.DateTimeField(
        label=_("计划出版时间（北京时间）"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def clean_release_at(self) -> dt.datetime:
        value = self.cleaned_data["release_at"]
        if value <= timezone.now():
            raise forms.ValidationError(_("出版时间必须晚于当前时间。"))
        return value


class CorrectionForm(forms.Form):
    erratum = forms.CharField(label=_("勘误说明"), max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}))
