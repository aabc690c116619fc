"""The workspace gallery: every workspace page, as each role, on a desktop (1,366 px) and a
phone (390 px), in a real Chromium. Each page must load without console errors, must not
scroll sideways, and must have no serious or critical axe-core violations, at both widths: it is
loaded once, at the phone's width, checked, then checked again at the desktop's (see _check).
With ``make screenshots`` the pages also land in test-artifacts/gallery/ (ignored by git) for a
person to look at.

axe-core is vendored (tests/browser/vendor/axe.min.js, `make vendor-ui`) and injected from
the file: nothing is fetched from the internet."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from editorial import services
from editorial.models import Asset
from editorial.permissions import EDITOR_GROUP, MEMBER_GROUP, REVIEWER_GROUP
from publishing.models import Download, Membership, Read
from tests.browser.layout import OVERFLOW
from tests.browser.screenshots import screenshot
from tests.browser.sessions import logged_in_context
from tests.editorial.factories_workspace import draft_article, in_review_article
from tests.factories import (
    AdminFactory,
    ArticleFactory,
    CreditFactory,
    EditorFactory,
    IssueFactory,
    MemberFactory,
    PublicationFactory,
    ReviewerFactory,
    SectionFactory,
    png_bytes,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}
VIEWPORTS = {name: {"width": width, "height": height} for name, (width, height) in WIDTHS.items()}
# Chinese characters; full-width punctuation alone (a “（）” around data) is not counted.
HAN = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture
def workspace(db):
    """A small but complete workspace: an issue in planning with approved articles, a draft
    with two revisions, an article in review with a comment, an image, members."""
    for group in (EDITOR_GROUP, REVIEWER_GROUP, MEMBER_GROUP):
        Group.objects.get_or_create(name=group)
    editor = EditorFactory(first_name="王编辑")
    reviewer = ReviewerFactory(first_name="张审稿")
    admin = AdminFactory(first_name="管理员")
    MemberFactory(expires_on=timezone.localdate() + dt.timedelta(days=200))
    Membership.objects.filter(user__username="member").update(organisation="大连港集团")
    publication = PublicationFactory()
    expert = SectionFactory(publication=publication, name="专家观点", position=0)
    news = SectionFactory(publication=publication, name="国内资讯", position=1)
    issue = IssueFactory(publication=publication, number=9,
                         title="《大连数字贸易》季刊第 9 期")
    for n, (title, section) in enumerate([("塑造数字贸易发展新优势", expert),
                                          ("我市跨境电商企业加快布局海外仓", news)]):
        article = ArticleFactory(issue=issue, section=section, title=title, slug=f"a{n}")
        CreditFactory(article=article)
    ArticleFactory(issue=None, section=news, title="数据跨境流动的新规则", slug="spare")
    draft = draft_article(by=editor, title="数字贸易统计的口径与方法", section=expert)
    content = services.ArticleContent.of_article(draft)
    content = dataclasses.replace(content, body=content.body + "<p>第二版补充了海关统计口径的说明。</p>")
    services.article_update(user=editor, article_id=draft.pk, base_version=draft.version,
                            content=content, note="补充统计口径")
    review = in_review_article(by=editor, reviewers=[reviewer], title="跨境数据流动与数字贸易规则",
                               section=expert)
    services.comment_add(user=reviewer, article_id=review.pk, body="第二段的数据请注明来源。",
                         quote="数字技术快速发展")
    asset = services.asset_store(user=editor, original_name="chart.png",
                                 data=png_bytes(320, 180, "#2b6cb0"))
    services.asset_update_text(user=editor, asset_id=asset.pk, alt_text="跨境电商进出口规模柱状图",
                               caption="图1 跨境电商进出口规模")
    services.asset_store(user=editor, original_name="港口照片.png", data=png_bytes(200, 300, "#14532d"))
    member = Membership.objects.get(user__username="member").user
    Download.objects.create(issue=issue, user=member)
    Read.objects.create(issue=issue, slug="a0", user=member)
    Read.objects.create(issue=issue, slug="", user=None)
    return {"editor": editor, "reviewer": reviewer, "admin": admin, "draft": draft,
            "review": review, "issue": issue, "publication": publication, "asset": asset}


def pages_for(role: str, data: dict) -> list[tuple[str, str]]:
    """(name, path) of every workspace page ``role`` may open."""
    review, draft = data["review"].pk, data["draft"].pk
    reading = [
        ("dashboard", "/editorial/"),
        ("articles", "/editorial/articles/"),
        ("article-in-review", f"/editorial/articles/{review}/"),
        ("revisions", f"/editorial/articles/{review}/revisions/"),
        ("revision", f"/editorial/articles/{review}/revisions/1/"),
        ("notifications", "/editorial/notifications/"),
        ("notifications-unread", "/editorial/notifications/?show=unread"),
    ]
    if role == "reviewer":
        return reading
    return [
        *reading,
        ("articles-filtered-empty", "/editorial/articles/?q=不存在的标题"),
        ("write", "/editorial/articles/new/"),
        ("import-word", "/editorial/articles/import/"),
        ("draft", f"/editorial/articles/{draft}/"),
        ("edit", f"/editorial/articles/{draft}/edit/"),
        ("compare", f"/editorial/articles/{draft}/revisions/compare/"),
        ("image-upload", "/editorial/images/upload/"),
        ("media", "/editorial/media/"),
        ("media-search-empty", "/editorial/media/?q=不存在的图片"),
        ("media-detail", f"/editorial/media/{data['asset'].pk}/"),
        ("publication-settings", f"/editorial/publications/{data['publication'].slug}/settings/"),
        ("issues", "/editorial/issues/"),
        ("issue-board", f"/editorial/issues/{data['issue'].pk}/"),
        ("members", "/library/members/"),
        ("statistics", "/editorial/statistics/"),
        ("statistics-period", "/editorial/statistics/?start=2025-01&end=2026-12"),
        ("statistics-bad-months", "/editorial/statistics/?start=2026-13&end=2025-01"),
    ]


def _context(browser, live_server, user, size: tuple[int, int], language: str = "zh-hans",
             *, axe: bool = False):
    """A browser context logged in as ``user`` and, with ``axe``, with axe-core loaded into
    every page it opens: sent to the browser once per context rather than once per page."""
    context = logged_in_context(browser, live_server, user, language=language, locale="zh-CN",
                                viewport={"width": size[0], "height": size[1]})
    if axe:
        context.add_init_script(path=str(AXE))
        context.add_init_script(script=PROSE_READY_COUNTER)
    return context


# The rich-text editor starts after the load event (it imports its modules, then dispatches
# prose-editor:ready, and workspace.js puts the Chinese labels on its toolbar then): a page
# with editors is checked once every editor on it has said so.
PROSE_READY_COUNTER = """document.addEventListener("prose-editor:ready",
    () => { window.__proseReady = (window.__proseReady || 0) + 1; });"""
PROSE_ALL_READY = """() => (window.__proseReady || 0) >= document.querySelectorAll(
    '[data-django-prose-editor-configurable], [data-django-prose-editor-default]').length"""


# The serious and critical violations, the ones these tests fail on. A violation is as grave as
# the gravest of its rule's checks that failed, so a rule whose checks (and the rule itself) are
# all minor or moderate can never report one: those rules (region, landmark-*, heading-order...,
# about a quarter of axe's) are not run. A rule or check whose impact is not known is run.
AXE_SERIOUS = """async () => {
    const rank = {minor: 0, moderate: 1, serious: 2, critical: 3};
    const mild = impact => impact in rank && rank[impact] < rank.serious;
    const checkImpact = id => (axe._audit.data.checks[id] || {}).impact
        ?? ((axe._audit.checks[id] || {}).metadata || {}).impact;
    const rules = {};
    for (const rule of axe._audit.rules) {
        const checks = [...rule.any, ...rule.all, ...rule.none].map(c => checkImpact(c.id || c));
        if (checks.length && mild(rule.impact) && checks.every(mild))
            rules[rule.id] = {enabled: false};
    }
    const result = await axe.run(document, {resultTypes: ['violations'], rules});
    return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
      .map(v => v.id + ' (' + v.impact + '): ' +
           v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
}"""


class _Console:
    """The errors a page logs, collected per page load on a page that is reused."""

    def __init__(self, page) -> None:
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))


# Each page is loaded once and checked at both widths: at the phone's first, then, the viewport
# grown to the desktop's, again. The widths act on these pages through CSS media queries alone,
# which the browser applies again on a resize: no script lays a page out from the width at load
# (workspace.js and the editor's toolbar react to events; Sortable to drags; the editor's floating
# menus, shown only on a selection, to resizes) and no image has a srcset. A transition a resize
# starts (the phone's sidebar declares one) is waited out before the page is checked again.
TRANSITIONS_DONE = "() => !document.getAnimations().some(a => a instanceof CSSTransition)"

# The waits and checks for one width in one round trip to the browser (on a busy machine a round
# trip costs about as much as a check): the editors started (with ``prose``), no transition
# running, then what sideways_overflow (tests/browser/layout.py) waits for and measures — the
# fonts loaded, then up to 3 s for the page to fit its width — then axe. Returns [overflow or
# null, axe's sentences].
CHECK_IN_PAGE = """async ({prose, timeout}) => {
    const frame = () => new Promise(resolve => requestAnimationFrame(resolve));
    const until = async (condition, ms) => {
        const start = performance.now();
        while (!condition()) {
            if (performance.now() - start > ms) return false;
            await frame();
        }
        return true;
    };
    if (prose && !await until(""" + PROSE_ALL_READY + """, timeout))
        throw new Error('the rich-text editors did not start');
    if (!await until(""" + TRANSITIONS_DONE + """, timeout))
        throw new Error('a CSS transition did not end');
    await document.fonts.ready;
    const fits = await until(() => document.documentElement.scrollWidth
                                   <= document.documentElement.clientWidth, 3000);
    return [fits ? null : (""" + OVERFLOW + """)(), await (""" + AXE_SERIOUS + """)()];
}"""


def _check_here(page, *, prose: bool = True) -> list[str]:
    """What is wrong with the page as it is, at its current width, as sentences."""
    overflow, violations = page.evaluate(CHECK_IN_PAGE, {"prose": prose, "timeout": 20000})
    problems = [] if overflow is None else [f"scrolls sideways by {overflow[0]}px: {overflow[1]}"]
    return problems + [f"axe: {v}" for v in violations]


def _check(page, console: _Console, url: str, shot: str) -> dict[str, list[str]]:
    """Load ``url`` (in a page of a context made with ``axe=True``) at the phone's width; what is
    wrong with it at each width, as sentences. Loaded means the load event: no page fetches
    anything on its own after it."""
    page.set_viewport_size(VIEWPORTS["phone"])
    console.errors.clear()
    response = page.goto(url)
    problems: dict[str, list[str]] = {"phone": [], "desktop": []}
    if response is None or response.status >= 400:
        problems["phone"].append(f"status {response.status if response else 'none'}")
    for width_name in ("phone", "desktop"):
        if width_name != "phone":
            page.set_viewport_size(VIEWPORTS[width_name])
        problems[width_name] += _check_here(page)
        problems[width_name] += [f"console: {text}" for text in console.errors]
        console.errors.clear()
        screenshot(page, f"gallery/{shot.format(width=width_name)}")
    return problems


@pytest.mark.parametrize("role", ["editor", "reviewer", "admin"])
def test_every_workspace_page_is_clean_at_desktop_and_phone_width(browser, live_server, workspace,
                                                                   role):
    """One page load per page, checked at both widths (see _check)."""
    failures: list[str] = []
    context = _context(browser, live_server, workspace[role], WIDTHS["phone"], axe=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    console = _Console(page)
    for name, path in pages_for(role, workspace):
        problems = _check(page, console, live_server.url + path, f"{role}-{{width}}-{name}")
        for width_name in WIDTHS:
            failures += [f"{role} {width_name} {name}: {problem}" for problem in problems[width_name]]
    context.close()
    assert not failures, "\n".join(failures)


def test_the_conflict_page_is_clean_at_both_widths(browser, live_server, workspace):
    """The conflict page only follows a stale save: another editor saves in between. It is the
    answer to a POST (it cannot be reloaded), so it is checked at the phone's width, then at the
    desktop's after a resize (see _check)."""
    draft = workspace["draft"]
    context = _context(browser, live_server, workspace["editor"], WIDTHS["phone"])
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto(f"{live_server.url}/editorial/articles/{draft.pk}/edit/")
    draft.refresh_from_db()
    content = services.ArticleContent.of_article(draft)
    content = dataclasses.replace(content, subtitle="另一位编辑改的副标题")
    services.article_update(user=workspace["admin"], article_id=draft.pk,
                            base_version=draft.version, content=content)
    page.fill("#id_title", "数字贸易统计的口径与方法（修订）")
    page.locator("#article-form button[type=submit].primary").first.click()
    page.wait_for_selector("#mine")
    page.add_script_tag(path=str(AXE))
    problems: list[str] = []
    for width_name in ("phone", "desktop"):
        if width_name != "phone":
            page.set_viewport_size(VIEWPORTS[width_name])
        problems += [f"{width_name}: {problem}" for problem in _check_here(page, prose=False)]
        screenshot(page, f"gallery/editor-{width_name}-conflict")
    context.close()
    assert not problems, "\n".join(problems)


def _data_strings() -> list[str]:
    """Every piece of Chinese text the data holds (titles, names, bodies): what is left on an
    English page after these are taken out is interface text that was not translated."""
    from django.contrib.auth import get_user_model

    from editorial.models import Article, Comment, Contributor, Issue, Publication, Revision, Section

    def texts(html: str) -> list[str]:
        return [part.strip() for part in re.split(r"<[^>]+>", html or "") if part.strip()]

    strings: list[str] = []
    for article in Article.objects.all():
        strings += [article.title, article.subtitle, article.summary, article.source,
                    *texts(article.body)]
    for revision in Revision.objects.all():
        strings += [revision.title, revision.note, *texts(revision.body)]
    strings += [c.body for c in Comment.objects.all()] + [c.quote for c in Comment.objects.all()]
    strings += [s.name for s in Section.objects.all()]
    strings += [str(i) for i in Issue.objects.all()] + [i.title for i in Issue.objects.all()]
    for p in Publication.objects.all():
        strings += [p.name, p.publisher, p.running_header.format(number=9)]
        strings += [str(getattr(p, f.name) or "") for f in p._meta.fields]
    for c in Contributor.objects.all():
        strings += [c.name, c.affiliation]
    strings += [str(m.organisation) for m in Membership.objects.all()]
    strings += [u.get_full_name() or u.username for u in get_user_model().objects.all()]
    strings += [u.first_name for u in get_user_model().objects.all()]
    strings += [a.name for a in Asset.objects.all() if hasattr(a, "name")]
    for asset in Asset.objects.all():
        strings += [asset.original_name, asset.alt_text, asset.caption]
    return sorted({s for s in strings if s}, key=len, reverse=True)


def test_the_english_workspace_has_no_chinese_interface_text(browser, live_server, workspace):
    leftovers: list[str] = []
    data = _data_strings()
    context = _context(browser, live_server, workspace["admin"], WIDTHS["desktop"], language="en")
    page = context.new_page()
    for name, path in pages_for("admin", workspace):
        page.goto(live_server.url + path)
        text = page.evaluate("""() => {
            const parts = [document.title, document.body.innerText];
            for (const el of document.querySelectorAll('[aria-label],[title],[placeholder],[alt]'))
              parts.push(el.getAttribute('aria-label') || '', el.getAttribute('title') || '',
                         el.getAttribute('placeholder') || '', el.getAttribute('alt') || '');
            for (const el of document.querySelectorAll('select option')) parts.push(el.textContent);
            return parts.join('\\n');
        }""")
        # The language switch names the other language in itself; the rich-text editor's
        # content is data.
        text = text.replace("中文", "")
        for piece in data:
            text = text.replace(piece, "")
        for line in text.splitlines():
            if HAN.search(line):
                leftovers.append(f"{name}: {line.strip()[:80]}")
        screenshot(page, f"gallery/admin-english-{name}")
    context.close()
    assert not leftovers, "\n".join(leftovers)


def _focused(page) -> str:
    return page.evaluate("() => (document.activeElement.getAttribute('aria-label') || "
                         "document.activeElement.textContent || '').trim()")


def test_keyboard_alone_reaches_the_menu_the_content_and_the_metadata_panel(browser, live_server,
                                                                           workspace):
    """On a phone: the skip link, then the menu button; Enter opens the sidebar with focus
    inside, Escape closes it and gives focus back. On the writing canvas the metadata panel
    folds away and comes back from the keyboard."""
    context = _context(browser, live_server, workspace["editor"], WIDTHS["phone"])
    page = context.new_page()
    page.goto(f"{live_server.url}/editorial/")
    page.keyboard.press("Tab")
    assert _focused(page) == "跳到正文"
    page.keyboard.press("Tab")
    assert _focused(page) == "打开菜单"
    assert not page.locator("#ws-sidebar").is_visible()
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.closest('#ws-sidebar') !== null")
    assert page.locator("#ws-sidebar a[href='/editorial/articles/']").is_visible()
    page.keyboard.press("Escape")
    page.wait_for_function("document.activeElement.matches('[data-sidebar-open]')")
    assert page.get_attribute("[data-sidebar-open]", "aria-expanded") == "false"
    # Back to the skip link without loading the page again: once the sidebar has slid away
    # (its links stay focusable while it slides), Shift+Tab from the menu button reaches it.
    page.wait_for_function(TRANSITIONS_DONE)
    assert not page.locator("#ws-sidebar").is_visible()
    page.keyboard.press("Shift+Tab")
    assert _focused(page) == "跳到正文"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"

    page.goto(f"{live_server.url}/editorial/articles/{workspace['draft'].pk}/edit/")
    toggle = page.locator("[data-toggle-meta]")
    toggle.focus()
    assert page.locator("#canvas-meta").is_visible()
    page.keyboard.press("Enter")
    assert not page.locator("#canvas-meta").is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Space")
    assert page.locator("#canvas-meta").is_visible()
    assert page.locator("#word-count").inner_text().startswith("字数")
    # the editor's toolbar speaks Chinese
    page.wait_for_function("document.querySelector('.prose-menubar [data-name=bold]').title === '加粗'")
    assert page.get_attribute(".prose-menubar [data-name=bold]", "aria-label") == "加粗"
    context.close()
