"""The HTML edition: a self-contained folder, readable on a phone, served by the site."""

from __future__ import annotations

import copy
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from editorial.models import IssueStatus
from publishing.models import AccessLevel, Edition
from publishing.rendering import article_preview_html, edition_write
from publishing.selectors import issue_edition_root
from publishing.services import issue_set_access
from tests.conftest import rows_for_the_module
from tests.publishing.print_fixtures import build_print_issue, readable

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.lang = None
        self.viewport = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag == "meta" and attrs.get("name") == "viewport":
            self.viewport = True
        for name in ("href", "src"):
            if attrs.get(name):
                self.urls.append(attrs[name])


def parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


EDITION_FOLDER = "edition-test-html"  # under EDITIONS_ROOT, so each test gets its own copy


def _build_issues() -> dict:
    """Built once for the module (tests/conftest.py ``rows_for_the_module``): the test issue's
    HTML edition written to a folder as it stands (the folder tests), then the issue published
    with its edition where the site serves it (the site tests)."""
    built = build_print_issue(slug="edition-test")
    files = edition_write(built.issue, Path(settings.EDITIONS_ROOT) / EDITION_FOLDER)
    edition = (copy.deepcopy(built), files)
    return {"edition": edition, "published": _published(built)}


@pytest.fixture(scope="module")
def _issues_rows(request, django_db_setup, django_db_blocker, tmp_path_factory):
    yield from rows_for_the_module(_build_issues, request=request,
                                   django_db_blocker=django_db_blocker,
                                   tmp_path_factory=tmp_path_factory)


@pytest.fixture
def issues(_issues_rows, db, settings) -> dict:
    return _issues_rows(settings)


@pytest.fixture
def edition(issues, settings):
    built, files = issues["edition"]
    return built, Path(settings.EDITIONS_ROOT) / EDITION_FOLDER, files


def test_edition_folder_is_self_contained_with_relative_links_only(edition):
    built, folder, files = edition
    pages = sorted(folder.glob("*.html"))
    assert [p.name for p in pages] == sorted(["index.html"] + [f"{a.slug}.html"
                                                               for a in built.articles])
    images = sorted((folder / "images").iterdir())
    assert len(images) == 2  # the cover and the figure, copied in
    assert sorted(files) == sorted(p.relative_to(folder).as_posix()
                                   for p in folder.rglob("*") if p.is_file())
    for page in pages:
        links = parse(page)
        assert links.lang == "zh-CN" and links.viewport, page.name
        for url in links.urls:
            assert not re.match(r"^[a-z]+:|^/", url), f"{page.name}: {url}"
            target = (folder / url.split("#")[0]).resolve()
            assert target.is_relative_to(folder.resolve()) and target.is_file(), url
    text = (folder / "index.html").read_text(encoding="utf-8")
    assert "/media/" not in text and built.draft_title not in text


def test_edition_index_has_cover_editor_note_and_contents_in_print_order(edition):
    built, folder, _files = edition
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert "大连数字贸易" in index and "2024 年 6 月 30 日" in readable(index) and "卷首语" in index
    positions = [index.index(f'href="{a.slug}.html"') for a in built.articles]
    assert positions == sorted(positions)


def test_edition_article_page_has_byline_source_and_typeset_text(edition):
    built, folder, _files = edition
    first = (folder / f"{built.articles[0].slug}.html").read_text(encoding="utf-8")
    assert "李西林" in first and "商务部国际贸易经济合作研究院研究员" in first
    assert "2.38 万亿元" in readable(first) and "<table>" in first and 'src="images/' in first
    assert f'href="{built.articles[1].slug}.html"' in first  # next article
    news = (folder / f"{built.articles[2].slug}.html").read_text(encoding="utf-8")
    assert "（来源：中国新闻网）" in news


def test_edition_stylesheet_is_responsive_and_has_print_rules(edition):
    _built, folder, _files = edition
    css = (folder / "edition.css").read_text(encoding="utf-8")
    assert "@media print" in css and "@media (min-width" in css
    assert "http" not in css


def test_article_preview_html_is_the_edition_page_standing_alone(edition):
    built, _folder, _files = edition
    page = article_preview_html(built.articles[0])
    assert '<html lang="zh-CN">' in page and "<style>" in page
    assert 'href="edition.css"' not in page
    assert "塑造数字贸易发展新优势" in page and 'src="/media/images/' in page


