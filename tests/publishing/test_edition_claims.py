"""One claim for every change to an issue's editions: publish, publish now, corrections.

Two clicks on "correct" used to render v2 twice; the second removed the first's folder and
then its own, leaving the recorded current edition without files (404 for everyone). A
publisher killed mid-render blocked every publish for 15 minutes, rescheduling did not clear
it, and its `.staging-*` folder stayed. Run these on PostgreSQL too (DATABASE_URL).
What needs an issue that is already published: test_edition_claims_on_a_published_issue."""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from editorial.models import IssueStatus
from publishing.models import ClaimAction, Edition, EditionClaim, Release
from publishing.releases import claims
from publishing.releases import editions as release_editions
from publishing.releases.claims import EditionBusy
from publishing.releases.services import (
    edition_correct,
    issue_publish,
    issue_publish_now,
    issue_schedule,
)
from publishing.selectors import issue_edition_root
from tests.factories import EditorFactory
from tests.processes.children import Child
from tests.publishing.release_fixtures import ready_issue, tree_hashes

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def live_claim(issue, action=ClaimAction.PUBLISH, actor=None, **fields) -> EditionClaim:
    """A claim held by this very process (alive by the process table)."""
    now = timezone.now()
    values = {"host": socket.gethostname(), "pid": os.getpid(), "process_started": "",
              "claimed_at": now, "heartbeat_at": now, **fields}
    return EditionClaim.objects.create(issue=issue, action=action, actor=actor,
                                       holder=f"test:{values['pid']}:{issue.pk}", **values)


def published_issue(editor):
    issue = ready_issue()
    issue_publish_now(issue=issue, actor=editor)
    issue.refresh_from_db()
    return issue


def staging_folders(issue) -> list:
    return sorted(p.name for p in issue_edition_root(issue).glob(".staging-*"))


# --------------------------------------------------------------------------- second attempts


def test_publish_now_while_the_scheduled_publish_runs_leaves_it_alone():
    issue, editor = ready_issue(), EditorFactory()
    release = issue_schedule(issue=issue, release_at=timezone.now() + dt.timedelta(hours=1),
                             actor=editor)
    live_claim(issue)
    with pytest.raises(EditionBusy, match="出版正在进行"):
        issue_publish_now(issue=issue, actor=editor)
    release.refresh_from_db()
    assert Release.objects.get(issue=issue).token == release.token  # not re-tokened
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SCHEDULED and not Edition.objects.exists()
    # The scheduled task arriving meanwhile is "claimed" too, and renders nothing.
    Release.objects.filter(issue=issue).update(release_at=timezone.now())
    assert issue_publish(issue=issue, token=str(release.token)).reason == "claimed"


