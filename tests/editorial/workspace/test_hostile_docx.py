"""Hostile Word files (tests/hostile/docx): refused with a clear message before anything is
unpacked or converted, nothing left behind, and the conversion never inside a transaction."""

from __future__ import annotations

import re
from pathlib import Path

import mammoth
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from editorial.models import Article, Asset
from tests.hostile.corpus import cases, docx, load

pytestmark = pytest.mark.django_db


def _post(client, section, name: str, data: bytes):
    return client.post(reverse("editorial:article_import"), {
        "file": SimpleUploadedFile(name, data), "section": section.pk})


@pytest.mark.parametrize("path", cases("docx"))
def test_hostile_docx_is_refused_clearly_or_imported_bounded(editor_user, section, client_for,
                                                             path, monkeypatch):
    case = load(path)
    expect = case["expect"]
    converted = []
    original = mammoth.convert_to_html
    monkeypatch.setattr(mammoth, "convert_to_html",
                        lambda *a, **kw: converted.append(1) or original(*a, **kw))
    response = _post(client_for(editor_user), section, f"{path.stem}.docx", docx(case))
    if expect.get("imported"):
        assert response.status_code == 302
        article = Article.objects.get()
        assert expect["text"] in article.body
        spans = [int(v) for v in re.findall(r'colspan="(\d+)"', article.body)]
        assert spans and max(spans) <= expect["max_colspan"]
        return
    assert response.status_code == 200
    page = response.content.decode()
    assert expect["message"] in page
    assert f"{path.stem}.docx" in page  # the message names the file
    assert not Article.objects.exists() and not Asset.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))
    if "压缩炸弹" in expect["message"] or "实体" in expect["message"]:
        assert not converted  # refused before mammoth unpacked anything
    client = client_for(editor_user)
    client.post(reverse("set_language"), {"language": "en", "next": "/editorial/"})
    english = _post(client, section, f"{path.stem}.docx", docx(case))
    assert expect["english"] in english.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_conversion_runs_outside_any_transaction(editor_user, section, client_for,
                                                     monkeypatch):
    """Converting a large file must not hold SQLite's write lock (a second editor's comment
    failed with "database is locked"): only storing the images and the draft is atomic."""
    from tests.editorial.workspace.test_uploads import docx_bytes, png_bytes

    seen = []
    original = mammoth.convert_to_html

    def watching(*args, **kwargs):
        seen.append(connection.in_atomic_block)
        return original(*args, **kwargs)

    monkeypatch.setattr(mammoth, "convert_to_html", watching)
    response = _post(client_for(editor_user), section, "稿件.docx",
                     docx_bytes(image=png_bytes(50, 40)))
    assert response.status_code == 302
    assert seen == [False]
    article = Article.objects.get()
    asset = Asset.objects.get()
    assert f'src="{asset.file.url}"' in article.body and "bulletin-docx-" not in article.body
