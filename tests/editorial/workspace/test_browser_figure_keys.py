"""In the article editor, Enter and the arrow keys leave a figure as a person expects: the text
typed next is a paragraph after the figure, never an empty figure whose caption is that text."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group

from editorial.permissions import EDITOR_GROUP
from tests.browser.screenshots import screenshot
from tests.browser.sessions import logged_in_context
from tests.factories import SectionFactory, UserFactory, png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def editor_page(browser, live_server, tmp_path):
    user = UserFactory(username="editor", first_name="王编辑")
    user.groups.add(Group.objects.get_or_create(name=EDITOR_GROUP)[0])
    SectionFactory(name="专家观点")
    context = logged_in_context(browser, live_server, user, locale="zh-CN",
                                viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/editorial/articles/new/")
    page.wait_for_function("window.bulletinEditor !== undefined && window.bulletinEditor !== null")
    image = tmp_path / "图1.png"
    image.write_bytes(png_bytes(320, 180, "#2b6cb0"))
    page.image_path = str(image)
    yield page
    assert errors == []
    context.close()


def _insert_figure(page, caption: str) -> None:
    page.set_input_files("#insert-image-file", page.image_path)
    page.fill("#insert-image-caption", caption)
    count = page.locator("div.tiptap figure").count()
    page.click("#insert-image-button")
    page.wait_for_function(f"document.querySelectorAll('div.tiptap figure img').length > {count}")


def _html(page) -> str:
    return page.evaluate("window.bulletinEditor.getHTML()")


def _figures(html: str) -> list[str]:
    return re.findall(r"<figure.*?</figure>", html, re.S)


@pytest.mark.parametrize("caption", ["图1 跨境电商进出口规模", ""])
def test_enter_after_an_inserted_image_starts_a_paragraph_after_the_figure(editor_page, caption):
    page = editor_page
    page.locator("div.tiptap[contenteditable=true]").click()
    page.keyboard.type("第一段。")
    page.keyboard.press("Enter")
    _insert_figure(page, caption)
    page.keyboard.press("Enter")
    page.keyboard.type("下一段文字。")
    html = _html(page)
    screenshot(page, f"figure-enter-{'caption' if caption else 'bare'}", full_page=False)
    figures = _figures(html)
    assert len(figures) == 1, html
    assert "<img" in figures[0] and "下一段文字" not in figures[0], html
    assert re.search(r"</figure>\s*<p>下一段文字。</p>", html), html


def test_arrow_keys_leave_the_caption_for_the_text_after_the_figure(editor_page):
    page = editor_page
    page.locator("div.tiptap[contenteditable=true]").click()
    page.keyboard.type("第一段。")
    page.keyboard.press("Enter")
    _insert_figure(page, "图2")
    page.keyboard.press("ArrowDown")
    page.keyboard.type("图后的文字。")
    html = _html(page)
    assert "<figcaption" in html and "图后的文字" not in _figures(html)[0], html
    assert re.search(r"</figure>\s*<p>图后的文字。</p>", html), html
    # Back up into the caption and right out again: still one figure, text after it.
    page.keyboard.press("Home")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("End")
    page.keyboard.press("ArrowRight")
    page.keyboard.type("又一句。")
    html = _html(page)
    assert len(_figures(html)) == 1 and "又一句" not in _figures(html)[0], html


def test_arrow_keys_leave_the_figure_upwards_for_the_text_before_it(editor_page):
    """From the caption's start, one ArrowUp (or ArrowLeft) goes past the image to the end of
    the paragraph before the figure; what is typed lands there, and the figure is untouched."""
    page = editor_page
    page.locator("div.tiptap[contenteditable=true]").click()
    page.keyboard.type("第一段。")
    page.keyboard.press("Enter")
    _insert_figure(page, "图3")
    page.keyboard.press("ArrowDown")
    page.keyboard.type("图后。")
    for key in ("ArrowUp", "ArrowLeft"):
        page.locator("div.tiptap figcaption").click()
        page.keyboard.press("Home")
        # ProseMirror reads a native caret move from the DOM's selectionchange, which comes
        # after the key: wait until its own selection is at the caption's start.
        page.wait_for_function("window.bulletinEditor.state.selection.$from.parentOffset === 0")
        page.keyboard.press(key)
        where = page.evaluate("""() => { const $from = window.bulletinEditor.state.selection.$from;
            return [$from.parent.textContent, $from.parentOffset === $from.parent.content.size]; }""")
        assert where[0].startswith("第一段。") and where[1], (key, where)
        page.keyboard.type("补" if key == "ArrowUp" else "充")
    html = _html(page)
    assert len(_figures(html)) == 1 and "图3" in _figures(html)[0], html
    assert re.search(r"<p>第一段。补充</p>\s*<figure", html), html
