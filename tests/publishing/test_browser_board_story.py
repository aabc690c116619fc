"""故事：编辑在排版页上调整栏目顺序，把一篇文章明确移到另一个栏目，设置“会员优先，到期后公开”，
生成校样后又改动了目录；点“立即出版”时页面提醒校样已过期，确认后由后台任务出版，
排版页随即给出线上期刊的链接，会员页按所设权限显示。

The planning board story in a real Chromium, through the real worker."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command

from editorial.models import Issue, IssueStatus
from publishing.models import AccessLevel, IssueAccess
from tests.browser.screenshots import screenshot
from tests.browser.sessions import logged_in_context
from tests.factories import EditorFactory, SectionFactory
from tests.publishing.release_fixtures import ready_issue

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "*",
                 verbosity=0)


def shot(page, name: str) -> None:
    screenshot(page, f"board-story-{name}")


def layout(page) -> list[tuple[str, list[str]]]:
    rows = page.evaluate("""() => Array.from(document.querySelectorAll('#layout .section-block'))
        .filter(b => b.querySelector('.article-item'))
        .map(b => [b.querySelector('h3').textContent.trim(),
                   Array.from(b.querySelectorAll('.article-item .title')).map(t => t.textContent)])""")
    return [(name, titles) for name, titles in rows]


def test_editor_arranges_sets_access_and_publishes_now_after_confirming(browser, live_server):
    issue = ready_issue(number=12)
    issue.cover_date = dt.date(2026, 3, 31)
    issue.save()
    SectionFactory(publication=issue.publication, name="政策报告", position=2)
    editor = EditorFactory()
    base = live_server.url

    # Logged in with a session cookie: the login form is the editorial story's part.
    context = logged_in_context(browser, live_server, editor, locale="zh-CN",
                                viewport={"width": 1366, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{base}/editorial/issues/{issue.pk}/")
    assert layout(page) == [("专家观点", ["塑造数字贸易发展新优势"]),
                            ("国内资讯", ["我市跨境电商企业加快布局海外仓"])]

    # 栏目上移：国内资讯整栏移到专家观点之前（只影响本期）。
    with page.expect_navigation():
        page.get_by_role("button", name="栏目上移 国内资讯").click()
    assert [name for name, _titles in layout(page)] == ["国内资讯", "专家观点"]

    # 换栏目是单独的操作：选栏目，再点“移至栏目”，页面说明发生了什么。
    page.get_by_label("把 塑造数字贸易发展新优势 移至栏目").select_option(label="政策报告")
    with page.expect_navigation():
        page.get_by_role("button", name="移至栏目 塑造数字贸易发展新优势").click()
    assert "《塑造数字贸易发展新优势》已从栏目“专家观点”移入“政策报告”。" in page.inner_text(".ws-messages")
    assert layout(page) == [("国内资讯", ["我市跨境电商企业加快布局海外仓"]),
                            ("政策报告", ["塑造数字贸易发展新优势"])]
    shot(page, "1-arranged")

    # 访问权限：会员优先，按日期公开。
    page.get_by_label("会员优先，到期后公开").check()
    page.get_by_label("公开日期").select_option(label="2026-09-30 起公开（会员独享 6 个月）")
    with page.expect_navigation():
        page.get_by_role("button", name="保存访问权限").click()
    assert "2026-09-30 起对所有人公开" in page.inner_text("#access-panel")
    access = IssueAccess.objects.get(issue=issue)
    assert (access.level, access.embargo_months) == (AccessLevel.EMBARGO, 6)

    # 校样，由后台任务生成。
    # The page asks for the proof's progress 1 s after loading, then every 1.5 s, and reloads
    # when it is ready: the page's clock is Playwright's from here, moved on once the worker
    # is done, so the test waits for no poll interval.
    page.clock.install()
    with page.expect_navigation():
        page.get_by_role("button", name="生成校样").click()
    run_worker()
    page.clock.run_for(1000)
    page.wait_for_selector(".thumbs img")
    assert "与当前内容一致" in page.inner_text("#proof-panel")

    # 之后又调整了栏目顺序：校样已不是本期当前的样子。
    with page.expect_navigation():
        page.get_by_role("button", name="栏目上移 政策报告").click()
    assert "内容已变动" in page.inner_text("#proof-panel")

    # 立即出版：页面先问，取消则什么都不发生。
    with page.expect_navigation():
        page.get_by_role("button", name="立即出版").click()
    dialog = page.get_by_role("alertdialog")
    assert "校样已过期，仍要立即出版吗？" in dialog.inner_text()
    shot(page, "2-stale-proof-question")
    with page.expect_navigation():
        dialog.get_by_role("link", name="取消").click()
    assert page.get_by_role("alertdialog").count() == 0
    assert Issue.objects.get(pk=issue.pk).status == IssueStatus.PLANNING

    with page.expect_navigation():
        page.get_by_role("button", name="立即出版").click()
    with page.expect_navigation():
        page.get_by_role("alertdialog").get_by_role("button", name="仍要立即出版").click()
    assert "已提交立即出版" in page.inner_text(".ws-messages")
    run_worker()
    page.reload()
    assert "已出版" in page.inner_text("h1 .state")
    shot(page, "3-published")

    # 线上期刊的链接。
    with page.expect_navigation():
        page.locator("#live-issue").click()
    assert re.search(rf"/issues/{issue.publication.slug}/12/$", page.url)
    assert "塑造数字贸易发展新优势" in page.content()
    shot(page, "4-live-issue")
    assert errors == []
    context.close()
