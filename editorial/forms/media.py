"""The media library: an image's alt text and caption, and its search."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AssetTextForm(forms.Form):
    """The words that travel with a stored image."""

    alt_text = forms.CharField(label=_("替代文字"), max_length=300, required=False,
                               help_text=_("给看不到图片的读者（读屏软件）的描述，"
                                           "例如“2019—2023 年跨境电商进出口规模柱状图”。"))
    caption = forms.CharField(label=_("图注"), max_length=300, required=False,
                              help_text=_("从图片库插入正文时默认使用的图注。"))


class MediaSearchForm(forms.Form):
    q = forms.CharField(label=_("搜索图片"), required=False, max_length=100)
