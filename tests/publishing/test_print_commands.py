"""manage.py render_issue and load_demo, run as an editor would run them."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from editorial.models import Article, Asset, Issue, IssueStatus
from publishing.models import Edition
from tests.factories import png_bytes
from tests.publishing.print_fixtures import build_print_issue

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def run(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def test_render_issue_writes_the_pdf_and_the_html_edition(tmp_path):
    build_print_issue(slug="cmd-test")
    output = run("render_issue", "cmd-test", "9", pdf=str(tmp_path / "out" / "issue-9.pdf"),
                 html=str(tmp_path / "web"))
    reader = PdfReader(tmp_path / "out" / "issue-9.pdf")
    assert f"{len(reader.pages)} pages" in output
    assert reader.metadata["/Title"] == "数字贸易专题"
    assert (tmp_path / "web" / "index.html").is_file()
    assert (tmp_path / "web" / "cmd-test-0.html").is_file()


def test_render_issue_print_option_makes_the_print_shop_variant(tmp_path):
    build_print_issue(slug="cmd-print")
    output = run("render_issue", "cmd-print", "9", pdf=str(tmp_path / "print.pdf"),
                 print_mode=True)
    assert "print-shop" in output
    page = PdfReader(tmp_path / "print.pdf").pages[0]
    assert page.mediabox != page.trimbox
    assert not (tmp_path / "web").exists()


def test_render_issue_names_an_unknown_issue_and_the_ones_there_are(tmp_path):
    build_print_issue(slug="cmd-unknown")
    with pytest.raises(CommandError, match=r"no issue cmd-unknown #99; its issues are: 9"):
        run("render_issue", "cmd-unknown", "99", pdf=str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="no publication has that slug"):
        run("render_issue", "no-such-thing", "1", pdf=str(tmp_path / "x.pdf"))
    assert list(tmp_path.iterdir()) == []


def test_render_issue_reports_a_timeout_without_a_traceback(tmp_path):
    build_print_issue(slug="cmd-slow")
    with pytest.raises(CommandError, match=r"nothing was changed.*time limit"):
        run("render_issue", "cmd-slow", "9", pdf=str(tmp_path / "x.pdf"), timeout=0.01)
    assert list(tmp_path.iterdir()) == []


def write_bundle(folder: Path) -> Path:
    (folder / "articles").mkdir(parents=True)
    (folder / "images").mkdir()
    (folder / "images" / "cover.png").write_bytes(png_bytes(300, 200, "#203050"))
    (folder / "issue.yaml").write_text(
        "publication: 大连数字贸易\npublication_slug: demo-test\nnumber: 1\n"
        "title: 《大连数字贸易》季刊第 1 期\ndate: 2025-03-31\nsections: [专家观点, 协会动态]\n"
        "editor_note: 欢迎阅读创刊号。\ncover_image: images/cover.png\n", encoding="utf-8")
    (folder / "articles" / "01-outlook.md").write_text(
        "---\ntitle: 在规则重构中把握数字贸易新机遇\nsection: 专家观点\nauthors: [周文澜]\n"
        "author_note: 东北亚数字贸易研究中心研究员\ntags: [DEPA]\n---\n\n"
        "## 一、新阶段\n\n全球数字贸易正从“拼规模”转向“拼规则”。\n", encoding="utf-8")
    (folder / "articles" / "02-news.md").write_text(
        "---\ntitle: 协会工作简讯\nsection: 协会动态\nsource: 协会秘书处\n---\n\n"
        "协会召开理事会。\n", encoding="utf-8")
    return folder


def test_load_demo_imports_publishes_and_prints_the_links(tmp_path, client, django_user_model):
    bundle = write_bundle(tmp_path / "bundle")
    output = run("load_demo", str(bundle), site_url="http://127.0.0.1:8000")
    issue = Issue.objects.get(publication__slug="demo-test", number=1)
    assert issue.status == IssueStatus.PUBLISHED
    for line in ("Site:         http://127.0.0.1:8000/",
                 "Issue:        http://127.0.0.1:8000/issues/demo-test/1/",
                 "PDF:          http://127.0.0.1:8000/issues/demo-test/1/pdf",
                 "HTML edition: http://127.0.0.1:8000/issues/demo-test/1/html/"):
        assert line in output
    edition = Edition.objects.get(issue=issue)
    assert edition.pdf_path.is_file() and (edition.html_path / "index.html").is_file()
    assert edition.page_count == len(PdfReader(edition.pdf_path).pages) >= 4
    # The site serves both (to those the issue's access lets read it).
    client.force_login(django_user_model.objects.create_superuser("boss", "b@example.org", "x"))
    pdf = client.get("/issues/demo-test/1/pdf")
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content) == edition.pdf_path.read_bytes()
    assert client.get("/issues/demo-test/1/html/").status_code == 200

    counts = (Article.objects.count(), Asset.objects.count(), Edition.objects.count())
    again = run("load_demo", str(bundle))
    assert "0 article(s) added" in again and "Already published" in again
    assert (Article.objects.count(), Asset.objects.count(), Edition.objects.count()) == counts


def test_load_demo_reports_a_broken_bundle_and_imports_nothing(tmp_path):
    bundle = write_bundle(tmp_path / "bundle")
    (bundle / "issue.yaml").write_text("publication: 大连数字贸易\n", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported"):
        run("load_demo", str(bundle))
    assert not Issue.objects.exists()


def test_render_issue_without_a_target_says_what_it_needs():
    build_print_issue(slug="cmd-none")
    with pytest.raises(CommandError, match="--pdf FILE and/or --html DIR"):
        run("render_issue", "cmd-none", "9")
