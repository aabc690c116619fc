"""What an editor sees in Chromium when a correction is already running and when the issue is
published: the board says what runs and that the contents are frozen; a second click on
"correct" gets a 409 page saying what runs, with a way back. `make screenshots`: test-artifacts/."""

from __future__ import annotations

import pytest
from django.db import connection

from editorial.models import IssueStatus
from publishing.models import ClaimAction, Edition
from tests.browser.screenshots import screenshot
from tests.browser.sessions import logged_in_context
from tests.factories import ArticleFactory, EditorFactory, IssueFactory, SectionFactory
from tests.publishing.test_edition_claims import live_claim

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_a_second_correction_click_shows_what_runs_and_the_board_shows_the_freeze(
        browser, live_server, language):
    editor = EditorFactory(username="zhang")
    issue = IssueFactory(status=IssueStatus.PUBLISHED, number=9)
    section = SectionFactory(publication=issue.publication, name="专家观点")
    ArticleFactory(issue=issue, section=section, title="塑造数字贸易发展新优势")
    Edition.objects.create(issue=issue, version=1, directory=f"x/{issue.pk}/v1", page_count=8,
                           content_hash="0" * 64, pdf_sha256="0" * 64)
    # A correction started by this editor is rendering (held by a live process: this one).
    live_claim(issue, ClaimAction.CORRECT, actor=editor)
    # Logged in with a session cookie: the login form is the editorial story's part.
    context = logged_in_context(browser, live_server, editor,
                                language="en" if language == "en" else None,
                                locale=language, viewport={"width": 1400, "height": 1000})
    connection.close()
    base = live_server.url
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto(f"{base}/editorial/issues/{issue.pk}/")
    busy = page.locator("#edition-busy").inner_text()
    frozen = page.locator("#contents-frozen").inner_text()
    screenshot(page, f"claims-board-{language}")
    page.locator("form[action$='/correct'] [name=erratum]").fill("第 3 页数据更正")
    response_status = []
    page.on("response", lambda r: response_status.append(r.status) if r.url.endswith(
        "/correct") else None)
    page.locator("form[action$='/correct'] button").click()
    page.wait_for_load_state()
    message = page.locator(".error-page").inner_text()
    screenshot(page, f"claims-409-{language}")
    assert response_status == [409]
    if language == "zh-CN":
        assert f"更正版正在进行（{editor.get_full_name()} 于" in busy
        assert "文章和顺序已冻结" in frozen
        assert "这次操作没有执行" in message and "返回本期编排页" in message
    else:
        assert f"A correction is in progress (started by {editor.get_full_name()} at" in busy
        assert "frozen" in frozen
        assert "this request was not carried out" in message
        assert "Back to this issue's board" in message
    page.get_by_role("link", name="返回本期编排页" if language == "zh-CN"
                     else "Back to this issue's board").click()
    page.wait_for_url(f"{base}/editorial/issues/{issue.pk}/")
    context.close()
