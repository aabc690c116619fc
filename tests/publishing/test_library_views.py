"""Downloads (names, validators, ranges), media access, feed, members page, query counts."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from editorial.models import Asset
from editorial.services import asset_store
from publishing.models import Download, Membership
from tests.conftest import rows_for_the_module
from tests.factories import ArticleFactory, SectionFactory, png_bytes
from tests.publishing.library_fixtures import build_library

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _library_rows(request, django_db_setup, django_db_blocker, tmp_path_factory):
    yield from rows_for_the_module(build_library, request=request, django_db_blocker=django_db_blocker,
                                   tmp_path_factory=tmp_path_factory)


@pytest.fixture
def library(_library_rows, db, settings):
    return _library_rows(settings)


def pdf_url(issue):
    return reverse("publishing:issue_pdf", kwargs={"publication_slug": issue.publication.slug,
                                                   "number": issue.number})


def test_pdf_has_chinese_filename_validators_and_is_logged(client, library):
    client.force_login(library.users["member"])
    issue = library.issues["members"]
    response = client.get(pdf_url(issue))
    body = b"".join(response.streaming_content)
    name = f"《{issue.publication.name}》第{issue.number}期.pdf"
    assert f"filename*=utf-8''{quote(name)}" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(len(body))
    assert response["ETag"] and response["Last-Modified"]
    assert "private" in response["Cache-Control"]
    assert Download.objects.filter(issue=issue, user=library.users["member"]).count() == 1

    again = client.get(pdf_url(issue), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert Download.objects.count() == 1


def test_pdf_ranges_resume_and_refuse_unsatisfiable(client, library):
    client.force_login(library.users["member"])
    issue = library.issues["members"]
    whole = b"".join(client.get(pdf_url(issue)).streaming_content)
    part = client.get(pdf_url(issue), HTTP_RANGE="bytes=10-99")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 10-99/{len(whole)}"
    assert b"".join(part.streaming_content) == whole[10:100]
    tail = client.get(pdf_url(issue), HTTP_RANGE="bytes=-20")
    assert b"".join(tail.streaming_content) == whole[-20:]
    rest = client.get(pdf_url(issue), HTTP_RANGE=f"bytes={len(whole) - 5}-")
    assert b"".join(rest.streaming_content) == whole[-5:]
    bad = client.get(pdf_url(issue), HTTP_RANGE=f"bytes={len(whole) + 10}-")
    assert bad.status_code == 416
    assert bad["Content-Range"] == f"bytes */{len(whole)}"
    stale = client.get(pdf_url(issue), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"stale"')
    assert stale.status_code == 200


def test_public_issue_pdf_is_publicly_cacheable(client, library):
    response = client.get(pdf_url(library.issues["public"]))
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]


def stored_asset(name: str) -> Asset:
    color = "#" + format(abs(hash(name)) % 0xFFFFFF, "06x")
    return asset_store(data=png_bytes(30, 20, color), original_name=f"{name}.png")


@pytest.mark.parametrize(
    ("key", "role", "status"),
    [
        ("unpublished", "anonymous", 404), ("unpublished", "member", 404),
        ("unpublished", "editor", 200), ("members", "anonymous", 404),
        ("members", "expired", 404), ("members", "member", 200), ("public", "anonymous", 200),
    ],
)
def test_body_images_follow_the_issue_access(client, library, key, role, status):
    asset = stored_asset(f"img-{key}")
    article = library.articles[key]
    article.body += f'<figure><img src="{asset.file.url}" alt=""></figure>'
    article.save()
    if library.users[role]:
        client.force_login(library.users[role])
    assert client.get(asset.file.url).status_code == status


def test_guessing_an_unused_media_path_finds_nothing(client, library):
    asset = stored_asset("orphan")
    client.force_login(library.users["member"])
    assert client.get(asset.file.url).status_code == 404
    assert client.get("/media/images/../../etc/passwd").status_code == 404


def test_feed_lists_published_issues_without_body_text(client, library):
    response = client.get(reverse("publishing:feed"))
    xml = response.content.decode()
    assert response.status_code == 200 and "<feed" in xml
    assert "public 数字贸易" in xml and "members 数字贸易" in xml
    assert "unpublished 数字贸易" not in xml
    assert "乙丙会员" not in xml


def test_issue_page_shows_new_articles_at_once_despite_the_contents_cache(client, library):
    issue = library.issues["public"]
    url = reverse("publishing:issue_detail", kwargs={"publication_slug": issue.publication.slug,
                                                     "number": issue.number})
    assert "新增文章" not in client.get(url).content.decode()
    ArticleFactory(issue=issue, section=library.articles["public"].section, title="新增文章",
                   slug="added", position=50)
    assert "新增文章" in client.get(url).content.decode()


def test_issue_page_query_count_does_not_grow_with_articles(client, library, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    client.force_login(library.users["member"])
    issue = library.issues["members"]
    url = reverse("publishing:issue_detail", kwargs={"publication_slug": issue.publication.slug,
                                                     "number": issue.number})
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    section = SectionFactory(publication=issue.publication, name="更多")
    for n in range(12):
        ArticleFactory(issue=issue, section=section, slug=f"extra-{n}", position=100 + n)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


@pytest.mark.parametrize("role", ["anonymous", "member", "reviewer", "expired"])
def test_only_editors_manage_members(client, library, role):
    if library.users[role]:
        client.force_login(library.users[role])
    response = client.get(reverse("publishing:members"))
    assert response.status_code in {302, 403}
    response = client.post(reverse("publishing:members_import"),
                           {"file": io.BytesIO(b"name,email\nA,a@example.cn\n")})
    assert response.status_code in {302, 403}
    assert not Membership.objects.filter(user__email="a@example.cn").exists()


def test_editor_uploads_csv_and_sees_report_of_bad_rows(client, library, immediate_tasks,
                                                       django_capture_on_commit_callbacks):
    client.force_login(library.users["editor"])
    upload = io.BytesIO("姓名,邮箱\n张三,zhang@example.cn\n李四,bad\n".encode())
    upload.name = "members.csv"
    response = client.post(reverse("publishing:members_import"), {"file": upload})
    assert response.status_code == 400
    assert "第 3 行：邮箱“bad”格式不正确" in response.content.decode()
    assert not Membership.objects.filter(user__email="zhang@example.cn").exists()

    good = io.BytesIO("姓名,邮箱\n张三,zhang@example.cn\n".encode())
    good.name = "members.csv"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("publishing:members_import"), {"file": good})
    assert response.status_code == 302
    assert Membership.objects.filter(user__email="zhang@example.cn").exists()
    assert [m.to for m in mail.outbox] == [["zhang@example.cn"]]


def test_editor_sets_issue_access_and_others_cannot(client, library):
    issue = library.issues["members"]
    url = reverse("publishing:issue_access", kwargs={"publication_slug": issue.publication.slug,
                                                     "number": issue.number})
    client.force_login(library.users["member"])
    assert client.post(url, {"level": "public"}).status_code == 403
    client.force_login(library.users["editor"])
    client.post(url, {"level": "public"})
    issue.access.refresh_from_db()
    assert issue.access.level == "public"
    client.logout()
    assert client.get(pdf_url(issue)).status_code == 200


def test_anonymous_issue_page_is_cached_with_each_visitors_own_csrf_token(library):
    from django.test import Client

    from publishing.caching import CSRF_PLACEHOLDER

    issue = library.issues["public"]
    url = reverse("publishing:issue_detail", kwargs={"publication_slug": issue.publication.slug,
                                                     "number": issue.number})
    first, second = Client(), Client(enforce_csrf_checks=True)
    html_a = first.get(url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        response_b = second.get(url)
    html_b = response_b.content.decode()
    assert len(queries) == 1  # the issue lookup; the page itself came from the cache
    token_a = first.cookies["csrftoken"].value
    token_b = second.cookies["csrftoken"].value
    assert token_a != token_b
    assert CSRF_PLACEHOLDER not in html_a + html_b
    assert "Cookie" in response_b["Vary"]
    # The language form on the cached page works with that visitor's own cookie.
    import re

    form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html_b).group(1)
    switched = second.post(reverse("set_language"),
                           {"language": "en", "next": url, "csrfmiddlewaretoken": form_token})
    assert switched.status_code == 302
    assert second.cookies["django_language"].value == "en"


def test_a_member_never_gets_the_anonymous_copy(client, library):
    issue = library.issues["members"]
    url = reverse("publishing:issue_detail", kwargs={"publication_slug": issue.publication.slug,
                                                     "number": issue.number})
    assert "会员登录" in client.get(url).content.decode()
    client.force_login(library.users["member"])
    html = client.get(url).content.decode()
    assert "会员登录" not in html and ">下载 PDF</a>" in html
