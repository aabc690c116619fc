"""The issue planning board in a real Chromium: an editor builds an issue from approved
articles, reorders them by mouse and by keyboard, looks at the proof thumbnails, schedules it an
hour ahead, and the worker publishes it when the (injected) clock gets there."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from editorial.models import Issue, IssueStatus
from publishing.models import Edition
from tests.browser.screenshots import screenshot
from tests.browser.sessions import logged_in_context
from tests.factories import (
    ArticleFactory,
    EditorFactory,
    PublicationFactory,
    SectionFactory,
    png_bytes,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "*",
                 verbosity=0)


def shot(page, name: str) -> None:
    screenshot(page, f"board-{name}")


def titles(page) -> list[str]:
    return page.locator("#layout .article-item .title").all_inner_texts()


def test_editor_builds_proofs_schedules_and_the_worker_publishes(browser, live_server, tmp_path,
                                                                 time_machine):
    publication = PublicationFactory()
    expert = SectionFactory(publication=publication, name="专家观点", position=0)
    news = SectionFactory(publication=publication, name="国内资讯", position=1)
    for title, section in [("塑造数字贸易发展新优势", expert), ("数据跨境流动的新规则", expert),
                           ("我市跨境电商企业加快布局海外仓", news)]:
        ArticleFactory(issue=None, section=section, title=title, slug=f"a-{len(title)}",
                       body=f"<p>{title}。当前，数字技术快速发展，跨境电商进出口 2.38 万亿元。</p>")
    editor = EditorFactory()
    cover = tmp_path / "cover.png"
    cover.write_bytes(png_bytes(300, 420, "#1f3a5f"))
    base = live_server.url

    # Logged in with a session cookie: the login form is the editorial story's part.
    context = logged_in_context(browser, live_server, editor, locale="zh-CN",
                                viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(20000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{base}/editorial/issues/")

    # A new issue, its cover, three approved articles.
    page.fill("#id_number", "12")
    page.fill("#id_title", "《大连数字贸易》季刊第 12 期")
    page.get_by_role("button", name="创建").click()
    page.wait_for_url(re.compile(r".*/editorial/issues/\d+/$"))
    page.set_input_files("#id_cover_image", str(cover))
    with page.expect_navigation():
        page.locator("form[action$='/front'] button").click()
    for _ in range(3):
        with page.expect_navigation():
            page.locator("ul.available button").first.click()
    assert titles(page) == ["塑造数字贸易发展新优势", "数据跨境流动的新规则",
                            "我市跨境电商企业加快布局海外仓"]
    shot(page, "1-assembled")

    # Drag the second article above the first, with the mouse.
    source = page.locator("#layout .article-item").nth(1).locator(".title").bounding_box()
    target = page.locator("#layout .article-item").nth(0).locator(".title").bounding_box()
    page.mouse.move(source["x"] + 5, source["y"] + source["height"] / 2)
    page.mouse.down()
    page.mouse.move(target["x"] + 5, target["y"] + 2, steps=12)
    page.mouse.move(target["x"] + 5, target["y"] + 1, steps=3)
    page.mouse.up()
    page.wait_for_function("document.getElementById('arrange-status').textContent.includes('已保存')")
    page.reload()
    assert titles(page)[:2] == ["数据跨境流动的新规则", "塑造数字贸易发展新优势"]
    # And back again from the keyboard: focus the ↓ button of the first article, press Enter.
    page.get_by_role("button", name="下移 数据跨境流动的新规则").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert titles(page)[:2] == ["塑造数字贸易发展新优势", "数据跨境流动的新规则"]

    # A proof, rendered by the worker; the page follows its progress and shows the pages.
    # The page asks for the proof's progress 1 s after loading, then every 1.5 s, and reloads
    # when it is ready: the page's clock is Playwright's from here, moved on once the worker
    # is done, so the test waits for no poll interval.
    page.clock.install()
    with page.expect_navigation():
        page.get_by_role("button", name="生成校样").click()
    run_worker()
    page.clock.run_for(1000)
    page.wait_for_selector(".thumbs img")
    page.wait_for_function(
        "Array.from(document.querySelectorAll('.thumbs img')).every(i => i.naturalWidth > 0)")
    assert page.locator(".thumbs img").count() >= 3
    assert "与当前内容一致" in page.locator("#proof-panel").inner_text()
    shot(page, "2-proof-thumbnails")

    # Schedule an hour ahead (Beijing time, minute precision); the worker leaves it alone until
    # the injected clock reaches the release time, then publishes it.
    release = (timezone.localtime() + dt.timedelta(hours=1)).replace(second=0, microsecond=0)
    page.fill("#id_release_at", release.strftime("%Y-%m-%dT%H:%M"))
    with page.expect_navigation():
        page.get_by_role("button", name="排期出版").click()
    assert release.strftime("%Y-%m-%d %H:%M") in page.locator("#release-at").inner_text()
    shot(page, "3-scheduled")
    issue = Issue.objects.get(number=12)
    assert issue.status == IssueStatus.SCHEDULED
    time_machine.move_to(release - dt.timedelta(seconds=1))
    run_worker()
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SCHEDULED  # not before its time
    time_machine.move_to(release)
    run_worker()
    page.reload()
    assert "已出版" in page.locator("h1 .state").inner_text()
    edition = Edition.objects.get(issue=issue)
    assert "沿用已审校样" in page.locator("ol.events").inner_text()
    pdf_link = page.locator("a[href$='/v1.pdf']")
    with page.expect_download() as download:
        pdf_link.click()
    assert download.value.path().read_bytes() == edition.pdf_path.read_bytes()
    shot(page, "4-published")
    assert errors == []
    context.close()
