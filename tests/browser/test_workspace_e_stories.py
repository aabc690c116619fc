"""Browser stories in a real Chromium, in Chinese, for issue 11 item 1 (the design system: a new
user's first clicks through the sidebar), item 5 (what the worker did reaches the editor's bell)
and item 10 (a phone-width walk by keyboard alone, the 404 page in the site's design).
`make screenshots` writes screenshots to test-artifacts/workspace-e/."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from editorial.models import Article, IssueStatus, Notification, NotificationKind
from editorial.permissions import EDITOR_GROUP, MEMBER_GROUP, REVIEWER_GROUP
from tests.browser.layout import sideways_overflow
from tests.browser.screenshots import screenshot
from tests.browser.sessions import logged_in_context
from tests.factories import PASSWORD, EditorFactory, ReviewerFactory, SectionFactory
from tests.publishing.release_fixtures import ready_issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HAN = re.compile(r"[\u3400-\u9fff]")
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def people(db):
    for group in (EDITOR_GROUP, REVIEWER_GROUP, MEMBER_GROUP):
        Group.objects.get_or_create(name=group)
    section = SectionFactory(name="专家观点")
    return {"editor": EditorFactory(first_name="王编辑"),
            "reviewer": ReviewerFactory(first_name="张审稿"), "section": section}


def _page(browser, viewport: dict, *, live_server=None, user=None):
    """A page in a new context; given ``user``, the context has their session cookie."""
    options = {"locale": "zh-CN", "viewport": viewport}
    context = (logged_in_context(browser, live_server, user, **options) if user is not None
               else browser.new_context(**options))
    page = context.new_page()
    page.set_default_timeout(15000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.js_errors = errors
    return page


def _dashboard(browser, live_server, user, viewport: dict = DESKTOP):
    """``user``'s dashboard, logged in with a session cookie: the login form is the editorial
    story's part (and, by keyboard alone, the phone walk's)."""
    page = _page(browser, viewport, live_server=live_server, user=user)
    page.goto(f"{live_server.url}/editorial/")
    return page


def _shot(page, name: str, *, full_page: bool = True) -> None:
    """Full page, or the viewport where sticky bars would land mid-page in a full one."""
    screenshot(page, f"workspace-e/{name}", full_page=full_page)


def _no_sideways_scroll(page) -> None:
    """The gallery's check: no sideways scrolling once the page has settled (fonts, editor)."""
    assert sideways_overflow(page) == [], page.url


def _sidebar(page) -> list[tuple[str, str]]:
    return page.eval_on_selector_all(
        "#ws-sidebar nav a", "links => links.map(a => [a.textContent.trim(), a.pathname])")


