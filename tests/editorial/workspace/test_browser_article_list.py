"""故事：编辑在文章列表里搜索、筛选、排序、翻页；勾选几篇草稿批量指派审稿人，勾选已审定的文章
批量编入下一期；把一篇不用的旧稿归档（不删除），再从“仅已归档”里把它恢复。

The article list story in a real Chromium, in Chinese, at 1,366 and 390 px."""

from __future__ import annotations

import pytest
from django.core import mail

from editorial.models import Article, ArticleState, ReviewAssignment
from tests.browser.layout import sideways_overflow
from tests.browser.screenshots import screenshot
from tests.browser.sessions import logged_in_context
from tests.factories import (
    ArticleFactory,
    EditorFactory,
    IssueFactory,
    ReviewerFactory,
    SectionFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name: str) -> None:
    screenshot(page, f"article-list-{name}")


def titles(page) -> list[str]:
    return page.locator("table.list tbody td:nth-child(2) a").all_inner_texts()


def test_editor_searches_ticks_and_acts_on_many_articles(browser, live_server):
    editor = EditorFactory(first_name="王编辑")
    ReviewerFactory(username="shen", first_name="沈审稿", email="shen@example.org")
    issue = IssueFactory(number=13)
    expert = SectionFactory(publication=issue.publication, name="专家观点", position=0)
    news = SectionFactory(publication=issue.publication, name="国内资讯", position=1)
    for n in range(26):
        ArticleFactory(issue=None, section=news, title=f"口岸通关简讯 {n:02d}", created_by=editor)
    drafts = [ArticleFactory(issue=None, section=expert, state=ArticleState.DRAFT,
                             created_by=editor, title=title)
              for title in ("数据跨境流动的新规则", "数字人民币跨境支付试点")]
    approved = ArticleFactory(issue=None, section=expert, title="塑造数字贸易发展新优势",
                              created_by=editor)
    old = ArticleFactory(issue=None, section=news, title="二〇二三年展会旧稿",
                         state=ArticleState.DRAFT, created_by=editor)
    base = live_server.url

    # Logged in with a session cookie: the login form is the editorial story's part.
    context = logged_in_context(browser, live_server, editor, locale="zh-CN",
                                viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{base}/editorial/articles/")
    assert page.locator("nav.pages").inner_text().count("第 1 / 2 页") == 1

    # 排序与翻页：按标题排序，第二页保留筛选条件。
    page.get_by_label("栏目").select_option(label="国内资讯")
    page.get_by_label("排序").select_option(label="标题")
    with page.expect_navigation():
        page.get_by_role("button", name="筛选").click()
    assert titles(page)[:2] == ["二〇二三年展会旧稿", "口岸通关简讯 00"]
    with page.expect_navigation():
        page.get_by_role("link", name="下一页").click()
    assert titles(page) == ["口岸通关简讯 24", "口岸通关简讯 25"]

    # 搜索“跨境”，勾选两篇草稿，指派沈审稿。
    page.goto(f"{base}/editorial/articles/?q=跨境&state=draft")
    assert sorted(titles(page)) == sorted(a.title for a in drafts)
    page.get_by_label("全选本页文章").check()
    assert page.locator("#bulk-count").inner_text() == "已选 2 篇"
    page.get_by_label("批量操作").select_option(label="指派审稿人")
    assert page.locator("#bulk-issue").is_hidden()  # only the fields this action needs
    page.locator("#bulk").get_by_label("审稿人").select_option(label="沈审稿")
    shot(page, "1-assign-reviewer")
    with page.expect_navigation():
        page.get_by_role("button", name="应用到所选文章").click()
    assert "已为 2 篇文章指派审稿人。" in page.inner_text(".ws-messages")
    for article in drafts:
        article.refresh_from_db()
        assert article.state == ArticleState.IN_REVIEW
        assert ReviewAssignment.objects.filter(article=article, reviewer__username="shen").exists()
    assert [m.to for m in mail.outbox] == [["shen@example.org"], ["shen@example.org"]]

    # 编入期刊：把已审定的文章和一篇草稿一起编入——全部不做，并说明原因。
    page.goto(f"{base}/editorial/articles/?section={expert.pk}&sort=title")
    page.get_by_label(f"选择 {approved.title}").check()
    page.get_by_label(f"选择 {drafts[0].title}").check()
    page.get_by_label("批量操作").select_option(label="编入期刊")
    page.locator("#bulk").get_by_label("期刊").select_option(index=1)
    with page.expect_navigation():
        page.get_by_role("button", name="应用到所选文章").click()
    said = page.inner_text(".ws-messages")
    assert "没有做任何改动" in said and f"《{drafts[0].title}》尚未审定" in said
    assert not issue.articles.exists()
    page.get_by_label(f"选择 {approved.title}").check()
    page.get_by_label("批量操作").select_option(label="编入期刊")
    page.locator("#bulk").get_by_label("期刊").select_option(index=1)
    with page.expect_navigation():
        page.get_by_role("button", name="应用到所选文章").click()
    assert "已把 1 篇文章编入期刊。" in page.inner_text(".ws-messages")
    assert list(issue.articles.values_list("title", flat=True)) == [approved.title]

    # 归档旧稿：列表里不见了，但没有删除；在“仅已归档”中恢复。
    page.goto(f"{base}/editorial/articles/?q=旧稿")
    page.get_by_label(f"选择 {old.title}").check()
    page.get_by_label("批量操作").select_option(label="归档")
    with page.expect_navigation():
        page.get_by_role("button", name="应用到所选文章").click()
    assert "已归档 1 篇文章。" in page.inner_text(".ws-messages")
    assert titles(page) == []
    assert Article.objects.filter(pk=old.pk, archived_at__isnull=False).exists()
    page.get_by_label("归档", exact=True).select_option(label="仅已归档")
    with page.expect_navigation():
        page.get_by_role("button", name="筛选").click()
    assert titles(page) == [old.title]
    assert page.get_by_label("批量操作").input_value() == "restore"
    shot(page, "2-archived")
    page.get_by_label(f"选择 {old.title}").check()
    with page.expect_navigation():
        page.get_by_role("button", name="应用到所选文章").click()
    assert "已恢复 1 篇文章。" in page.inner_text(".ws-messages")
    old.refresh_from_db()
    assert old.archived_at is None

    # 手机宽度：不横向滚动。
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/editorial/articles/")
    assert sideways_overflow(page) == []  # the gallery's check, once the page has settled
    shot(page, "3-phone")
    assert errors == []
    context.close()
