"""Every error status the site answers with has a page in the site's language (Chinese
first, English when chosen) and the site's design."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import EditorFactory, MemberFactory

pytestmark = pytest.mark.django_db

PAGES = {
    # status: (how to get it, Chinese words, English words)
    400: ("bad_request", "请求有误", "Bad request"),
    403: ("forbidden", "没有权限", "Not allowed"),
    404: ("not_found", "找不到页面", "Page not found"),
    413: ("too_large", "提交的内容过大", "too large"),
    416: ("unsatisfiable", "请求的文件范围无效", "not there"),
}


def _get(client: Client, how: str, settings):
    if how == "bad_request":
        client.force_login(EditorFactory())
        return client.post(reverse("publishing:board_move", args=[1]), {"article": "abc"})
    if how == "forbidden":
        client.force_login(MemberFactory(username="a-member"))
        return client.get(reverse("editorial:dashboard"))
    if how == "not_found":
        return client.get("/issues/no-such-publication/99/")
    if how == "too_large":
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
        client.force_login(EditorFactory())
        return client.post(reverse("publishing:board_move", args=[1]), {"article": "1" * 2000})
    if how == "unsatisfiable":
        from tests.publishing.test_hostile_headers import _public_issue_with_pdf

        issue = _public_issue_with_pdf()
        url = reverse("publishing:issue_pdf", kwargs={
            "publication_slug": issue.publication.slug, "number": issue.number})
        return client.get(url, HTTP_RANGE="bytes=999999999-")
    raise AssertionError(how)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("status", sorted(PAGES))
def test_error_page_is_in_the_sites_language_and_design(settings, language, status):
    client = Client(raise_request_exception=False)
    if language == "en":
        client.cookies["django_language"] = "en"
    how, chinese, english = PAGES[status]
    if status in {400, 413}:  # the board needs an issue to look at
        from tests.factories import IssueFactory

        IssueFactory(pk=1)
    response = _get(client, how, settings)
    assert response.status_code == status
    html = response.content.decode()
    assert "publishing/site.css" in html and 'class="site-header"' in html
    assert (chinese if language == "zh-hans" else english) in html
    if language == "en":
        assert chinese not in html