def test_a_new_editors_first_clicks_through_the_sidebar(browser, live_server, people):
    """An editor on an empty workspace: the dashboard says what to do next; every sidebar entry
    opens a page in the same frame (breadcrumbs from 工作台, a heading, the entry marked as the
    current page); a primary action stands out from the secondary ones; English and back."""
    page = _dashboard(browser, live_server, people["editor"])
    _shot(page, "01-first-dashboard")
    empty = page.locator("main .empty")
    assert empty.count() >= 3
    assert "写一篇新文章" in page.inner_text("main")
    links = _sidebar(page)
    labels = [label for label, _path in links]
    assert labels[:3] == ["工作台", "文章", "写文章"], labels
    for wanted in ("期刊排版", "图片", "会员", "统计", "刊物设置"):
        assert wanted in labels, labels

    # every entry in turn, 写文章 last: the checks below are made on it where the loop ends
    write = "/editorial/articles/new/"
    for n, (label, path) in enumerate(sorted(links, key=lambda link: link[1] == write), start=2):
        page.click(f"#ws-sidebar nav a[href='{path}']")
        page.wait_for_url(f"{live_server.url}{path}")  # and its load event
        current = page.eval_on_selector_all(
            "#ws-sidebar nav a[aria-current=page]", "links => links.map(a => a.textContent.trim())")
        assert current == [label], (path, current)
        assert page.locator(".breadcrumbs li").first.inner_text() == "工作台"
        heading = page.inner_text(".ws-heading h1").strip()
        assert heading and HAN.search(heading), (path, heading)
        _no_sideways_scroll(page)
        _shot(page, f"{n:02d}-sidebar-{path.strip('/').replace('/', '-') or 'root'}")
        if path == "/editorial/articles/":
            assert "写第一篇文章" in page.inner_text("main .empty")
        if path == "/editorial/media/":
            assert "图片库还是空的" in page.inner_text("main .empty")

    # labels sit above their fields, and a primary action is filled where secondary ones are not
    assert page.url == f"{live_server.url}{write}"
    label_box = page.locator("label[for=id_section]").bounding_box()
    field_box = page.locator("#id_section").bounding_box()
    assert label_box["y"] + label_box["height"] <= field_box["y"] + 1
    colours = page.evaluate("""() => [
        getComputedStyle(document.querySelector('.canvas-bar button.primary')).backgroundColor,
        getComputedStyle(document.querySelector('[data-toggle-meta]')).backgroundColor]""")
    assert colours[0] != colours[1] and colours[1] in ("rgb(255, 255, 255)",
                                                      "rgba(0, 0, 0, 0)"), colours

    # the language switch: English throughout the frame, then back to Chinese
    page.click(".ws-lang button")
    page.wait_for_function("document.documentElement.lang === 'en'")
    english = " ".join(label for label, _path in _sidebar(page))
    assert not HAN.search(english), english
    assert not HAN.search(page.inner_text(".ws-header")), page.inner_text(".ws-header")
    _shot(page, "20-english-write")
    page.click(".ws-lang button")
    page.wait_for_function("document.documentElement.lang === 'zh-CN'")
    assert "写文章" in page.inner_text("#ws-sidebar")
    assert page.js_errors == []

    # 退出 from the user menu ends the session
    page.click(".ws-user button:has-text('退出')")
    page.goto(f"{live_server.url}/editorial/")
    assert "/accounts/login/" in page.url
    page.context.close()


def test_a_reviewers_sidebar_offers_only_what_a_reviewer_may_do(browser, live_server, people):
    page = _dashboard(browser, live_server, people["reviewer"])
    labels = [label for label, _path in _sidebar(page)]
    assert labels == ["工作台", "文章"], labels
    assert "没有待审的文章" in page.inner_text("main")
    _shot(page, "21-reviewer-dashboard")
    assert page.js_errors == []
    page.context.close()


def _tab_to(page, predicate: str, limit: int = 80) -> None:
    """Press Tab until ``predicate`` (JS, given the focused element as ``e``) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(e => Boolean({predicate}))(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached {predicate}")


def test_a_phone_walk_by_keyboard_alone(browser, live_server, people):
    """390 px wide, no mouse: log in, open the menu, go to 写文章, write a title and a
    paragraph, fold the metadata panel, save, reach the article from the list; a wrong address
    gets the 404 page in the site's design. No page scrolls sideways."""
    page = _page(browser, PHONE)
    page.goto(f"{live_server.url}/accounts/login/?next=/editorial/")
    _tab_to(page, "e.id === 'id_username'")
    page.keyboard.type(people["editor"].username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/editorial/")
    _no_sideways_scroll(page)

    # the menu opens from the keyboard, focus goes into it, Tab reaches 写文章
    _tab_to(page, "e.matches('[data-sidebar-open]')")
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.closest('#ws-sidebar') !== null")
    page.wait_for_function(  # slid fully in
        "document.getElementById('ws-sidebar').getBoundingClientRect().left >= 0")
    _shot(page, "30-phone-menu-open", full_page=False)
    _tab_to(page, "e.matches('#ws-sidebar nav a[href=\"/editorial/articles/new/\"]')")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/editorial/articles/new/")
    page.wait_for_function("window.bulletinEditor !== undefined && window.bulletinEditor !== null")
    _no_sideways_scroll(page)

    # title, then the body, by Tab alone
    _tab_to(page, "e.id === 'id_title'")
    page.keyboard.type("手机上写的一篇短讯")
    _tab_to(page, "e.matches('div.tiptap[contenteditable=true]')")
    page.keyboard.type("协会秘书处在手机上完成了这篇短讯。")
    assert page.inner_text("#word-count").startswith("字数")
    _no_sideways_scroll(page)
    # the metadata panel: section chosen with the arrow keys
    _tab_to(page, "e.id === 'id_section'")
    page.keyboard.press("ArrowDown")
    assert page.input_value("#id_section") == str(people["section"].pk)
    _shot(page, "31-phone-writing", full_page=False)
    _tab_to(page, "e.matches('.canvas-bar button.primary')")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=文章已保存")
    article = Article.objects.get()
    assert article.title == "手机上写的一篇短讯" and "在手机上完成" in article.body
    _no_sideways_scroll(page)
    _shot(page, "32-phone-saved")

    # back to the list through the breadcrumbs, open the article
    _tab_to(page, "e.matches('.breadcrumbs a[href=\"/editorial/articles/\"]')")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/editorial/articles/")
    _no_sideways_scroll(page)
    _tab_to(page, f"e.matches('main a[href=\"/editorial/articles/{article.pk}/\"]')")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/editorial/articles/{article.pk}/")
    _no_sideways_scroll(page)
    # reviewers are offered by name, not by login name alone
    assert "张审稿（reviewer）" in page.inner_text("#submit")
    _shot(page, "33-phone-article")

    # a wrong address: the 404 page in the site's design, with a way back, and a favicon
    response = page.goto(f"{live_server.url}/editorial/articles/999999/")
    assert response.status == 404
    assert HAN.search(page.inner_text("body"))
    assert page.locator("link[rel=icon]").count() == 1
    _no_sideways_scroll(page)
    _shot(page, "34-phone-404")
    _tab_to(page, "e.tagName === 'A'")
    assert page.evaluate("document.activeElement.href")
    assert page.js_errors == [] or all("404" in e for e in page.js_errors), page.js_errors
    page.context.close()


def _run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "*",
                 verbosity=0)


