"""Forms of the planning board: a new issue and its front matter."""

from __future__ import annotations

import json

from django import forms
from django.core.exceptions import BadRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from editorial.forms import ISODateField, posted_integer
from editorial.models import Issue, Publication
from publishing.models import AccessLevel, IssueAccess

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


EMBARGO_MONTHS = (1, 2, 3, 6, 9, 12, 18, 24)


class BoardAccessForm(forms.Form):
    """Who may read the issue, set on the board. An embargo is chosen as the date it opens to
    everyone (the model counts months from the cover date, so each choice names its date)."""

    level = forms.ChoiceField(label=_("访问权限"), choices=AccessLevel.choices,
                              widget=forms.RadioSelect)
    embargo_months = forms.TypedChoiceField(
        label=_("公开日期"), coerce=int, required=False, empty_value=0,
        help_text=_("仅“会员优先，到期后公开”时使用：从出版日期起算，到这一天对所有人公开。"))

    def __init__(self, *args, issue: Issue, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", gettext("—— 选择公开日期 ——"))]
        current = self.initial.get("embargo_months") or 0
        for months in sorted({*EMBARGO_MONTHS, current} - {0}):
            opens = IssueAccess(issue=issue, level=AccessLevel.EMBARGO,
                                embargo_months=months).public_from()
            choices.append((months, gettext("%(date)s 起公开（会员独享 %(n)s 个月）")
                            % {"date": opens.isoformat(), "n": months}))
        self.fields["embargo_months"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("level") == AccessLevel.EMBARGO and not data.get("embargo_months"):
            self.add_error("embargo_months", gettext("“到期后公开”需要选择公开日期。"))
        return data
