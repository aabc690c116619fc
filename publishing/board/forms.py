"""Forms of the planning board: a new issue and its front matter."""

from __future__ import annotations

from django import forms
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
