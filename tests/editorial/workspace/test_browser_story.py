"""The whole editorial story in a real Chromium, in Chinese: write, review, revise, approve,
and a stale save that ends on the conflict page without losing a word."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from editorial.models import Article, ArticleState, Asset
from editorial.permissions import EDITOR_GROUP, MEMBER_GROUP, REVIEWER_GROUP
from tests.browser.screenshots import screenshot
from tests.browser.sessions import logged_in_context
from tests.factories import PASSWORD, EditorFactory, ReviewerFactory, SectionFactory, png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(browser, live_server, username: str, *, through_the_form: bool = False,
           start: str = "/editorial/"):
    """A page on ``username``'s dashboard (or ``start``) in a new context: logged in through
    the login form (a story's first login, as a person would) or with a session cookie from
    Django's test client (each later login, which would only go through the same form again).
    A test that goes on to another page starts there: loading the dashboard on the way would
    check nothing."""
    options = {"locale": "zh-CN", "viewport": {"width": 1280, "height": 900}}
    if through_the_form:
        context = browser.new_context(**options)
    else:
        user = get_user_model().objects.get(username=username)
        context = logged_in_context(browser, live_server, user, **options)
    page = context.new_page()
    page.set_default_timeout(15000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    if through_the_form:
        page.goto(f"{live_server.url}/accounts/login/?next=/editorial/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/editorial/")
    else:
        page.goto(f"{live_server.url}{start}")
    page.js_errors = errors
    return page


def _shot(page, name: str) -> None:
    screenshot(page, name)


def _logout(page) -> None:
    page.context.close()


def test_editorial_story_in_chinese(browser, live_server, tmp_path):
    for group in (EDITOR_GROUP, REVIEWER_GROUP, MEMBER_GROUP):
        Group.objects.get_or_create(name=group)
    EditorFactory(username="editor", first_name="王编辑")
    EditorFactory(username="editor2", first_name="李编辑")
    ReviewerFactory(username="reviewer", first_name="张审稿")
    section = SectionFactory(name="专家观点")
    chart = tmp_path / "图1.png"
    chart.write_bytes(png_bytes(320, 180, "#2b6cb0"))

    # 1. the editor writes an article with a heading and an image
    editor = _login(browser, live_server, "editor", through_the_form=True)
    assert "工作台" in editor.content()
    editor.click("text=写文章")
    editor.fill("#id_title", "塑造数字贸易发展新优势")
    editor.select_option("#id_section", str(section.pk))
    editor.fill("#id_credits", "李西林｜商务部研究院｜研究员")
    prose = editor.locator("div.tiptap[contenteditable=true]")
    prose.click()
    editor.keyboard.type("## 数字技术激发新动能")
    editor.keyboard.press("Enter")
    editor.keyboard.type("当前，数字技术快速发展，深刻改变社会生产生活方式。")
    editor.keyboard.press("Enter")
    editor.set_input_files("#insert-image-file", str(chart))
    editor.fill("#insert-image-caption", "图1 跨境电商进出口规模")
    editor.fill("#insert-image-alt", "柱状图：跨境电商进出口规模逐年上升")
    editor.click("#insert-image-button")
    editor.wait_for_selector("div.tiptap[contenteditable=true] figure img")
    _shot(editor, "01-editor-writes-article")
    editor.click("button.primary:has-text('保存')")
    editor.wait_for_selector("text=文章已保存")
    article = Article.objects.get()
    assert "<h2>数字技术激发新动能</h2>" in article.body
    asset = Asset.objects.get()
    assert f'<img src="{asset.file.url}"' in article.body
    assert "<figcaption>图1 跨境电商进出口规模</figcaption>" in article.body
    assert 'alt="柱状图：跨境电商进出口规模逐年上升"' in article.body

    # 2. submits it to the reviewer with a due date
    editor.click("text=文章页（流程、审稿意见）")
    editor.check("input[name=reviewers]")
    due = timezone.localdate() + datetime.timedelta(days=7)
    editor.fill("#id_due_date", due.isoformat())
    editor.click("#submit button[type=submit]")
    editor.wait_for_selector("text=已提交审稿")
    _shot(editor, "02-editor-submitted")
    _logout(editor)

    # 3. the reviewer requests changes with a comment
    reviewer = _login(browser, live_server, "reviewer")
    assert "塑造数字贸易发展新优势" in reviewer.content()
    _shot(reviewer, "03-reviewer-dashboard")
    reviewer.click("text=塑造数字贸易发展新优势")
    reviewer.wait_for_selector(".article-body figure img")
    natural_width = reviewer.eval_on_selector(".article-body figure img", "img => img.naturalWidth")
    assert natural_width == 320, "the reviewer must see the draft's image"
    reviewer.fill("#decide textarea", "请补充2023年跨境电商的具体数据。")
    reviewer.click("#decide button:has-text('退回修改')")
    reviewer.wait_for_selector("text=已退回修改")
    _shot(reviewer, "04-reviewer-requested-changes")
    # the reviewer's browser stays open (logged in) until step 5
    article.refresh_from_db()
    assert article.state == ArticleState.CHANGES_REQUESTED

    # 4. the editor revises and resubmits
    editor = _login(browser, live_server, "editor")
    assert "退回给我修改" in editor.content() and "塑造数字贸易发展新优势" in editor.content()
    editor.goto(f"{live_server.url}/editorial/articles/{article.pk}/edit/")
    editor.locator("div.tiptap[contenteditable=true] p").first.click()
    editor.keyboard.press("End")
    editor.keyboard.type("2023年跨境电商进出口2.38万亿元。")
    editor.click("button.primary:has-text('保存')")
    editor.wait_for_selector("text=文章已保存")
    editor.click("text=文章页（流程、审稿意见）")
    editor.check("input[name=reviewers]")
    editor.fill("#id_due_date", due.isoformat())
    editor.click("#submit button[type=submit]")
    editor.wait_for_selector("text=已提交审稿")
    _logout(editor)

    # 5. the reviewer sees the diff and approves
    reviewer.goto(f"{live_server.url}/editorial/articles/{article.pk}/")
    reviewer.click("text=与上一版比较")
    inserted = reviewer.locator("#diff ins").all_inner_texts()
    assert any("2.38万亿元" in text for text in inserted), inserted
    _shot(reviewer, "05-reviewer-sees-diff")
    reviewer.goto(f"{live_server.url}/editorial/articles/{article.pk}/")
    reviewer.fill("#decide textarea", "同意刊发。")
    reviewer.click("#decide button:has-text('通过')")
    # the request for changes is still an open thread: the page asks before approving
    reviewer.wait_for_selector("text=还有未解决的审稿意见")
    reviewer.click("#confirm-approve")
    reviewer.wait_for_selector("text=已记录你的审稿结论")
    _shot(reviewer, "06-reviewer-approved")
    _logout(reviewer)
    article.refresh_from_db()
    assert article.state == ArticleState.APPROVED
    assert "2.38万亿元" in article.approved_revision.body

    # 6. two editors open the article; the second saves a stale copy
    edit_path = f"/editorial/articles/{article.pk}/edit/"
    first = _login(browser, live_server, "editor", start=edit_path)
    second = _login(browser, live_server, "editor2", start=edit_path)
    assert "王编辑" in second.content(), "the second editor is told who else has it open"
    first.fill("#id_subtitle", "把握数字化变革大势")
    first.click("button.primary:has-text('保存')")
    first.wait_for_selector("text=文章已保存")
    second.locator("div.tiptap[contenteditable=true] p").last.click()
    second.keyboard.press("End")
    second.keyboard.type("李编辑补充的一句话。")
    second.click("button.primary:has-text('保存')")
    second.wait_for_selector("text=保存冲突")
    _shot(second, "07-conflict-page")
    page_text = second.content()
    assert "李编辑补充的一句话。" in page_text and "王编辑" in page_text
    article.refresh_from_db()
    assert "李编辑补充的一句话。" not in article.body
    assert article.subtitle == "把握数字化变革大势"
    # the merge form holds both: the first editor's subtitle and the second's sentence
    assert second.input_value("#id_subtitle") == "把握数字化变革大势"
    second.click("button.primary:has-text('保存合并结果')")
    second.wait_for_selector("text=文章已保存")
    _shot(second, "08-merged")
    article.refresh_from_db()
    assert "李编辑补充的一句话。" in article.body
    assert article.subtitle == "把握数字化变革大势"
    assert "2.38万亿元" in article.body and "<h2>数字技术激发新动能</h2>" in article.body
    assert article.state == ArticleState.DRAFT  # edited after approval: needs re-approval
    for page in (first, second):
        assert not page.js_errors, page.js_errors
    assert re.search(r"第 \d+ 版", second.content())