def test_rescheduling_or_unscheduling_during_a_live_publish_is_refused_with_409(client):
    issue, editor = ready_issue(), EditorFactory()
    issue_schedule(issue=issue, release_at=timezone.now() + dt.timedelta(hours=1), actor=editor)
    live_claim(issue)
    client.force_login(editor)
    later = timezone.localtime() + dt.timedelta(hours=3)
    response = client.post(reverse("publishing:board_schedule", args=[issue.pk]),
                           {"release_at": later.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 409 and "出版正在进行" in response.content.decode()
    response = client.post(reverse("publishing:board_unschedule", args=[issue.pk]))
    assert response.status_code == 409
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SCHEDULED


@pytest.mark.django_db(transaction=True)
def test_two_corrections_at_once_render_once_and_the_current_edition_keeps_its_files(monkeypatch):
    editor = EditorFactory()
    issue = published_issue(editor)
    real_render = release_editions.issue_render
    rendering, may_finish = threading.Event(), threading.Event()

    def slow_render(**kwargs):
        rendering.set()
        may_finish.wait(timeout=120)
        return real_render(**kwargs)

    monkeypatch.setattr(release_editions, "issue_render", slow_render)
    results: list[object] = []

    def first() -> None:
        try:
            results.append(edition_correct(issue=issue, erratum="第一次点击", actor=editor))
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert rendering.wait(timeout=120)
    with pytest.raises(EditionBusy, match="更正版正在进行"):
        edition_correct(issue=issue, erratum="第二次点击", actor=editor)
    may_finish.set()
    thread.join(timeout=300)
    (v2,) = results
    current = Edition.objects.get(issue=issue, superseded_at__isnull=True)
    assert current.pk == v2.pk and current.version == 2
    assert current.pdf_path.read_bytes().startswith(b"%PDF")
    assert (current.html_path / "index.html").is_file()
    assert Edition.objects.filter(issue=issue).count() == 2
    assert not EditionClaim.objects.exists() and staging_folders(issue) == []


# --------------------------------------------------------------------------- folders


# --------------------------------------------------------------------------- dead holders


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("action", ["publish", "correct"])
def test_a_publisher_killed_mid_render_is_taken_over_at_once_and_leaves_no_staging(
        action, settings):
    # An hour-long lease: the takeover must come from the process table, not from waiting.
    settings.BULLETIN_LEASE_SECONDS = 3600
    editor = EditorFactory()
    issue = published_issue(editor) if action == "correct" else ready_issue()
    before = tree_hashes(issue_edition_root(issue))
    child = Child(["-m", "tests.processes.publisher", action, str(issue.pk)])
    try:
        line = child.wait_for("RENDERING")
        claim = EditionClaim.objects.get(issue=issue)
        assert claim.pid == child.process.pid and claim.action == action
        assert staging_folders(issue) and line.split()[-1].endswith(staging_folders(issue)[0])
        assert child.kill() == -9
    finally:
        child.stop()
    if action == "publish":
        outcome = issue_publish_now(issue=issue, actor=editor)
        assert outcome.reason == "published" and outcome.edition.version == 1
    else:
        v2 = edition_correct(issue=issue, erratum="重新更正", actor=editor)
        assert v2.version == 2
        v1 = Edition.objects.get(issue=issue, version=1)
        assert {k: v for k, v in tree_hashes(issue_edition_root(issue)).items()
                if k.startswith("v1/")} == before
        assert v1.superseded_at is not None
    assert staging_folders(issue) == []
    assert not EditionClaim.objects.exists()
    current = Edition.objects.get(issue=issue, superseded_at__isnull=True)
    assert current.pdf_path.read_bytes().startswith(b"%PDF") and current.page_count >= 3


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_keeps_a_held_claim_alive_for_other_hosts(settings, monkeypatch):
    from publishing import liveness

    settings.BULLETIN_LEASE_SECONDS = 1  # a beat every quarter second
    issue = ready_issue()
    claim = live_claim(issue, heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    beaten = threading.Event()

    class Observed(liveness.Heartbeat):
        def __init__(self, beat, *, name):
            def observed():
                beat()
                beaten.set()
            super().__init__(observed, name=name)

    monkeypatch.setattr(claims, "Heartbeat", Observed)
    with claims.held(claim):
        assert beaten.wait(timeout=30)
        fresh = EditionClaim.objects.get(pk=claim.pk)
        assert fresh.heartbeat_at > timezone.now() - dt.timedelta(minutes=1)
    assert not EditionClaim.objects.filter(pk=claim.pk).exists()  # dropped when done


def test_rescheduling_clears_a_dead_claim_and_its_leftovers():
    issue, editor = ready_issue(), EditorFactory()
    issue_schedule(issue=issue, release_at=timezone.now() + dt.timedelta(hours=1), actor=editor)
    live_claim(issue, pid=2**22 + 12345)  # no such process
    root = issue_edition_root(issue)
    (root / ".staging-dead").mkdir(parents=True)
    (root / "v1").mkdir()
    issue_schedule(issue=issue, release_at=timezone.now() + dt.timedelta(hours=2), actor=editor)
    assert not EditionClaim.objects.exists()
    # The leftovers go when the transaction commits (here: the next publish's sweep).
    Release.objects.filter(issue=issue).update(release_at=timezone.now())
    outcome = issue_publish(issue=issue, token=str(Release.objects.get(issue=issue).token))
    assert outcome.reason == "published"
    assert staging_folders(issue) == [] and (root / "v1" / "issue.pdf").is_file()