def test_what_the_worker_publishes_or_fails_reaches_the_editors_bell(browser, live_server, people,
                                                                    time_machine):
    """Two issues scheduled for the same hour; at that (injected) hour the real worker publishes
    one and fails on the other (a character no font draws). The editor's bell counts both; the
    failure names the article and leads to the board, the success to the live issue."""
    from publishing.services import issue_schedule

    good, bad = ready_issue(number=9), ready_issue(number=10)
    release_at = (timezone.now() + dt.timedelta(hours=1)).replace(microsecond=0)
    for issue in (good, bad):
        issue_schedule(issue=issue, release_at=release_at, actor=people["editor"])
    # after scheduling (which checks the glyphs), a character no font draws slips in
    article = bad.articles.get(position=0)
    article.body += "<p>不可打印的字：\U000f0000</p>"  # a private-use plane
    article.save()
    assert not Notification.objects.exists()
    time_machine.move_to(release_at)
    _run_worker()
    _run_worker()  # the failure e-mail and notification are a task of their own
    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.status, bad.status) == (IssueStatus.PUBLISHED, IssueStatus.SCHEDULED)
    kinds = set(Notification.objects.filter(recipient=people["editor"])
                .values_list("kind", flat=True))
    assert kinds == {NotificationKind.PUBLISHED, NotificationKind.PUBLISH_FAILED}

    page = _dashboard(browser, live_server, people["editor"])
    assert page.locator("a.bell .bell-count").inner_text() == "2"
    page.click("a.bell")
    page.wait_for_url(f"{live_server.url}/editorial/notifications/")
    listing = page.inner_text("main")
    assert f"{good.display_title} 已出版" in listing, listing
    assert f"{bad.display_title} 出版失败" in listing, listing
    # the renderer's message names the article, in the interface's language
    assert "文章《塑造数字贸易发展新优势》：字体里没有这些字符" in listing, listing
    _shot(page, "40-bell-after-the-worker")
    page.click(f"main a:has-text('{bad.display_title} 出版失败')")
    page.wait_for_url(re.compile(rf".*/editorial/issues/{bad.pk}/$"))
    assert page.locator("a.bell .bell-count").inner_text() == "1"
    page.go_back()
    page.reload()
    page.click(f"main a:has-text('{good.display_title} 已出版')")
    page.wait_for_url(f"{live_server.url}{good.get_absolute_url()}")
    assert "塑造数字贸易发展新优势" in page.inner_text("body")
    _shot(page, "41-the-live-issue-from-the-bell")
    page.goto(f"{live_server.url}/editorial/")
    assert page.locator("a.bell .bell-count").count() == 0
    assert page.js_errors == []
    page.context.close()
