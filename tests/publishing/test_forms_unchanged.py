"""Opening a form and saving it unchanged changes nothing, in Chinese and in English: dates
render as the ISO values date pickers accept, and the issue's 卷首语 is shown to be edited."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from editorial import services as editorial_services
from editorial.models import Issue
from editorial.richtext import markdown_to_html
from tests.editorial import factories_workspace as wf
from tests.factories import EditorFactory, IssueFactory, ReviewerFactory, SectionFactory
from tests.forms_on_pages import date_inputs, form_data

pytestmark = pytest.mark.django_db

ISO = {"date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
       "datetime-local": re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")}
NOTE = "本期聚焦**数字贸易**新优势。\n\n欢迎会员来稿，[投稿须知](https://example.org/guide)。"
LANGUAGES = ["zh-hans", "en"]


@pytest.fixture
def editor_client(client):
    def login(language: str):
        client.force_login(EditorFactory())
        client.cookies["django_language"] = language
        return client
    return login


@pytest.fixture
def issue(db):
    issue = IssueFactory(title="第九期", cover_date=dt.date(2026, 12, 1),
                         editor_note=markdown_to_html(NOTE))
    SectionFactory(publication=issue.publication, name="专家观点")
    return issue


def _assert_iso(html: str) -> int:
    inputs = date_inputs(html)
    for element in inputs:
        value = element.get("value", "")
        assert value == "" or ISO[element["type"]].match(value), element
    return len(inputs)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_date_input_of_the_workspace_holds_an_iso_value(editor_client, issue, language):
    client = editor_client(language)
    ReviewerFactory(username="reviewer2")
    article = wf.draft_article(by=EditorFactory())
    pages = {
        "board": reverse("publishing:board"),
        "board_issue": reverse("publishing:board_issue", args=[issue.pk]),
        "members": reverse("publishing:members"),
        "article": reverse("editorial:article_detail", args=[article.pk]),
    }
    counted = {name: _assert_iso(client.get(url).content.decode()) for name, url in pages.items()}
    assert counted == {"board": 1, "board_issue": 2, "members": 1, "article": 1}
    board_issue = client.get(pages["board_issue"]).content.decode()
    assert 'value="2026-12-01"' in board_issue
    due = dt.date.today() + dt.timedelta(days=7)
    assert f'value="{due:%Y-%m-%d}"' in client.get(pages["article"]).content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_saving_the_issue_front_form_unchanged_changes_nothing(editor_client, issue, language):
    client = editor_client(language)
    page = client.get(reverse("publishing:board_issue", args=[issue.pk])).content.decode()
    action = reverse("publishing:board_front", args=[issue.pk])
    data = form_data(page, action)
    assert data["editor_note"][0].replace("\r\n", "\n").strip().startswith("本期聚焦**数字贸易**")
    before = Issue.objects.values("title", "cover_date", "editor_note").get(pk=issue.pk)

    client.post(action, data)

    assert Issue.objects.values("title", "cover_date", "editor_note").get(pk=issue.pk) == before


def test_the_editor_note_can_be_edited_and_emptied(editor_client, issue):
    client = editor_client("zh-hans")
    action = reverse("publishing:board_front", args=[issue.pk])
    page = client.get(reverse("publishing:board_issue", args=[issue.pk])).content.decode()
    data = form_data(page, action)
    data["editor_note"] = [data["editor_note"][0].replace("欢迎会员来稿", "欢迎各位会员来稿")]
    client.post(action, data)
    issue.refresh_from_db()
    assert "欢迎各位会员来稿" in issue.editor_note and "<strong>数字贸易</strong>" in issue.editor_note
    data["editor_note"] = [""]
    client.post(action, data)
    issue.refresh_from_db()
    assert issue.editor_note == ""


def test_the_editor_note_round_trips_through_the_service(issue):
    """The note the service stores is the one the form shows: nothing drifts per save."""
    stored = issue.editor_note
    editorial_services.issue_update(user=EditorFactory(), issue=issue, title=issue.title,
                                    cover_date=issue.cover_date,
                                    editor_note_html=stored)
    issue.refresh_from_db()
    assert issue.editor_note == stored
