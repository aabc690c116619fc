"""Every form renders through the one field template (settings.FORM_RENDERER): the label
above its field, help text tied to the field for screen readers, errors under the field that
caused them, and the field marked invalid."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from editorial.forms import PublicationSettingsForm
from tests.factories import PublicationFactory

pytestmark = pytest.mark.django_db


def test_label_comes_before_its_field_and_help_is_described_by():
    html = str(PublicationSettingsForm(instance=PublicationFactory()))
    field = re.search(r'<div class="form-field form-field-printer">(.*?)</div>', html, re.S).group(1)
    assert field.index('<label for="id_printer">') < field.index('<input')
    assert 'aria-describedby="id_printer_helptext"' in field
    assert '<small class="help" id="id_printer_helptext">' in field


def test_an_error_sits_under_its_field_and_marks_it_invalid():
    form = PublicationSettingsForm(data={"email": "不是邮箱", "running_header": "x", "page_size": "a4"},
                                   instance=PublicationFactory())
    assert not form.is_valid()
    field = re.search(r'<div class="form-field form-field-email has-error">(.*?)</div>', str(form),
                      re.S).group(1)
    assert 'aria-invalid="true"' in field
    assert field.index("<input") < field.index('<ul class="errorlist" id="id_email_errors" role="alert">')


def test_workspace_pages_load_no_stylesheet_or_script_from_elsewhere(client_for, editor_user):
    html = client_for(editor_user).get(reverse("editorial:dashboard")).content.decode()
    assert "/static/vendor/pico/pico.min.css" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
