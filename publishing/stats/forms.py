"""The statistics page's period and issue filter."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from publishing.stats.selectors import Period, add_months, issues_for_filter

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MAX_MONTHS = 120


def _month(value: str) -> dt.date:
    match = MONTH.match(value.strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
        raise forms.ValidationError(_("请按“年-月”填写，例如 2026-01。"))
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


class IssueChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_title


class StatisticsForm(forms.Form):
    start = forms.CharField(label=_("起始月份"), max_length=7,
                            widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-01"}))
    end = forms.CharField(label=_("截止月份"), max_length=7,
                          widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-12"}))
    issue = IssueChoice(label=_("期刊"), queryset=issues_for_filter(), required=False,
                        empty_label=_("全部期刊"))

    def full_clean(self) -> None:
        """Fields in error say so to assistive technology, and point at their message."""
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"id_{name}-error"})

    def clean_start(self) -> dt.date:
        return _month(self.cleaned_data["start"])

    def clean_end(self) -> dt.date:
        return _month(self.cleaned_data["end"])

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                self.add_error("end", _("截止月份不能早于起始月份。"))
            elif add_months(start, MAX_MONTHS) <= end:
                self.add_error("end", _("一次最多统计 %(n)s 个月。") % {"n": MAX_MONTHS})
        return data

    def period(self) -> Period:
        data = self.cleaned_data
        return Period(data["start"], data["end"], data.get("issue"))

    @classmethod
    def for_period(cls, period: Period) -> StatisticsForm:
        return cls(initial={"start": period.first.strftime("%Y-%m"),
                            "end": period.last.strftime("%Y-%m"), "issue": period.issue})
