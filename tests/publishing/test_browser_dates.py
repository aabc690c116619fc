"""Every form with a date, opened in Chromium in Chinese and in English and saved unchanged,
changes nothing: the browser accepts every date value the page renders (it refused Chinese
2026/12/01, showed an empty field, and saving wiped the date)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from editorial.models import Issue, ReviewAssignment
from editorial.permissions import EDITOR_GROUP, REVIEWER_GROUP
from editorial.richtext import markdown_to_html
from tests.browser.screenshots import screenshot
from tests.browser.sessions import logged_in_context
from tests.editorial import factories_workspace as wf
from tests.factories import IssueFactory, SectionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The browser's view of every date input: the value it holds against the one the page sent.
DATE_INPUTS = """() => Array.from(document.querySelectorAll(
    'input[type=date], input[type=datetime-local]'))
    .map(i => [i.name, i.getAttribute('value') || '', i.value])"""


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_form_with_a_date_saves_unchanged_in_chromium(browser, live_server, language):
    for group in (EDITOR_GROUP, REVIEWER_GROUP):
        Group.objects.get_or_create(name=group)
    editor = UserFactory(username="editor", first_name="王编辑")
    editor.groups.add(Group.objects.get(name=EDITOR_GROUP))
    reviewer = UserFactory(username="reviewer", first_name="张审稿")
    reviewer.groups.add(Group.objects.get(name=REVIEWER_GROUP))
    issue = IssueFactory(title="第九期", cover_date=dt.date(2026, 12, 1),
                         editor_note=markdown_to_html("本期聚焦**数字贸易**。"))
    section = SectionFactory(publication=issue.publication)
    article = wf.draft_article(by=editor, section=section)
    before = Issue.objects.values("title", "cover_date", "editor_note").get(pk=issue.pk)

    # Logged in with a session cookie: the login form is the editorial story's part.
    context = logged_in_context(browser, live_server, editor, language=language, locale="zh-CN",
                                viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)

    seen = {}
    # The issue's board last: its cover form is the next step.
    for name, path in {"board": "/editorial/issues/", "members": "/library/members/",
                       "article": f"/editorial/articles/{article.pk}/",
                       "board_issue": f"/editorial/issues/{issue.pk}/"}.items():
        page.goto(live_server.url + path)
        inputs = page.evaluate(DATE_INPUTS)
        for field, sent, held in inputs:
            assert sent == held, f"{name}: the browser refused {field}={sent!r} ({language})"
        seen[name] = inputs
    assert ["cover_date", "2026-12-01", "2026-12-01"] in seen["board_issue"]
    due = timezone.localdate() + dt.timedelta(days=7)
    assert ["due_date", f"{due:%Y-%m-%d}", f"{due:%Y-%m-%d}"] in seen["article"]

    # The issue's cover form, saved unchanged.
    assert page.url == f"{live_server.url}/editorial/issues/{issue.pk}/"
    with page.expect_navigation():
        page.locator("form[action$='/front'] button").click()
    screenshot(page, f"dates-board-front-{language}")
    assert Issue.objects.values("title", "cover_date", "editor_note").get(pk=issue.pk) == before

    # Submitting for review with the offered due date keeps that date.
    page.goto(f"{live_server.url}/editorial/articles/{article.pk}/")
    page.check(f"input[name=reviewers][value='{reviewer.pk}']")
    with page.expect_navigation():
        page.locator("#submit button[type=submit]").click()
    assert ReviewAssignment.objects.get(article=article).due_date == due
    context.close()
