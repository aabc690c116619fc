"""Writing on the canvas in a real Chromium, in Chinese (issue 11 item 2): the title as a large
heading, the body, an image with caption and alt text, 字数 and reading time, the autosave state
in view at every step, and an autosaved draft offered back with "restore" and "discard".

The editor autosaves every 5 seconds; the page's clock is Playwright's, moved forward by the
test, so nothing waits on the wall clock. `make screenshots`: test-artifacts/writing/."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from editorial.models import Article, AutosavedDraft
from editorial.permissions import EDITOR_GROUP, MEMBER_GROUP, REVIEWER_GROUP
from tests.browser.screenshots import screenshot
from tests.browser.sessions import logged_in_context
from tests.factories import EditorFactory, SectionFactory, png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PROSE = "div.tiptap[contenteditable=true]"


def _login(browser, live_server, *, next_url: str = "/editorial/"):
    """The editor on ``next_url`` in a new context (no localStorage from an earlier visit),
    logged in with a session cookie: the login form is the editorial story's part."""
    editor = get_user_model().objects.get(username="editor")
    context = logged_in_context(browser, live_server, editor, locale="zh-CN",
                                viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.clock.install()
    page.goto(f"{live_server.url}{next_url}")
    page.js_errors = errors
    return page


def _shot(page, name: str) -> None:
    screenshot(page, f"writing/{name}", full_page=False)


def _editor_ready(page) -> None:
    page.wait_for_function("window.bulletinEditor !== undefined && window.bulletinEditor !== null")


def _save_state(page) -> tuple[str, str]:
    """The autosave status: its state and its words; it must be in view."""
    status = page.locator("#autosave-status")
    assert status.is_visible()
    box = status.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 900, box
    return status.get_attribute("data-state"), status.inner_text()


def _autosave_now(page) -> None:
    """Let the editor's 5-second autosave timer fire and wait until the server answered."""
    page.clock.run_for(6000)
    page.wait_for_function("document.getElementById('autosave-status').dataset.state === 'saved'")


def test_write_an_article_with_an_image_then_restore_and_discard_autosaves(browser, live_server,
                                                                            tmp_path):
    for group in (EDITOR_GROUP, REVIEWER_GROUP, MEMBER_GROUP):
        Group.objects.get_or_create(name=group)
    EditorFactory(username="editor", first_name="王编辑")
    section = SectionFactory(name="专家观点")
    chart = tmp_path / "图1.png"
    chart.write_bytes(png_bytes(320, 180, "#2b6cb0"))

    # 1. from the sidebar to a focused canvas: a large title field, the body, the side panel
    page = _login(browser, live_server)
    page.click("#ws-sidebar a:has-text('写文章')")
    page.wait_for_url(f"{live_server.url}/editorial/articles/new/")
    _editor_ready(page)
    sizes = page.evaluate("""() => [
        parseFloat(getComputedStyle(document.getElementById('id_title')).fontSize),
        parseFloat(getComputedStyle(document.querySelector('div.tiptap')).fontSize)]""")
    assert sizes[0] >= 1.5 * sizes[1], sizes
    assert page.get_attribute("#id_title", "placeholder")
    assert page.locator("#canvas-meta").is_visible()
    state, words = _save_state(page)
    assert (state, words) == ("clean", "自动保存已开启")

    page.fill("#id_title", "塑造数字贸易发展新优势")
    page.select_option("#id_section", str(section.pk))
    page.locator(PROSE).click()
    page.keyboard.type("数字贸易是数字经济的重要组成部分。")
    assert _save_state(page) == ("dirty", "有尚未保存的修改")
    # 16 汉字 (the full stop is not counted): 字数 16, under a minute to read
    page.wait_for_function("document.getElementById('word-count').textContent === '字数 16'")
    assert page.inner_text("#reading-time") == "约 1 分钟读完"
    page.keyboard.press("Enter")
    page.set_input_files("#insert-image-file", str(chart))
    page.fill("#insert-image-caption", "图1 跨境电商进出口规模")
    page.fill("#insert-image-alt", "柱状图：跨境电商进出口规模逐年上升")
    page.click("#insert-image-button")
    page.wait_for_selector(f"{PROSE} figure img[alt='柱状图：跨境电商进出口规模逐年上升']")
    page.keyboard.press("Enter")
    page.keyboard.type("图后继续写。")
    _shot(page, "01-writing-with-image")
    page.click("button.primary:has-text('保存')")
    page.wait_for_selector("text=文章已保存")
    article = Article.objects.get()
    assert article.title == "塑造数字贸易发展新优势"
    assert "<figcaption>图1 跨境电商进出口规模</figcaption>" in article.body
    assert 'alt="柱状图：跨境电商进出口规模逐年上升"' in article.body
    assert article.body.index("</figure>") < article.body.index("图后继续写。")
    edit_url = f"{live_server.url}/editorial/articles/{article.pk}/edit/"
    assert page.url == edit_url

    # 2. the side panel folds away for a wider body and comes back
    _editor_ready(page)
    body_width = page.locator(PROSE).bounding_box()["width"]
    page.click("[data-toggle-meta]")
    assert not page.locator("#canvas-meta").is_visible()
    assert page.locator(PROSE).bounding_box()["width"] > body_width + 100
    page.click("[data-toggle-meta]")
    assert page.locator("#canvas-meta").is_visible()

    # 3. typing is autosaved without making a revision; the state says so, in view, after
    #    scrolling to the bottom of a long article too
    page.locator(f"{PROSE} p").last.click()
    page.keyboard.press("End")
    page.keyboard.type("这是自动保存的一句。")
    _autosave_now(page)
    state, words = _save_state(page)
    assert state == "saved" and words.startswith("已自动保存"), words
    draft = AutosavedDraft.objects.get()
    assert "这是自动保存的一句。" in draft.data["body"]
    article.refresh_from_db()
    assert article.version == 1 and "这是自动保存的一句" not in article.body
    page.keyboard.type("\n" * 30)  # Enter, 30 times, in one call to the driver
    page.keyboard.type("末尾。")
    page.mouse.wheel(0, 4000)
    assert _save_state(page)[0] in ("dirty", "saved")  # in view at the bottom too
    _autosave_now(page)
    _shot(page, "02-autosaved-state-in-view")
    assert page.js_errors == []
    page.context.close()

    # 4. next visit: the autosaved draft is offered; "restore" brings it into the canvas and
    #    saving makes it a revision
    page = _login(browser, live_server, next_url=f"/editorial/articles/{article.pk}/edit/")
    _editor_ready(page)
    notice = page.locator("#autosave-restore")
    assert notice.is_visible() and "未保存的内容" in notice.inner_text()
    _shot(page, "03-autosave-offered")
    assert "这是自动保存的一句" not in page.inner_text(PROSE)
    # Click and read the status in one task of the page, so that the editor's 5-second
    # autosave (the page's clock runs) cannot come in between.
    state = page.evaluate("""() => {
        document.querySelector("[data-restore-autosave]").click();
        const status = document.getElementById("autosave-status");
        return [status.dataset.state, status.textContent];
    }""")
    assert state == ["dirty", "已恢复自动保存的内容，保存后生效"]
    assert not notice.is_visible()
    assert "这是自动保存的一句。" in page.inner_text(PROSE)
    _save_state(page)  # in view
    page.click("button.primary:has-text('保存')")
    page.wait_for_selector("text=文章已保存")
    article.refresh_from_db()
    assert article.version == 2 and "这是自动保存的一句。" in article.body
    assert not AutosavedDraft.objects.exists()
    assert not page.locator("#autosave-restore").count()

    # 5. another autosave, then "discard": the copy is gone, the saved version stays
    _editor_ready(page)
    page.fill("#id_title", "一个不要的标题")
    page.locator(f"{PROSE} p").first.click()
    page.keyboard.type("不要的字。")
    _autosave_now(page)
    assert AutosavedDraft.objects.get().data["title"] == "一个不要的标题"
    page.context.close()
    page = _login(browser, live_server, next_url=f"/editorial/articles/{article.pk}/edit/")
    _editor_ready(page)
    assert page.locator("#autosave-restore").is_visible()
    # on a phone the offer fits, both buttons in reach
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function("document.documentElement.scrollWidth"
                           " <= document.documentElement.clientWidth")
    # the sidebar slides away as the window narrows: wait until it is out of view
    page.wait_for_function(
        "document.getElementById('ws-sidebar').getBoundingClientRect().right <= 0")
    _shot(page, "04a-autosave-offered-phone")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.click("#autosave-restore button:has-text('放弃这些内容')")
    page.wait_for_function(  # the page opened "clean": wait for the server's answer
        "(() => { const s = document.getElementById('autosave-status');"
        " return s.dataset.state === 'clean' && s.textContent === '已放弃自动保存的内容'; })()")
    assert not page.locator("#autosave-restore").is_visible()
    _save_state(page)  # in view
    _shot(page, "04-autosave-discarded")
    assert not AutosavedDraft.objects.exists()
    assert page.input_value("#id_title") == "塑造数字贸易发展新优势"
    assert "不要的字" not in page.inner_text(PROSE)
    page.reload()
    _editor_ready(page)
    assert not page.locator("#autosave-restore").count()
    assert not page.locator("#local-restore").is_visible()
    article.refresh_from_db()
    assert (article.title, article.version) == ("塑造数字贸易发展新优势", 2)

    # 6. a copy kept only in this browser (the session had expired, say) is offered the same
    #    way, and "discard" forgets it
    #    (set from another page: leaving the editor stores what it holds)
    key = f"bulletin-draft-{article.pk}"
    page.goto(f"{live_server.url}/editorial/")
    page.evaluate("""key => localStorage.setItem(key, JSON.stringify({version: "2", at: 0,
        data: {title: "只在本机的标题", body: "<p>只在本机。</p>"}}))""", key)
    page.goto(edit_url)
    _editor_ready(page)
    local = page.locator("#local-restore")
    assert local.is_visible()
    local.get_by_role("button", name="放弃这些内容").click()
    assert not local.is_visible()
    assert page.evaluate("key => localStorage.getItem(key)", key) is None
    assert _save_state(page) == ("clean", "已放弃自动保存的内容")
    assert page.input_value("#id_title") == "塑造数字贸易发展新优势"
    page.reload()
    _editor_ready(page)
    assert not page.locator("#local-restore").is_visible()
    assert page.js_errors == []
    page.context.close()
