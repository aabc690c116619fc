"""The members' library in a real Chromium: a member finds, searches and downloads; an
anonymous visitor is asked to log in; an expired member is told why."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone

from publishing.models import Release
from publishing.services import issue_publish, issue_set_access, member_add, search_index_issue
from tests.browser.screenshots import screenshot
from tests.factories import EditorFactory
from tests.publishing.release_fixtures import ready_issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


def publish(issue, editor) -> None:
    from publishing.services import issue_schedule

    issue_schedule(issue=issue, release_at=timezone.now() + dt.timedelta(minutes=5), actor=editor)
    Release.objects.filter(issue=issue).update(release_at=timezone.now())
    issue_publish(issue=issue, token=str(Release.objects.get(issue=issue).token))
    search_index_issue(issue=issue)


def member(name: str, email: str, expires_on=None):
    user = member_add(name=name, email=email, expires_on=expires_on, send_invitation=False).user
    user.set_password(PASSWORD)
    user.save()
    return user


def shot(page, name: str) -> None:
    screenshot(page, f"library-{name}")


def login(page, base: str, email: str, next_url: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{next_url}")


def test_member_finds_searches_and_downloads_anonymous_and_expired_are_told_why(browser,
                                                                                 live_server):
    editor = EditorFactory()
    issue = ready_issue()
    issue_set_access(issue=issue, level="members")
    publish(issue, editor)
    member("张会员", "zhang@example.cn")
    member("李过期", "li@example.cn", expires_on=timezone.localdate() - dt.timedelta(days=10))
    base = live_server.url
    issue_path = f"/issues/{issue.publication.slug}/{issue.number}/"

    # Anonymous: sees the contents and a login prompt, never the PDF.
    anonymous = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = anonymous.new_page()
    page.goto(f"{base}{issue_path}")
    assert page.get_by_text("塑造数字贸易发展新优势").first.is_visible()
    assert page.get_by_role("link", name="会员登录").is_visible()
    shot(page, "1-anonymous-issue-phone")
    page.get_by_role("link", name="登录后下载 PDF").click()
    page.wait_for_url(re.compile(r".*/accounts/login/\?next=.*pdf$"))
    shot(page, "2-anonymous-pdf-asks-login")
    anonymous.close()

    # The member: archive → issue → search a Chinese word → download the PDF.
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    page = context.new_page()
    login(page, base, "zhang@example.cn", "/issues/")
    cover = page.locator(".covers img").first
    cover.wait_for()
    # The cover is made on first request and redirected to its static file: wait for it.
    page.wait_for_function("img => img.complete", arg=cover.element_handle())
    assert page.evaluate("img => img.naturalWidth", cover.element_handle()) > 0
    shot(page, "3-member-archive")
    page.get_by_role("link", name=issue.display_title).first.click()
    page.wait_for_url(f"{base}{issue_path}")
    assert page.get_by_role("link", name="会员登录").count() == 0
    page.get_by_role("link", name="检索").click()
    page.fill("input[name=q]", "贸易")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_selector("ol.hits li")
    assert page.locator("ol.hits mark").first.inner_text() == "贸易"
    shot(page, "4-member-search")
    page.locator("ol.hits a.title").first.click()
    page.wait_for_selector(".article .body")
    assert "当前，数字技术快速发展" in page.locator(".article .body").inner_text()
    shot(page, "5-member-article")
    page.goto(f"{base}{issue_path}")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载 PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"《大连数字贸易》第{issue.number}期.pdf"
    path = download.path()
    assert Path(path).read_bytes()[:5] == b"%PDF-"
    shot(page, "6-member-issue")
    context.close()

    # The expired member: told when the membership ran out.
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, base, "li@example.cn", issue_path)
    notice = page.locator(".notice")
    assert "会籍已于" in notice.inner_text() and "到期" in notice.inner_text()
    shot(page, "7-expired-member")
    context.close()
