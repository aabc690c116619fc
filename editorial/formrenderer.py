"""How every form on the site renders (settings.FORM_RENDERER): labels above fields, help
text tied to its field, errors inline under the field that caused them. The templates are
templates/forms/form.html and templates/forms/field.html; widgets keep Django's own."""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
