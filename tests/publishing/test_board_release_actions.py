"""The board's release actions: access level, publish now, the live-issue link, and the
question asked before releasing an issue whose proof no longer shows its content."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from editorial.models import IssueStatus
from editorial.permissions import PermissionRefused
from publishing.library.services import issue_set_access
from publishing.models import AccessLevel, IssueAccess, Proof, ProofStatus, Release
from publishing.releases.services import StaleProof, issue_publish, issue_release_now
from publishing.rendering.selectors import issue_content_hash
from tests.factories import EditorFactory, ReviewerFactory
from tests.publishing.release_fixtures import ready_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(EditorFactory())
    return client


def _board(client, issue, query=""):
    return client.get(reverse("publishing:board_issue", args=[issue.pk]) + query).content.decode()


def _proof(issue, *, current: bool) -> Proof:
    digest = issue_content_hash(issue) if current else "0" * 64
    return Proof.objects.create(issue=issue, status=ProofStatus.READY, content_hash=digest)


def _later() -> str:
    return (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")


# --------------------------------------------------------------------------- stale proof


def test_scheduling_with_a_stale_proof_asks_first_and_schedules_nothing(editor_client):
    issue = ready_issue()
    _proof(issue, current=False)
    when = _later()
    response = editor_client.post(reverse("publishing:board_schedule", args=[issue.pk]),
                                  {"release_at": when})
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query == {"confirm": ["schedule"], "release_at": [when]}
    assert not Release.objects.filter(issue=issue).exists()
    issue.refresh_from_db()
    assert issue.status == IssueStatus.PLANNING

    page = editor_client.get(response["Location"]).content.decode()
    assert 'role="alertdialog"' in page and "校样已过期，仍要排期吗？" in page
    assert f'name="release_at" value="{when}"' in page and 'name="confirm_stale" value="1"' in page


def test_confirming_schedules_with_the_stale_proof(editor_client):
    issue = ready_issue()
    _proof(issue, current=False)
    editor_client.post(reverse("publishing:board_schedule", args=[issue.pk]),
                       {"release_at": _later(), "confirm_stale": "1"})
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SCHEDULED


def test_a_current_proof_or_no_proof_schedules_without_a_question(editor_client):
    current = ready_issue()
    _proof(current, current=True)
    none = ready_issue(number=10)
    for issue in (current, none):
        response = editor_client.post(reverse("publishing:board_schedule", args=[issue.pk]),
                                      {"release_at": _later()})
        assert "confirm=" not in response["Location"]
        issue.refresh_from_db()
        assert issue.status == IssueStatus.SCHEDULED


def test_the_question_is_the_servers_not_the_urls(editor_client):
    issue = ready_issue()
    _proof(issue, current=True)
    assert "alertdialog" not in _board(editor_client, issue, "?confirm=schedule&release_at=x")


def test_publish_now_with_a_stale_proof_asks_too(editor_client):
    issue = ready_issue()
    _proof(issue, current=False)
    response = editor_client.post(reverse("publishing:board_publish_now", args=[issue.pk]))
    assert "confirm=publish-now" in response["Location"]
    assert not Release.objects.filter(issue=issue).exists()
    assert "校样已过期，仍要立即出版吗？" in editor_client.get(response["Location"]).content.decode()


# --------------------------------------------------------------------------- publish now


def test_publish_now_queues_the_release_and_the_page_then_links_the_live_issue(
        editor_client, django_capture_on_commit_callbacks):
    issue = ready_issue()
    assert "立即出版</button>" in _board(editor_client, issue)
    with django_capture_on_commit_callbacks() as callbacks:
        response = editor_client.post(reverse("publishing:board_publish_now", args=[issue.pk]),
                                      follow=True)
    assert "已提交立即出版" in response.content.decode()
    assert len(callbacks) == 1  # the publish task, queued for the worker
    release = Release.objects.get(issue=issue)
    assert release.release_at <= timezone.now()
    assert 'id="live-issue"' not in response.content.decode()

    issue_publish(issue=issue, token=str(release.token))  # what the worker runs
    page = _board(editor_client, issue)
    assert f'id="live-issue" href="{issue.get_absolute_url()}"' in page
    assert "立即出版</button>" not in page


def test_publish_now_refuses_an_issue_that_is_not_ready(editor_client):
    issue = ready_issue()
    issue.articles.all().delete()
    response = editor_client.post(reverse("publishing:board_publish_now", args=[issue.pk]),
                                  follow=True)
    assert "尚未准备就绪" in response.content.decode()
    assert not Release.objects.filter(issue=issue).exists()


def test_publish_now_and_access_refuse_a_reviewer_in_the_service():
    issue = ready_issue()
    with pytest.raises(PermissionRefused):
        issue_release_now(issue=issue, actor=ReviewerFactory())
    with pytest.raises(PermissionRefused):
        issue_set_access(issue=issue, level=AccessLevel.PUBLIC, actor=ReviewerFactory())
    assert not Release.objects.exists() and not IssueAccess.objects.exists()


def test_stale_proof_is_a_validation_error_callers_can_tell_apart():
    issue = ready_issue()
    _proof(issue, current=False)
    with pytest.raises(StaleProof):
        issue_release_now(issue=issue, actor=EditorFactory())


# --------------------------------------------------------------------------- access level


def test_access_level_is_set_on_the_board_with_the_embargo_as_a_date(editor_client):
    issue = ready_issue()
    issue.cover_date = dt.date(2026, 3, 31)
    issue.save()
    page = _board(editor_client, issue)
    assert "2026-09-30 起公开（会员独享 6 个月）" in page  # month ends are kept in range
    editor_client.post(reverse("publishing:board_access", args=[issue.pk]),
                       {"level": "embargo", "embargo_months": "6"})
    access = IssueAccess.objects.get(issue=issue)
    assert (access.level, access.embargo_months) == (AccessLevel.EMBARGO, 6)
    assert "2026-09-30 起对所有人公开" in _board(editor_client, issue)

    editor_client.post(reverse("publishing:board_access", args=[issue.pk]), {"level": "public"})
    access.refresh_from_db()
    assert (access.level, access.embargo_months) == (AccessLevel.PUBLIC, 0)


def test_an_embargo_without_a_date_is_refused_and_says_so(editor_client):
    issue = ready_issue()
    response = editor_client.post(reverse("publishing:board_access", args=[issue.pk]),
                                  {"level": "embargo", "embargo_months": ""}, follow=True)
    assert "需要选择公开日期" in response.content.decode()
    assert not IssueAccess.objects.exists()
    response = editor_client.post(reverse("publishing:board_access", args=[issue.pk]),
                                  {"level": "embargo", "embargo_months": "5000"}, follow=True)
    assert "5000" in response.content.decode()  # the choice is named in the message
    assert not IssueAccess.objects.exists()
