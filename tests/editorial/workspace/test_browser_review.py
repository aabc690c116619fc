"""Review in a real Chromium, in Chinese: the reviewer selects a passage and comments on it,
the author replies, the reviewer resolves the thread and approves."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from editorial import services
from editorial.models import ArticleState, Comment
from editorial.permissions import EDITOR_GROUP, MEMBER_GROUP, REVIEWER_GROUP
from tests.editorial.workspace.test_browser_story import _login, _logout, _shot
from tests.factories import EditorFactory, ReviewerFactory, SectionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = ("<h2>数字技术激发新动能</h2>"
        "<p>当前，数字技术快速发展，深刻改变社会生产生活方式。2023年跨境电商进出口2.38万亿元。</p>"
        "<p>数字贸易已成为对外贸易的重要引擎。</p>")
PASSAGE = "2023年跨境电商进出口2.38万亿元。"


def _select(page, words: str) -> None:
    """Select ``words`` in the article body as a mouse drag would."""
    page.evaluate("""words => {
        const body = document.getElementById('article-body');
        const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
        let node;
        while ((node = walker.nextNode())) {
            const at = node.data.indexOf(words);
            if (at === -1) continue;
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + words.length);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
            return;
        }
        throw new Error('words not in the body: ' + words);
    }""", words)


def test_passage_comment_reply_resolve_approve_in_chinese(browser, live_server):
    for group in (EDITOR_GROUP, REVIEWER_GROUP, MEMBER_GROUP):
        Group.objects.get_or_create(name=group)
    author = EditorFactory(username="editor", first_name="王编辑")
    reviewer_user = ReviewerFactory(username="reviewer", first_name="张审稿")
    article = services.article_create(user=author, content=services.ArticleContent(
        title="塑造数字贸易发展新优势", section=SectionFactory(name="专家观点"), body=BODY))
    services.article_submit(user=author, article_id=article.pk, reviewers=[reviewer_user],
                            due_date=timezone.localdate() + datetime.timedelta(days=5))
    path = f"/editorial/articles/{article.pk}/"

    # 1. the reviewer sees the status panel, selects a passage and comments on it
    reviewer = _login(browser, live_server, "reviewer", start=path)
    panel = reviewer.locator("#status")
    assert "审稿中" in panel.inner_text() and "张审稿" in panel.inner_text()
    assert panel.locator("a:has-text('通过')").count() == 1
    assert panel.locator("button:has-text('撤回文章')").count() == 0
    _select(reviewer, PASSAGE)
    reviewer.wait_for_selector("#selection-comment:not([hidden])")
    _shot(reviewer, "review-01-passage-selected")
    reviewer.click("#selection-comment")
    assert reviewer.locator("#quote-preview-text").inner_text() == PASSAGE
    reviewer.fill("#comment-form textarea[name=body]", "请注明这个数字的来源（海关总署？）。")
    reviewer.click("#comment-form button[type=submit]")
    reviewer.wait_for_selector("mark.passage")
    comment = Comment.objects.get()
    assert comment.quote == PASSAGE and comment.quote_prefix.endswith("深刻改变社会生产生活方式。")
    marked = "".join(reviewer.locator("mark.passage").all_inner_texts())
    assert marked == PASSAGE, "the commented passage is highlighted"
    _shot(reviewer, "review-02-passage-highlighted")
    # the reviewer's browser stays open (logged in) until step 3

    # 2. the author replies in the thread
    editor = _login(browser, live_server, "editor", start=path)
    assert "1 条未解决" in editor.locator("#comments h2").inner_text()
    editor.click(f"#comment-{comment.pk} summary:has-text('回复')")
    editor.fill(f"#reply-{comment.pk}", "来源是海关总署，已在文末注明。")
    editor.click(f"#comment-{comment.pk} button:has-text('发送回复')")
    editor.wait_for_selector("text=来源是海关总署，已在文末注明。")
    _shot(editor, "review-03-author-replied")
    _logout(editor)

    # 3. the reviewer resolves the thread; the highlight goes; then approves without a question
    reviewer.goto(f"{live_server.url}{path}")
    reviewer.click("mark.passage")  # the highlight leads to its thread
    assert "is-active" in reviewer.get_attribute(f"#comment-{comment.pk}", "class")
    reviewer.click(f"#comment-{comment.pk} button:has-text('标记为已解决')")
    reviewer.wait_for_selector("text=讨论已标记为已解决")
    assert reviewer.locator("mark.passage").count() == 0
    assert "张审稿 标记为已解决" in reviewer.locator(f"#comment-{comment.pk}").inner_text()
    _shot(reviewer, "review-04-resolved")
    reviewer.fill("#decide textarea", "同意刊发。")
    reviewer.click("#decide button:has-text('通过')")
    reviewer.wait_for_selector("text=已记录你的审稿结论")
    assert reviewer.locator("#status .state").inner_text() == "已通过"
    _shot(reviewer, "review-05-approved")
    assert not reviewer.js_errors, reviewer.js_errors
    article.refresh_from_db()
    assert article.state == ArticleState.APPROVED
    assert Comment.objects.get(pk=comment.pk).replies.get().author == author


def test_approving_over_an_open_passage_comment_asks_first(browser, live_server):
    for group in (EDITOR_GROUP, REVIEWER_GROUP, MEMBER_GROUP):
        Group.objects.get_or_create(name=group)
    author = EditorFactory(username="editor", first_name="王编辑")
    reviewer_user = ReviewerFactory(username="reviewer", first_name="张审稿")
    article = services.article_create(user=author, content=services.ArticleContent(
        title="塑造数字贸易发展新优势", section=SectionFactory(name="专家观点"), body=BODY))
    services.article_submit(user=author, article_id=article.pk, reviewers=[reviewer_user],
                            due_date=timezone.localdate() + datetime.timedelta(days=5))
    services.comment_add(user=reviewer_user, article_id=article.pk, body="数字需核实。",
                         quote=PASSAGE)
    reviewer = _login(browser, live_server, "reviewer", start=f"/editorial/articles/{article.pk}/")
    assert "通过前会请你确认" in reviewer.locator("#decide").inner_text()
    reviewer.click("#decide button:has-text('通过')")
    reviewer.wait_for_selector("text=还有未解决的审稿意见")
    assert "数字需核实。" in reviewer.content()
    _shot(reviewer, "review-06-confirm-question")
    article.refresh_from_db()
    assert article.state == ArticleState.IN_REVIEW
    reviewer.click("#confirm-approve")
    reviewer.wait_for_selector("text=已记录你的审稿结论")
    article.refresh_from_db()
    assert article.state == ArticleState.APPROVED
    assert not reviewer.js_errors, reviewer.js_errors
