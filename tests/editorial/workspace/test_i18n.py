"""The workspace speaks Simplified Chinese by default and English on request; times are
shown in Asia/Shanghai."""

from __future__ import annotations

import datetime
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from editorial.models import Transition
from tests.editorial import factories_workspace as wf

PO = Path(__file__).resolve().parents[3] / "editorial" / "locale" / "en" / "LC_MESSAGES"


@pytest.fixture(scope="module", autouse=True)
def compiled_messages():
    """`make setup` compiles the .po files; a bare pytest run compiles them here if needed."""
    mo, po = PO / "django.mo", PO / "django.po"
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        if shutil.which("msgfmt") is None:
            pytest.fail("gettext's msgfmt is missing: `make setup` installs it")
        call_command("compilemessages", locale=["en"], ignore_patterns=[".venv", "var"],
                     verbosity=0)
    translation.trans_real._translations = {}
    translation.trans_real._default = None


def test_every_workspace_string_has_an_english_translation():
    text = (PO / "django.po").read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]
    untranslated = [e for e in entries if re.search(r'^msgstr ""$(?!\n")', e, re.M)]
    assert untranslated == []
    assert "fuzzy" not in text


@pytest.mark.django_db
def test_workspace_is_chinese_by_default_and_english_on_request(editor_user, client_for):
    client = client_for(editor_user)
    chinese = client.get(reverse("editorial:dashboard")).content.decode()
    assert "待我审稿" in chinese and '<html lang="zh-CN">' in chinese
    client.post(reverse("set_language"), {"language": "en", "next": "/editorial/"})
    english = client.get(reverse("editorial:dashboard")).content.decode()
    assert "Waiting for my review" in english and "My drafts" in english
    assert "待我审稿" not in english
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/editorial/"})
    assert "待我审稿" in client.get(reverse("editorial:dashboard")).content.decode()


@pytest.mark.django_db
def test_times_are_shown_in_asia_shanghai(editor_user, reviewer_user, client_for):
    assert settings.TIME_ZONE == "Asia/Shanghai"
    article = wf.in_review_article(by=editor_user, reviewers=[reviewer_user])
    utc = datetime.datetime(2024, 6, 30, 17, 30, tzinfo=datetime.UTC)
    Transition.objects.filter(article=article).update(at=utc)
    html = client_for(editor_user).get(
        reverse("editorial:article_detail", args=[article.pk])).content.decode()
    assert "2024-07-01 01:30" in html
