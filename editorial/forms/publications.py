"""刊物设置: a publication's settings and its sections' layouts."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from editorial.models import Publication, SectionLayout


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
