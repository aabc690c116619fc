"""Forms of releases: the release time and a correction's erratum."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from editorial.forms import ISODateTimeField


class ScheduleForm(forms.Form):
    release_at = ISODateTimeField(label=_("计划出版时间（北京时间）"))

    def clean_release_at(self) -> dt.datetime:
        value = self.cleaned_data["release_at"]
        if value <= timezone.now():
            raise forms.ValidationError(_("出版时间必须晚于当前时间。"))
        return value


class CorrectionForm(forms.Form):
    erratum = forms.CharField(label=_("勘误说明"), max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}))
