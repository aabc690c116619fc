"""Issue bundles: import, re-import, export round trip, and every kind of bad input."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError
from PIL import Image

from editorial.bundles import BundleError, bundle_export, bundle_import
from editorial.models import (
    Article,
    ArticleContributor,
    Asset,
    Contributor,
    Issue,
    Publication,
    Revision,
    Section,
)
from tests.editorial.conftest import ASSOCIATION, EXPERT, ISSUE_YAML, NEWS, write_bundle
from tests.factories import png_bytes

pytestmark = pytest.mark.django_db


def media_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def snapshot() -> tuple:
    """Everything an import can touch: row contents and files in MEDIA_ROOT."""
    return (
        list(Publication.objects.values().order_by("pk")),
        list(Section.objects.values().order_by("pk")),
        list(Issue.objects.values().order_by("pk")),
        list(Article.objects.values().order_by("pk")),
        list(ArticleContributor.objects.values().order_by("pk")),
        list(Contributor.objects.values().order_by("pk")),
        list(Asset.objects.values().order_by("pk")),
        list(Revision.objects.values("pk", "article_id", "number").order_by("pk")),
        media_files(),
    )


def run_import(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("import_issue", str(path), *args, stdout=out, stderr=out)
    return out.getvalue()


def import_errors(path: Path) -> str:
    err = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_issue", str(path), stdout=io.StringIO(), stderr=err)
    return err.getvalue() + str(excinfo.value)


def wipe_content() -> None:
    Article.objects.all().delete()
    Issue.objects.all().delete()
    Section.objects.all().delete()
    Publication.objects.all().delete()
    Contributor.objects.all().delete()
    for asset in Asset.objects.all():
        asset.file.delete(save=False)
    Asset.objects.all().delete()


# --------------------------------------------------------------------------- import


def test_import_creates_issue_with_sections_articles_and_credits(bundle):
    run_import(bundle)
    issue = Issue.objects.get(publication__slug="dalian-digital-trade", number=9)
    assert issue.title == "《大连数字贸易》季刊第 9 期"
    assert str(issue.cover_date) == "2024-06-30"
    assert "<strong>数字贸易</strong>" in issue.editor_note
    assert issue.cover_image is not None
    assert issue.publication.running_header == "《大连数字贸易》季刊第 {number} 期"
    assert list(issue.publication.sections.values_list("name", flat=True)) == [
        "专家观点", "国内资讯", "协会动态",
    ]
    titles = list(issue.articles.order_by("position").values_list("title", flat=True))
    assert titles == ["塑造数字贸易发展新优势", "美国拟限制中俄使用美 AI 软件", "协会动态"]
    expert = issue.articles.get(title="塑造数字贸易发展新优势")
    assert expert.slug == "li-xilin-advantages"
    assert expert.byline_groups() == [(["李西林", "王晓红"], "商务部国际贸易经济合作研究院研究员")]
    assert sorted(t.name for t in expert.tags.all()) == ["DEPA", "数字贸易"]
    assert "<h2>数字技术激发新动能</h2>" in expert.body
    assert "<table>" in expert.body and "<blockquote>" in expert.body
    assert "<figcaption>图1 跨境电商进出口规模</figcaption>" in expert.body
    # A line break inside Chinese text joins without a space.
    assert "快速发展，深刻改变" in expert.body
    news = issue.articles.get(slug="ai-export-limits")
    assert news.source == "参考消息"


def test_imported_body_images_are_stored_under_random_names(bundle):
    run_import(bundle)
    expert = Article.objects.get(slug="li-xilin-advantages")
    asset = Asset.objects.get(original_name="chart.png")
    assert asset.file.url in expert.body
    assert "chart" not in asset.file.name
    assert asset.width == 120 and asset.height == 70


def test_reimporting_the_same_bundle_adds_nothing(bundle):
    run_import(bundle)
    before = snapshot()
    output = run_import(bundle)
    assert "0 created, 3 updated" in output
    after = snapshot()
    # Only timestamps move; no rows and no files are added.
    assert [len(t) for t in after] == [len(t) for t in before]
    assert after[-1] == before[-1]


def test_import_records_approved_revisions_and_a_changed_reimport_adds_one(bundle):
    run_import(bundle)
    article = Article.objects.get(slug="ai-export-limits")
    assert article.approved_revision is not None
    assert article.approved_revision.body == article.body
    path = bundle / "articles" / "05-ai-export-limits.md"
    path.write_text(path.read_text().replace("ChatGPT", "Claude"), encoding="utf-8")
    run_import(bundle)
    article.refresh_from_db()
    assert article.revisions.count() == 2
    assert "Claude" in article.approved_revision.body


def test_reimport_updates_changed_article_in_place(bundle):
    run_import(bundle)
    pk = Article.objects.get(slug="ai-export-limits").pk
    path = bundle / "articles" / "05-ai-export-limits.md"
    path.write_text(path.read_text().replace("ChatGPT", "Claude"), encoding="utf-8")
    run_import(bundle)
    article = Article.objects.get(slug="ai-export-limits")
    assert article.pk == pk and "Claude" in article.body
    assert Article.objects.count() == 3


def test_dry_run_validates_and_writes_nothing(bundle):
    before = snapshot()
    output = run_import(bundle, "--dry-run")
    assert "valid, 3 article(s)" in output
    assert snapshot() == before


# --------------------------------------------------------------------------- round trip


def export(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    call_command("export_issue", "dalian-digital-trade", "9", str(target), stdout=io.StringIO())
    return target


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_export_import_export_is_byte_identical_in_same_and_fresh_database(bundle, tmp_path):
    run_import(bundle)
    first = export(tmp_path, "first")
    run_import(first)
    assert Article.objects.count() == 3
    second = export(tmp_path, "second")
    assert tree(first) == tree(second)

    wipe_content()
    run_import(first)
    third = export(tmp_path, "third")
    assert tree(first) == tree(third)


def test_export_writes_readable_markdown_and_copies_images(bundle, tmp_path):
    run_import(bundle)
    out = export(tmp_path, "out")
    files = tree(out)
    assert set(files) == {
        "issue.yaml",
        "articles/01-li-xilin-advantages.md",
        "articles/02-ai-export-limits.md",
        "articles/03-association-news.md",
        "images/cover.png",
        "images/chart.png",
    }
    expert = files["articles/01-li-xilin-advantages.md"].decode()
    assert expert.startswith("---\ntitle: 塑造数字贸易发展新优势\nsection: 专家观点\n")
    assert "authors: [李西林, 王晓红]" in expert
    assert "## 数字技术激发新动能" in expert
    assert "![图1 跨境电商进出口规模](images/chart.png)" in expert
    assert "| 2023 | 2.38 万亿元 |" in expert
    assert "> 数字贸易是未来贸易发展的方向。" in expert
    assert files["images/chart.png"] == (bundle / "images" / "chart.png").read_bytes()


def test_export_refuses_a_non_empty_folder(bundle, tmp_path):
    run_import(bundle)
    target = tmp_path / "busy"
    target.mkdir()
    (target / "keep.txt").write_text("x")
    with pytest.raises(CommandError, match="exists and is not empty"):
        call_command("export_issue", "dalian-digital-trade", "9", str(target))
    assert (target / "keep.txt").read_text() == "x"


def test_export_of_unknown_issue_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no issue 3 of publication 'nope'"):
        call_command("export_issue", "nope", "3", str(tmp_path / "x"))


# --------------------------------------------------------------------------- bad input


def bomb_png() -> bytes:
    """A small file that claims 20000×20000 pixels."""
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


BAD_BUNDLES = {
    "missing required key": (
        {"01-a.md": "---\nsection: 专家观点\n---\n\n正文。\n"},
        None, None,
        "articles/01-a.md: title: required key is missing",
    ),
    "unknown section": (
        {"01-a.md": "---\ntitle: 标题\nsection: 国际资讯\n---\n\n正文。\n"},
        None, None,
        "articles/01-a.md: section: '国际资讯' is not one of the issue's sections",
    ),
    "malformed yaml in issue.yaml": (
        None, "publication: 大连\nsections: [专家观点\nnumber: 9\n", None,
        "issue.yaml: line",
    ),
    "malformed yaml in front matter": (
        {"01-a.md": "---\ntitle: 标题\nsection: [专家观点\n---\n\n正文\n"},
        None, None,
        "articles/01-a.md: line",
    ),
    "missing sections in issue.yaml": (
        None, "publication: 大连数字贸易\npublication_slug: dalian-digital-trade\nnumber: 9\n",
        None, "issue.yaml: sections: required key is missing",
    ),
    "image path leaving the bundle": (
        {"01-a.md": "---\ntitle: 标题\nsection: 专家观点\n---\n\n正文\n\n![图](../../etc/passwd)\n"},
        None, None,
        "articles/01-a.md: line 8: image path '../../etc/passwd' leaves the bundle folder",
    ),
    "absolute image path": (
        {"01-a.md": "---\ntitle: 标题\nsection: 专家观点\n---\n\n![图](/etc/hostname)\n"},
        None, None,
        "articles/01-a.md: line 6: image path '/etc/hostname' is absolute",
    ),
    "image url": (
        {"01-a.md": "---\ntitle: 标题\nsection: 专家观点\n---\n\n![图](http://127.0.0.1:9/x.png)\n"},
        None, None,
        "is a URL; only files inside the bundle are allowed",
    ),
    "non-image file": (
        {"01-a.md": "---\ntitle: 标题\nsection: 专家观点\n---\n\n![图](images/fake.png)\n"},
        None, {"fake.png": b"<html><script>alert(1)</script></html>"},
        "articles/01-a.md: line 6: image images/fake.png: not a readable image",
    ),
    "oversized image": (
        {"01-a.md": "---\ntitle: 标题\nsection: 专家观点\n---\n\n![图](images/bomb.png)\n"},
        None, {"bomb.png": bomb_png()},
        "the limit is 40 megapixels",
    ),
    "hostile html": (
        {"01-a.md": "---\ntitle: 标题\nsection: 专家观点\n---\n\n正文\n\n"
                    "<script>alert(1)</script>\n\n"
                    "段落<img src=x onerror=alert(1)>结束\n\n"
                    '<a href="javascript:alert(1)">点我</a>\n'},
        None, None,
        "articles/01-a.md: line 8: <script> is not allowed",
    ),
    "hostile html in editor note": (
        None, ISSUE_YAML.replace("欢迎会员来稿。", '<iframe src="https://evil.example"></iframe>'),
        None, "issue.yaml: editor_note: <iframe> is not allowed",
    ),
    "unknown key": (
        {"01-a.md": "---\ntitel: 标题\nsection: 专家观点\n---\n\n正文\n"},
        None, None,
        "articles/01-a.md: titel: unknown key",
    ),
    "not utf-8": (
        {"01-a.md": "---\ntitle: 标题\nsection: 专家观点\n---\n"},
        None, None,
        "not UTF-8 text",
    ),
}


@pytest.mark.parametrize("case", list(BAD_BUNDLES), ids=list(BAD_BUNDLES))
def test_bad_bundle_is_refused_with_file_and_place_and_changes_nothing(case, tmp_path, bundle):
    # An earlier good import must survive a bad re-import untouched.
    run_import(bundle)
    articles, issue_yaml, images, expected = BAD_BUNDLES[case]
    bad = write_bundle(
        tmp_path / "bad",
        articles=articles,
        issue_yaml=issue_yaml or ISSUE_YAML,
        images={"cover.png": png_bytes(60, 80, "#1f3a5f"), **(images or {})},
    )
    if case == "not utf-8":
        (bad / "articles" / "01-a.md").write_bytes("---\ntitle: 标题\n---\n".encode("gb18030"))
    before = snapshot()
    message = import_errors(bad)
    assert expected in message
    assert "nothing was imported" in message
    assert "Traceback" not in message
    assert snapshot() == before


def test_hostile_html_reports_every_problem_with_its_line(tmp_path):
    bad = write_bundle(tmp_path / "bad", articles={"01-a.md": BAD_BUNDLES["hostile html"][0]["01-a.md"]})
    with pytest.raises(BundleError) as excinfo:
        bundle_import(directory=bad)
    messages = [str(p) for p in excinfo.value.problems]
    assert "articles/01-a.md: line 8: <script> is not allowed" in messages
    assert ("articles/01-a.md: line 10: event handler attribute 'onerror' on <img> is not allowed"
            in messages)
    assert "articles/01-a.md: line 12: javascript: URL in 'href' on <a> is not allowed" in messages


def test_failure_after_files_are_written_removes_them_and_rolls_back(bundle, monkeypatch):
    def explode(**kwargs):
        raise IntegrityError("simulated failure at the end of the import")

    monkeypatch.setattr("editorial.bundles.importing.issue_set_article_order", explode)
    with pytest.raises(IntegrityError):
        bundle_import(directory=bundle)
    assert media_files() == []
    assert not Issue.objects.exists() and not Asset.objects.exists()


def test_missing_bundle_folder_is_a_clear_error(tmp_path):
    message = import_errors(tmp_path / "nowhere")
    assert "is not a folder" in message


def test_bundle_export_skips_nothing_it_imported(bundle, tmp_path):
    run_import(bundle)
    issue = Issue.objects.get()
    written = bundle_export(issue=issue, directory=tmp_path / "x")
    assert "articles/03-association-news.md" in written


def test_sections_and_articles_follow_bundle_order(tmp_path):
    articles = {"02-b.md": NEWS, "01-a.md": ASSOCIATION, "03-c.md": EXPERT}
    bundle_import(directory=write_bundle(tmp_path / "b", articles=articles))
    order = list(Article.objects.order_by("position").values_list("section__name", "slug"))
    assert order == [("专家观点", "c"), ("国内资讯", "b"), ("协会动态", "a")]


def test_import_matches_contributors_on_name_and_affiliation_as_the_workspace_does(bundle):
    from editorial.models import Contributor

    note = "商务部国际贸易经济合作研究院研究员"
    same = Contributor.objects.create(name="李西林", affiliation=note)
    namesake = Contributor.objects.create(name="王晓红", affiliation="另一所大学")
    run_import(bundle)
    expert = Article.objects.get(slug="li-xilin-advantages")
    credited = [c.contributor for c in expert.credits.order_by("position")]
    assert credited[0] == same
    assert credited[1] != namesake and credited[1].affiliation == note
    assert Contributor.objects.filter(name="王晓红").count() == 2


def test_a_changed_reimport_goes_through_the_services_and_stays_approved(bundle):
    from editorial.models import ArticleState

    run_import(bundle)
    article = Article.objects.get(slug="ai-export-limits")
    assert article.state == ArticleState.APPROVED
    assert list(article.revisions.values_list("number", "note")) == [(1, "期刊包导入")]
    path = bundle / "articles" / "05-ai-export-limits.md"
    path.write_text(path.read_text().replace("ChatGPT", "Claude"), encoding="utf-8")
    run_import(bundle)
    article.refresh_from_db()
    assert article.state == ArticleState.APPROVED and article.version == 2
    assert article.approved_revision.number == 2
