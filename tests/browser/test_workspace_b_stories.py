"""Browser stories for the dashboard, the notifications bell and the statistics, in a real
Chromium, in Chinese (issue 11 items 4, 5 and 9)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from editorial.models import IssueStatus, Notification
from editorial.permissions import EDITOR_GROUP, MEMBER_GROUP, REVIEWER_GROUP
from publishing.models import Download, Membership, Read
from tests.browser.layout import sideways_overflow
from tests.browser.screenshots import screenshot
from tests.browser.sessions import logged_in_context
from tests.editorial.factories_workspace import in_review_article
from tests.factories import (
    PASSWORD,
    ArticleFactory,
    EditorFactory,
    IssueFactory,
    MemberFactory,
    ReviewerFactory,
    SectionFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(browser, live_server, username: str, width: int = 1366, *,
           through_the_form: bool = False):
    """``username``'s dashboard in a new context: logged in through the login form (the
    reviewer's one login by form in the stories) or with a session cookie from Django's test
    client (the form is the same for every role: the editorial story logs the editor in)."""
    options = {"locale": "zh-CN", "viewport": {"width": width, "height": 900},
               "accept_downloads": True}
    if through_the_form:
        context = browser.new_context(**options)
    else:
        user = get_user_model().objects.get(username=username)
        context = logged_in_context(browser, live_server, user, **options)
    page = context.new_page()
    page.set_default_timeout(15000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    if through_the_form:
        page.goto(f"{live_server.url}/accounts/login/?next=/editorial/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/editorial/")
    else:
        page.goto(f"{live_server.url}/editorial/")
    page.js_errors = errors
    return page


def _shot(page, name: str) -> None:
    screenshot(page, f"workspace-b/{name}")


def _no_sideways_scroll(page) -> None:
    """The gallery's check: no sideways scrolling once the page has settled."""
    assert sideways_overflow(page) == [], page.url


@pytest.fixture
def people(db):
    for group in (EDITOR_GROUP, REVIEWER_GROUP, MEMBER_GROUP):
        Group.objects.get_or_create(name=group)
    return {"editor": EditorFactory(first_name="王编辑"),
            "reviewer": ReviewerFactory(first_name="张审稿")}


def test_a_reviewer_sees_a_task_on_the_dashboard_and_follows_it(browser, live_server, people):
    due = timezone.localdate() + dt.timedelta(days=5)
    article = in_review_article(by=people["editor"], reviewers=[people["reviewer"]], due=due,
                                title="跨境数据流动与数字贸易规则",
                                section=SectionFactory(name="专家观点"))
    page = _login(browser, live_server, "reviewer", through_the_form=True)
    panel = page.locator("section[aria-labelledby=h-review]")
    assert "跨境数据流动与数字贸易规则" in panel.inner_text()
    assert due.isoformat() in panel.inner_text()
    activity = page.locator("section[aria-labelledby=h-activity]").inner_text()
    assert "王编辑 提交审稿" in activity
    _no_sideways_scroll(page)
    _shot(page, "dashboard-reviewer-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    _no_sideways_scroll(page)
    _shot(page, "dashboard-reviewer-phone")
    panel.get_by_role("link", name="跨境数据流动与数字贸易规则").click()
    page.wait_for_url(f"{live_server.url}/editorial/articles/{article.pk}/")
    assert page.get_by_role("heading", name="跨境数据流动与数字贸易规则").count() >= 1
    assert page.locator("button[value=approve]").count() == 1  # the decide panel is there
    assert page.js_errors == []


def test_the_bell_counts_a_notification_and_marking_it_read_clears_it(
    browser, live_server, people
):
    in_review_article(by=people["editor"], reviewers=[people["reviewer"]],
                      title="数字贸易统计的口径与方法")
    assert Notification.objects.filter(recipient=people["reviewer"]).count() == 1
    page = _login(browser, live_server, "reviewer")
    bell = page.locator("a.bell")
    assert bell.locator(".bell-count").inner_text() == "1"
    assert bell.get_attribute("aria-label") == "通知：1 条未读"
    bell.click()
    page.wait_for_url(f"{live_server.url}/editorial/notifications/")
    item = page.locator("li.notification.unread")
    assert "王编辑 请你审阅《数字贸易统计的口径与方法》" in item.inner_text()
    _no_sideways_scroll(page)
    _shot(page, "notifications-unread")
    item.get_by_role("button", name="标为已读").click()
    page.wait_for_load_state()
    assert page.locator("li.notification.unread").count() == 0
    assert page.locator("a.bell .bell-count").count() == 0
    assert page.locator("a.bell").get_attribute("aria-label") == "通知：没有未读"
    _shot(page, "notifications-read")
    page.set_viewport_size({"width": 390, "height": 844})
    _no_sideways_scroll(page)
    _shot(page, "notifications-phone")
    assert Notification.objects.get().read_at is not None
    assert page.js_errors == []


def test_an_editor_opens_statistics_and_downloads_the_csv(browser, live_server, people):
    issue = IssueFactory(number=9, status=IssueStatus.PUBLISHED)
    ArticleFactory(issue=issue, slug="expert", title="塑造数字贸易发展新优势")
    for n, organisation in enumerate(["大连港集团", "大连港集团", "大连银行"]):
        member = MemberFactory(username=f"m{n}")
        Membership.objects.update_or_create(user=member, defaults={"organisation": organisation})
        Download.objects.create(issue=issue, user=member)
        Read.objects.create(issue=issue, slug="expert", user=member)
    page = _login(browser, live_server, "editor")
    page.get_by_role("link", name="统计").first.click()
    page.wait_for_url(f"{live_server.url}/editorial/statistics/")
    assert page.locator("[data-total=downloads]").inner_text() == "3"
    assert page.locator(".stats-chart svg rect").count() == 24  # 12 months × 2 series
    assert "大连港集团" in page.locator("section[aria-labelledby=h-orgs]").inner_text()
    _no_sideways_scroll(page)
    _shot(page, "statistics-desktop")
    with page.expect_download() as info:
        page.locator("section[aria-labelledby=h-orgs]").get_by_role("link", name="导出 CSV").click()
    download = info.value
    assert download.suggested_filename.startswith("statistics-organisations-")
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["会员单位", "会员数", "下载"]
    assert ["大连港集团", "2", "2", "2", "2", "2"] in rows
    page.set_viewport_size({"width": 390, "height": 844})
    _no_sideways_scroll(page)
    _shot(page, "statistics-phone")
    assert page.js_errors == []