# --------------------------------------------------------------------------- the site


def _published(built):
    """A published issue whose current edition has the HTML edition (its PDF is a stand-in:
    these tests are about the HTML files)."""
    issue = built.issue
    issue.status = IssueStatus.PUBLISHED
    issue.save()
    folder = issue_edition_root(issue) / "v1"
    edition_write(issue, folder / "html")
    (folder / "issue.pdf").write_bytes(b"%PDF-1.7 stand-in")
    Edition.objects.create(issue=issue, version=1, directory=str(folder.relative_to(
        Path(settings.EDITIONS_ROOT))), pdf_sha256="0" * 64, content_hash="0" * 64)
    return built


@pytest.fixture
def published(issues):
    return issues["published"]


def html_url(issue, path=""):
    kwargs = {"publication_slug": issue.publication.slug, "number": issue.number}
    if not path:
        return reverse("publishing:issue_html_index", kwargs=kwargs)
    return reverse("publishing:issue_html", kwargs={**kwargs, "path": path})


def test_site_serves_the_html_edition_of_a_public_issue(client, published):
    issue = published.issue
    issue_set_access(issue=issue, level=AccessLevel.PUBLIC)
    page = client.get(issue.get_absolute_url())
    assert html_url(issue) in page.content.decode()
    index = client.get(html_url(issue))
    assert index.status_code == 200
    assert index["Content-Type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in index["Content-Security-Policy"]
    body = b"".join(index.streaming_content).decode()
    assert f'href="{published.articles[0].slug}.html"' in body
    article = client.get(html_url(issue, f"{published.articles[0].slug}.html"))
    assert article.status_code == 200
    assert client.get(html_url(issue, "edition.css"))["Content-Type"].startswith("text/css")


@pytest.mark.parametrize("path", ["../issue.pdf", "%2e%2e/issue.pdf", "images/../../issue.pdf",
                                  ".hidden", "nope.html", "images"])
def test_edition_paths_outside_the_folder_are_not_found(client, published, path):
    issue_set_access(issue=published.issue, level=AccessLevel.PUBLIC)
    url = html_url(published.issue, "x").removesuffix("x") + path
    assert client.get(url).status_code == 404


def test_members_only_edition_asks_anonymous_readers_to_log_in(client, published):
    response = client.get(html_url(published.issue))
    assert response.status_code == 302 and "login" in response["Location"]


def test_unpublished_issue_has_no_edition_on_the_site(client, published):
    issue = published.issue
    issue_set_access(issue=issue, level=AccessLevel.PUBLIC)
    issue.status = IssueStatus.PLANNING
    issue.save()
    assert client.get(html_url(issue)).status_code == 404


@pytest.mark.browser
def test_edition_reads_on_a_phone_straight_from_the_folder(edition, browser):
    """Opened from disk (file://), as a zipped copy would be: images load, nothing overflows."""
    built, folder, _files = edition
    page = browser.new_page(viewport={"width": 375, "height": 812})
    for name in ["index.html", *(f"{a.slug}.html" for a in built.articles)]:
        page.goto((folder / name).as_uri())
        page.wait_for_load_state("load")
        scroll_width, width = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll_width <= width, name
        broken = page.evaluate(
            "[...document.images].filter(i => !i.complete || !i.naturalWidth).length")
        assert broken == 0, name
        font_size = page.evaluate(
            "parseFloat(getComputedStyle("
            "document.querySelector('.article-body p, .editor-note p')).fontSize)")
        assert font_size >= 16, name


def test_web_edition_and_print_set_the_article_body_with_one_template(issues):
    import re as _re

    from django.test.signals import template_rendered

    from publishing.rendering.edition import article_preview_html
    from publishing.rendering.print_html import article_print_html
    from tests.factories import ArticleFactory

    article = ArticleFactory(summary="数字贸易是新引擎。", source="参考消息",
                             body="<p>当前，数字技术快速发展。</p>")
    used: list[str] = []

    def record(sender, template, context, **kwargs):
        used.append(template.name)

    template_rendered.connect(record)
    try:
        web, printed = article_preview_html(article), article_print_html(article)
    finally:
        template_rendered.disconnect(record)
    assert used.count("publishing/_article_body.html") == 2

    def body_part(html: str) -> str:
        return _re.search(r'<p class="summary">.*?<p class="source">.*?</p>', html, _re.S).group()

    assert body_part(web) == body_part(printed)
