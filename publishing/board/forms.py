"""Forms of the planning board: a new issue and its front matter."""

from __future__ import annotations

import json

from django import forms
from django.core.exceptions import BadRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from editorial.forms import ISODateField, posted_integer
from editorial.models import Publication

# An issue never holds more; a longer layout is not one of ours.
MAX_LAYOUT_ARTICLES = 2000


class IssueCreateForm(forms.Form):
    publication = forms.ModelChoiceField(label=_("刊物"), queryset=Publication.objects.all(),
                                         empty_label=None)
    number = forms.IntegerField(label=_("期号"), min_value=1)
    title = forms.CharField(label=_("标题"), max_length=200, required=False)
    cover_date = ISODateField(label=_("出版日期"), required=False)


class IssueFrontForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200, required=False)
    cover_date = ISODateField(label=_("出版日期"), required=False)
    editor_note = forms.CharField(label=_("卷首语（Markdown）"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 5}))
    cover_image = forms.FileField(label=_("封面图片"), required=False,
                                  help_text=_("PNG、JPEG、GIF 或 WebP，不超过 10 MB"))


def layout_from_json(body: bytes) -> list[tuple[int, list[int]]]:
    """The board script's layout ``[[section_id, [article_id, …]], …]``, or ``BadRequest``
    saying what is wrong with it. Only JSON integers count as ids (not "1", 1.0 or true)."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise BadRequest(gettext("排版数据不是有效的 JSON。")) from None
    shape = gettext("排版数据应为 [[栏目编号, [文章编号, …]], …]。")
    if not isinstance(data, list):
        raise BadRequest(shape)
    layout, count = [], 0
    for entry in data:
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[1], list)):
            raise BadRequest(shape)
        count += len(entry[1])
        if count > MAX_LAYOUT_ARTICLES:
            raise BadRequest(shape)
        section = posted_integer(_json_int(entry[0]), field=gettext("栏目编号"))
        articles = [posted_integer(_json_int(a), field=gettext("文章编号")) for a in entry[1]]
        layout.append((section, articles))
    return layout


def _json_int(value):
    """JSON integers only: a string of digits, a float or a boolean is refused as it is."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return repr(value) if not isinstance(value, str) else f'"{value}"'
