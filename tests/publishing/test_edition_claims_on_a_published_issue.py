"""Claims on an issue that is already published: a second correction while one runs, folders a
recorded edition points at, a claim from another host (see test_edition_claims).

These tests start from one published issue: it is published (rendered) once for the module
(tests/conftest.py ``rows_for_the_module``); each test runs in its own savepoint with its own
copy of the edition's files."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from publishing.models import ClaimAction, Edition, EditionClaim
from publishing.releases import claims
from publishing.releases import editions as release_editions
from publishing.releases.claims import EditionBusy
from publishing.releases.services import edition_correct
from publishing.selectors import issue_edition_root
from tests.conftest import rows_for_the_module
from tests.factories import EditorFactory
from tests.publishing.release_fixtures import tree_hashes
from tests.publishing.test_edition_claims import live_claim, published_issue, staging_folders

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def _publish() -> dict:
    editor = EditorFactory(first_name="", last_name="", username="zhang")
    return {"issue": published_issue(editor), "editor": editor}


@pytest.fixture(scope="module")
def _published_rows(request, django_db_setup, django_db_blocker, tmp_path_factory):
    yield from rows_for_the_module(_publish, request=request, django_db_blocker=django_db_blocker,
                                   tmp_path_factory=tmp_path_factory)


@pytest.fixture
def published(_published_rows, db, settings) -> dict:
    """The issue, published by the editor ``zhang`` (this test's copies)."""
    return _published_rows(settings)


def test_a_second_correction_while_one_runs_is_told_what_is_running_and_changes_nothing(
        client, published):
    issue, editor = published["issue"], published["editor"]
    before = tree_hashes(issue_edition_root(issue))
    claim = live_claim(issue, ClaimAction.CORRECT, actor=editor)
    client.force_login(editor)
    response = client.post(reverse("publishing:board_correct", args=[issue.pk]),
                           {"erratum": "第二次点击"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "更正版正在进行" in page and "zhang" in page and "这次操作没有执行" in page
    assert reverse("publishing:board_issue", args=[issue.pk]) in page
    assert Edition.objects.filter(issue=issue).count() == 1
    assert EditionClaim.objects.get(issue=issue).holder == claim.holder  # left alone
    assert tree_hashes(issue_edition_root(issue)) == before
    # The board says what is running.
    board = client.get(reverse("publishing:board_issue", args=[issue.pk])).content.decode()
    assert 'id="edition-busy"' in board and "更正版正在进行（zhang 于" in board


def test_no_path_removes_a_folder_a_recorded_edition_points_at(published):
    issue = published["issue"]
    v1 = Edition.objects.get(issue=issue)
    before = tree_hashes(issue_edition_root(issue))
    with pytest.raises(release_editions.PublishError, match="v1"):
        release_editions._render_new_version(issue, 1, v1.content_hash)
    claims.remove_unrecorded(issue, issue_edition_root(issue) / "v1")
    assert claims.sweep_leftovers(issue) == []
    assert tree_hashes(issue_edition_root(issue)) == before
    assert staging_folders(issue) == []


def test_a_claim_from_another_host_is_busy_while_its_heartbeat_is_fresh_then_taken_over(
        time_machine, settings, published):
    settings.BULLETIN_LEASE_SECONDS = 60
    time_machine.move_to(timezone.now(), tick=False)
    issue, editor = published["issue"], published["editor"]
    live_claim(issue, ClaimAction.CORRECT, host="worker-container", pid=7)
    time_machine.shift(dt.timedelta(seconds=59))
    with pytest.raises(EditionBusy):
        edition_correct(issue=issue, erratum="太早", actor=editor)
    time_machine.shift(dt.timedelta(seconds=2))
    assert edition_correct(issue=issue, erratum="接管后更正", actor=editor).version == 2
    assert not EditionClaim.objects.exists()
