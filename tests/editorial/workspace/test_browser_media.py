"""The media library in a real Chromium, in Chinese: an editor finds an uploaded image,
gives it alt text and a caption, inserts it into an article from the editor's library
dialog, and sees the article listed where the image is used."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from editorial import services
from editorial.models import Article, Asset
from editorial.permissions import EDITOR_GROUP, MEMBER_GROUP, REVIEWER_GROUP
from tests.editorial.workspace.test_browser_story import _login, _shot
from tests.factories import EditorFactory, SectionFactory, png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_find_describe_and_reuse_an_image_in_chinese(browser, live_server):
    for group in (EDITOR_GROUP, REVIEWER_GROUP, MEMBER_GROUP):
        Group.objects.get_or_create(name=group)
    editor_user = EditorFactory(username="editor", first_name="王编辑")
    chart = services.asset_store(user=editor_user, original_name="跨境电商图表.png",
                                 data=png_bytes(320, 180, "#2b6cb0"))
    services.asset_store(user=editor_user, original_name="港口照片.png",
                         data=png_bytes(200, 300, "#14532d"))
    article = services.article_create(user=editor_user, content=services.ArticleContent(
        title="塑造数字贸易发展新优势", section=SectionFactory(name="专家观点"),
        body="<p>当前，数字技术快速发展。</p>"))

    editor = _login(browser, live_server, "editor")
    # 1. the sidebar's 图片 opens the library: two thumbnails; a search finds the chart
    editor.click("#ws-sidebar a:has-text('图片')")
    editor.wait_for_selector(".media-grid")
    assert editor.locator(".media-card").count() == 2
    assert editor.locator(".media-missing").count() == 2
    editor.fill("#id_q", "图表")
    editor.click("form.filters button[type=submit]")
    editor.wait_for_url("**/editorial/media/?q=*")
    assert editor.locator(".media-card").count() == 1
    _shot(editor, "media-01-search")

    # 2. alt text and caption
    editor.click(".media-card a")
    editor.fill("#id_alt_text", "2019—2023 年跨境电商进出口规模柱状图")
    editor.fill("#id_caption", "图1 跨境电商进出口规模")
    editor.click("form button.primary:has-text('保存')")
    editor.wait_for_selector("text=图片说明已保存")
    assert "还没有文章或期刊用到这张图片" in editor.content()
    chart.refresh_from_db()
    assert chart.alt_text == "2019—2023 年跨境电商进出口规模柱状图"

    # 3. reuse it in the editor from the library dialog
    editor.goto(f"{live_server.url}/editorial/articles/{article.pk}/edit/")
    editor.locator("div.tiptap[contenteditable=true] p").last.click()
    editor.keyboard.press("End")
    editor.click("#media-pick-open")
    editor.wait_for_selector("#media-picker .media-card")
    assert editor.locator("#media-picker .media-card").count() == 2
    editor.fill("#media-picker-q", "柱状图")
    editor.click("#media-picker-search")
    editor.wait_for_function(
        "document.querySelectorAll('#media-picker .media-card').length === 1")
    _shot(editor, "media-02-picker")
    editor.click("#media-picker .media-card")
    figure = editor.locator("div.tiptap[contenteditable=true] figure img")
    figure.wait_for()
    assert figure.get_attribute("alt") == "2019—2023 年跨境电商进出口规模柱状图"
    editor.click("button.primary:has-text('保存')")
    editor.wait_for_selector("text=文章已保存")
    article = Article.objects.get(pk=article.pk)
    assert f'src="{chart.file.url}"' in article.body
    assert "<figcaption>图1 跨境电商进出口规模</figcaption>" in article.body
    assert Asset.objects.count() == 2, "reusing an image stores nothing new"

    # 4. the image's page lists the article where it is used
    editor.goto(f"{live_server.url}/editorial/media/{chart.pk}/")
    usage = editor.locator("#usage").inner_text()
    assert "塑造数字贸易发展新优势" in usage and "正文插图" in usage
    _shot(editor, "media-03-usage")
    assert not editor.js_errors, editor.js_errors
