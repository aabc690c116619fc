"""Reads are recorded where members read: the HTML edition's pages and the library's article
pages, once per page opened; not stylesheets or images, not refusals, not previews."""

from __future__ import annotations

import pytest

from publishing.models import Edition, Read
from tests.publishing.library_fixtures import build_library

pytestmark = pytest.mark.django_db


@pytest.fixture
def library():
    lib = build_library()
    for key in ("public", "members"):
        html = Edition.objects.get(issue=lib.issues[key]).html_path
        html.mkdir(parents=True, exist_ok=True)
        (html / "index.html").write_text("<h1>目录</h1>", encoding="utf-8")
        (html / "article-x.html").write_text("<h1>文章</h1>", encoding="utf-8")
        (html / "edition.css").write_text("body{}", encoding="utf-8")
    return lib


def _html(issue, page: str = "") -> str:
    return f"/issues/{issue.publication.slug}/{issue.number}/html/{page}"


def test_edition_pages_are_recorded_with_the_reader(client, library):
    member, issue = library.users["member"], library.issues["members"]
    client.force_login(member)
    assert client.get(_html(issue)).status_code == 200
    assert client.get(_html(issue, "article-x.html")).status_code == 200
    assert client.get(_html(issue, "edition.css")).status_code == 200
    rows = list(Read.objects.order_by("pk").values_list("issue", "slug", "user"))
    assert rows == [(issue.pk, "", member.pk), (issue.pk, "article-x", member.pk)]


def test_a_refused_reader_is_not_counted(client, library):
    client.force_login(library.users["expired"])
    assert client.get(_html(library.issues["members"])).status_code == 403
    client.logout()
    assert client.get(_html(library.issues["members"])).status_code == 302
    assert not Read.objects.exists()


def test_anonymous_reads_of_a_public_issue_count_without_a_user(client, library):
    issue = library.issues["public"]
    assert client.get(_html(issue, "index.html")).status_code == 200
    assert list(Read.objects.values_list("slug", "user")) == [("", None)]


def test_library_article_pages_count_full_reads_only(client, library):
    issue, article = library.issues["members"], library.articles["members"]
    url = f"/issues/{issue.publication.slug}/{issue.number}/{article.slug}/"
    assert client.get(url).status_code == 200  # a teaser for an anonymous visitor
    assert not Read.objects.exists()
    client.force_login(library.users["member"])
    assert client.get(url).status_code == 200
    assert list(Read.objects.values_list("slug", flat=True)) == [article.slug]


def test_editors_previewing_an_unpublished_issue_are_not_readers(client, library):
    issue, article = library.issues["unpublished"], library.articles["unpublished"]
    client.force_login(library.users["editor"])
    client.get(f"/issues/{issue.publication.slug}/{issue.number}/{article.slug}/")
    assert not Read.objects.exists()
