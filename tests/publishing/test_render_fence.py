"""Every WeasyPrint run is fenced: article previews render in the render child process, with
the time limit and a memory cap, and any failure there is a page naming the article."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from editorial.models import Article
from publishing.errors import RenderError
from publishing.rendering import pdf as pdf_module
from publishing.rendering.services import RenderOutOfMemory, article_preview_pdf
from tests.editorial import factories_workspace as ws
from tests.factories import EditorFactory
from tests.hostile.corpus import body, load

pytestmark = pytest.mark.django_db

BODIES = Path(__file__).resolve().parents[1] / "hostile" / "bodies"


@pytest.fixture
def editor():
    return EditorFactory()


def _stored_unbounded(editor, raw: str, title: str) -> Article:
    """An article whose stored body skipped today's sanitiser (stored before the bounds)."""
    article = ws.draft_article(by=editor, title=title)
    Article.objects.filter(pk=article.pk).update(body=raw)
    return Article.objects.get(pk=article.pk)


def test_the_pdf_preview_runs_in_a_child_process(client, editor, tmp_path, monkeypatch):
    record = tmp_path / "pid"
    original = pdf_module.pdf_from_html

    def recording(*args, **kwargs):
        record.write_text(str(os.getpid()))
        return original(*args, **kwargs)

    monkeypatch.setattr(pdf_module, "pdf_from_html", recording)
    article = ws.draft_article(by=editor, title="子进程预览")
    client.force_login(editor)
    response = client.get(reverse("publishing:article_preview_pdf", args=[article.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert int(record.read_text()) != os.getpid()


@pytest.mark.parametrize("name", ["colspan-billion", "blockquote-3000", "lists-2000"])
def test_hostile_bodies_preview_quickly_within_the_memory_cap(client, editor, settings, name):
    """Even stored unbounded, the renderer bounds the body again; the child's cap (1.5 GB here)
    would stop it otherwise. Before: 23 GB and the kernel killed the web process."""
    settings.BULLETIN_RENDER_MEMORY_MB = 1536
    settings.BULLETIN_RENDER_TIMEOUT = 120
    case = load(BODIES / f"{name}.json")
    article = _stored_unbounded(editor, body(case["body"]), "表格文章")
    client.force_login(editor)
    response = client.get(reverse("publishing:article_preview_pdf", args=[article.pk]))
    assert response.status_code == 200, response.content.decode(errors="replace")[:1000]
    assert response.content.startswith(b"%PDF")
    # Nothing silently lost: the deepest text is on the page (it had no width left, once).
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True,
                          check=True).stdout.decode()
    assert case["expect"]["text"] in text.replace("\n", "")


def test_a_render_over_the_memory_cap_is_a_clear_page_naming_the_article(client, editor,
                                                                         settings):
    settings.BULLETIN_RENDER_MEMORY_MB = 1  # far below what the child already maps
    article = ws.draft_article(by=editor, title="内存上限之下")
    client.force_login(editor)
    response = client.get(reverse("publishing:article_preview_pdf", args=[article.pk]))
    assert response.status_code == 422
    page = response.content.decode()
    assert "《内存上限之下》" in page and "内存上限" in page
    with pytest.raises(RenderOutOfMemory, match="BULLETIN_RENDER_MEMORY_MB"):
        article_preview_pdf(article)
    # The server process is untouched: the next preview, without the cap, renders.
    settings.BULLETIN_RENDER_MEMORY_MB = 0
    assert client.get(reverse("publishing:article_preview_pdf",
                              args=[article.pk])).status_code == 200


def test_a_preview_over_the_time_limit_is_a_clear_page(client, editor, settings, monkeypatch):
    """The child never finishes; the parent gives up at the deadline (no waiting on a clock:
    the limit is zero seconds)."""
    settings.BULLETIN_RENDER_TIMEOUT = 0

    def stuck(*args, **kwargs):
        signal.pause()  # in the child only, which the parent kills at its (zero) deadline

    monkeypatch.setattr(pdf_module, "pdf_from_html", stuck)
    article = ws.draft_article(by=editor, title="排版超时")
    client.force_login(editor)
    response = client.get(reverse("publishing:article_preview_pdf", args=[article.pk]))
    assert response.status_code == 422
    assert "《排版超时》" in response.content.decode() and "时限" in response.content.decode()


@pytest.mark.parametrize(("cap_mb", "expected"), [(1, RenderOutOfMemory), (0, RenderError)])
def test_c_code_failing_at_the_cap_is_reported_as_the_cap(editor, settings, monkeypatch,
                                                          cap_mb, expected):
    """Cairo or Pango whose allocation failed may surface as any exception; at the cap it is
    the cap, without one it is reported as it is."""
    def failing(*args, **kwargs):
        raise SystemError("error return without exception set")

    monkeypatch.setattr(pdf_module, "pdf_from_html", failing)
    settings.BULLETIN_RENDER_MEMORY_MB = cap_mb
    article = ws.draft_article(by=editor, title="C 代码失败")
    with pytest.raises(RenderError) as excinfo:
        article_preview_pdf(article)
    assert type(excinfo.value) is expected
    if expected is RenderError:
        assert "SystemError" in str(excinfo.value)
