"""Scheduled publishing that cannot fail silently: once, exactly what was approved, never
half-written, never a silent miss."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from editorial.models import IssueStatus
from publishing.models import Edition, EditionClaim, EventKind, IssueEvent, Proof, ProofStatus, Release
from publishing.releases import editions as release_editions
from publishing.releases import services as release_services
from publishing.releases.services import StaleProof
from publishing.selectors import issue_edition_root
from publishing.services import (
    edition_correct,
    issue_publish,
    issue_schedule,
    issue_unschedule,
    proof_render,
    proof_request,
)
from publishing.tasks import publish_issue_task
from tests.factories import EditorFactory, ReviewerFactory
from tests.publishing.release_fixtures import file_hash, ready_issue, tree_hashes

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "*",
                 verbosity=0)


def schedule_soon(issue, editor, seconds: float = 1.5, **options):
    return issue_schedule(issue=issue, release_at=timezone.now() + dt.timedelta(seconds=seconds),
                          actor=editor, **options)


@pytest.mark.django_db(transaction=True)
def test_worker_publishes_at_the_release_time_and_not_before(time_machine):
    # Real transactions: the database worker locks its queue with its own transactions.
    # The clock is injected: the worker runs a second before the release time, then at it.
    issue, editor = ready_issue(), EditorFactory()
    release_at = timezone.now() + dt.timedelta(hours=1)
    issue_schedule(issue=issue, release_at=release_at, actor=editor)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SCHEDULED
    time_machine.move_to(release_at - dt.timedelta(seconds=1))
    run_worker()  # too early: the task waits for its time
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SCHEDULED
    time_machine.move_to(release_at)
    run_worker()
    issue.refresh_from_db()
    assert issue.status == IssueStatus.PUBLISHED
    edition = Edition.objects.get(issue=issue)
    assert edition.version == 1 and edition.page_count >= 3
    assert edition.pdf_path.read_bytes().startswith(b"%PDF")
    assert (edition.html_path / "index.html").is_file()
    kinds = list(IssueEvent.objects.filter(issue=issue).values_list("kind", flat=True))
    assert EventKind.SCHEDULED in kinds and EventKind.PUBLISHED in kinds


def test_rescheduling_makes_the_old_task_do_nothing(django_capture_on_commit_callbacks):
    issue, editor = ready_issue(), EditorFactory()
    first = schedule_soon(issue, editor, seconds=600)
    old_token = str(first.token)
    issue_schedule(issue=issue, release_at=timezone.now() + dt.timedelta(hours=2), actor=editor)
    Release.objects.filter(issue=issue).update(release_at=timezone.now() - dt.timedelta(seconds=1))
    assert publish_issue_task.call(issue.pk, old_token) == "stale"
    assert not Edition.objects.exists()


def test_unscheduling_before_the_release_time_publishes_nothing():
    issue, editor = ready_issue(), EditorFactory()
    release = schedule_soon(issue, editor, seconds=600)
    token = str(release.token)
    issue_unschedule(issue=issue, actor=editor)
    assert publish_issue_task.call(issue.pk, token) == "stale"
    issue.refresh_from_db()
    assert issue.status == IssueStatus.PLANNING and not Edition.objects.exists()


def test_scheduling_refuses_an_issue_that_is_not_ready():
    issue, editor = ready_issue(), EditorFactory()
    issue.cover_image = None
    issue.save()
    with pytest.raises(ValidationError, match="已设置封面图片"):
        schedule_soon(issue, editor, seconds=600)
    with pytest.raises(ValidationError, match="晚于当前时间"):
        issue_schedule(issue=issue, release_at=timezone.now() - dt.timedelta(minutes=1),
                       actor=editor)


def test_only_editors_schedule():
    from django.core.exceptions import PermissionDenied

    from tests.factories import UserFactory

    issue = ready_issue()
    with pytest.raises(PermissionDenied):
        schedule_soon(issue, UserFactory(username="nobody"), seconds=600)


def make_due(issue, editor, **options) -> str:
    release = schedule_soon(issue, editor, seconds=600, **options)
    Release.objects.filter(issue=issue).update(release_at=timezone.now() - dt.timedelta(seconds=1))
    return str(release.token)


@pytest.mark.django_db(transaction=True)
def test_failed_render_keeps_issue_scheduled_records_error_and_mails_editors():
    issue, editor = ready_issue(), EditorFactory()
    token = make_due(issue, editor)
    article = issue.articles.first()
    article.body += "<p>不可打印的字：\U000f0000</p>"  # a private-use plane: no font draws it
    article.save()
    with pytest.raises(Exception, match="塑造"):
        issue_publish(issue=issue, token=token)
    run_worker()  # sends the failure e-mail task
    issue.refresh_from_db()
    release = Release.objects.get(issue=issue)
    assert issue.status == IssueStatus.SCHEDULED
    assert "塑造数字贸易发展新优势" in release.last_error
    assert not EditionClaim.objects.filter(issue=issue).exists()
    assert not Edition.objects.exists()
    assert tree_hashes(issue_edition_root(issue)) == {}
    assert IssueEvent.objects.filter(issue=issue, kind=EventKind.FAILED).exists()
    assert [m.to for m in mail.outbox] == [["editor@example.org"]]
    assert "出版失败" in mail.outbox[0].subject


def test_error_after_files_are_written_but_before_commit_leaves_nothing_behind(monkeypatch):
    issue, editor = ready_issue(), EditorFactory()
    token = make_due(issue, editor)

    def broken(**kwargs):
        raise IntegrityError("simulated failure inside the publishing transaction")

    monkeypatch.setattr(release_services, "issue_set_status", broken)
    with pytest.raises(IntegrityError):
        issue_publish(issue=issue, token=token)
    assert not Edition.objects.exists()
    assert not (issue_edition_root(issue) / "v1").exists()
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SCHEDULED
    monkeypatch.undo()
    assert issue_publish(issue=issue, token=token).reason == "published"


def test_a_failed_correction_leaves_the_published_edition_byte_for_byte(monkeypatch):
    issue, editor = ready_issue(), EditorFactory()
    issue_publish(issue=issue, token=make_due(issue, editor))
    before = tree_hashes(issue_edition_root(issue))

    def broken(*args, **kwargs):
        raise IntegrityError("simulated failure while recording the new edition")

    monkeypatch.setattr(Edition.objects, "create", broken)
    with pytest.raises(IntegrityError):
        edition_correct(issue=issue, erratum="第 3 页数据更正", actor=editor)
    assert tree_hashes(issue_edition_root(issue)) == before
    assert Edition.objects.get(issue=issue).superseded_at is None


def test_correction_adds_version_two_and_keeps_version_one_downloadable(client):
    issue, editor = ready_issue(), EditorFactory()
    issue_publish(issue=issue, token=make_due(issue, editor))
    v1 = Edition.objects.get(issue=issue)
    v1_bytes = v1.pdf_path.read_bytes()
    article = issue.articles.first()
    article.title = "塑造数字贸易发展新优势（更正）"
    article.save()
    v2 = edition_correct(issue=issue, erratum="更正第一篇标题", actor=editor)
    v1.refresh_from_db()
    assert v2.version == 2 and v1.superseded_at is not None
    assert v1.pdf_path.read_bytes() == v1_bytes
    assert v2.erratum.endswith("更正第一篇标题")
    client.force_login(editor)
    kwargs = {"publication_slug": issue.publication.slug, "number": issue.number}
    old = client.get(reverse("publishing:issue_pdf_version", kwargs={**kwargs, "version": 1}))
    assert b"".join(old.streaming_content) == v1_bytes
    current = client.get(reverse("publishing:issue_pdf", kwargs=kwargs))
    assert b"".join(current.streaming_content) == v2.pdf_path.read_bytes()
    assert "第2版" in current["Content-Disposition"] or "%E7%AC%AC2%E7%89%88" in current[
        "Content-Disposition"]


def test_proof_with_the_same_content_is_what_ships(django_capture_on_commit_callbacks):
    issue, editor = ready_issue(), EditorFactory()
    proof = proof_request(issue=issue, actor=editor)
    proof = proof_render(proof=proof)
    assert proof.status == ProofStatus.READY and proof.page_count >= 3
    assert len(list((proof.pdf_path.parent / "pages").glob("page-*.png"))) == proof.page_count
    outcome = issue_publish(issue=issue, token=make_due(issue, editor))
    assert outcome.edition.pdf_sha256 == file_hash(proof.pdf_path)
    assert outcome.edition.content_hash == proof.content_hash
    assert "沿用已审校样" in IssueEvent.objects.get(issue=issue, kind=EventKind.PUBLISHED).message


def test_a_changed_article_invalidates_the_proof(django_capture_on_commit_callbacks):
    issue, editor = ready_issue(), EditorFactory()
    proof = proof_render(proof=proof_request(issue=issue, actor=editor))
    article = issue.articles.first()
    article.body = "<p>改过的正文。</p>"
    article.save()
    with pytest.raises(StaleProof):  # the board asks first; nothing is scheduled
        make_due(issue, editor)
    assert not Release.objects.filter(issue=issue).exists()
    outcome = issue_publish(issue=issue, token=make_due(issue, editor, stale_proof_ok=True))
    assert outcome.edition.content_hash != proof.content_hash
    assert "重新排版" in IssueEvent.objects.get(issue=issue, kind=EventKind.PUBLISHED).message


def test_overdue_issue_shows_a_banner_to_editors_and_check_warns(client):
    issue, editor = ready_issue(), EditorFactory()
    schedule_soon(issue, editor, seconds=600)
    Release.objects.filter(issue=issue).update(release_at=timezone.now() - dt.timedelta(hours=1))
    client.force_login(editor)
    html = client.get(reverse("publishing:board")).content.decode()
    assert "overdue-banner" in html and "尚未出版" in html
    out = io.StringIO()
    call_command("check", stdout=out, stderr=out)
    assert "publishing.W002" in out.getvalue()


def test_publish_due_command_publishes_what_is_due():
    issue, editor = ready_issue(), EditorFactory()
    make_due(issue, editor)
    later = ready_issue(number=10)
    schedule_soon(later, editor, seconds=3600)
    out = io.StringIO()
    call_command("publish_due", stdout=out)
    assert "published" in out.getvalue()
    issue.refresh_from_db()
    later.refresh_from_db()
    assert issue.status == IssueStatus.PUBLISHED and later.status == IssueStatus.SCHEDULED


def test_publishing_twice_in_a_row_publishes_once(django_capture_on_commit_callbacks):
    issue, editor = ready_issue(), EditorFactory()
    token = make_due(issue, editor)
    with django_capture_on_commit_callbacks(execute=True):
        assert issue_publish(issue=issue, token=token).reason == "published"
    assert issue_publish(issue=issue, token=token).reason == "already-published"
    assert Edition.objects.count() == 1
    assert str(uuid.UUID(token))  # the token was a real one
    assert Proof.objects.count() == 0
    # Readable by the web server's own user (nginx, handed the PDF with X-Accel-Redirect).
    edition = Edition.objects.get()
    assert edition.path.stat().st_mode & 0o777 == 0o755
    assert edition.pdf_path.stat().st_mode & 0o777 == 0o644


@pytest.mark.django_db(transaction=True)
def test_two_publish_runs_at_once_publish_render_and_announce_once(monkeypatch):
    import threading

    from django.db import connection

    from publishing.services import member_add

    issue, editor = ready_issue(), EditorFactory()
    for n in range(3):
        member_add(name=f"会员{n}", email=f"m{n}@example.cn", send_invitation=False)
    token = make_due(issue, editor)
    renders = []
    real_render = release_editions.issue_render

    other_run_done = threading.Event()

    def counting_render(**kwargs):
        renders.append(kwargs)
        # Render only once the other run has come and gone: it must find the claim taken.
        other_run_done.wait(timeout=30)
        return real_render(**kwargs)

    monkeypatch.setattr(release_editions, "issue_render", counting_render)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        try:
            barrier.wait()
            outcomes.append(issue_publish(issue=issue, token=token).reason)
        finally:
            other_run_done.set()
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) in (["claimed", "published"], ["already-published", "published"])
    assert len(renders) == 1
    assert Edition.objects.filter(issue=issue).count() == 1
    run_worker()  # the after-publish task: search index and the members' e-mail
    assert issue_publish(issue=issue, token=token).reason == "already-published"
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == ["m0@example.cn", "m1@example.cn", "m2@example.cn"]


def test_editing_an_article_while_its_issue_is_published_ships_the_approved_revision(monkeypatch):
    """The editor saves a change at the moment the worker renders: the issue still ships the
    revision the reviewer approved, word for word."""
    import datetime as _dt
    import subprocess

    from editorial import services as editorial_services

    issue, editor, reviewer = ready_issue(), EditorFactory(), ReviewerFactory()
    section = issue.articles.first().section
    content = editorial_services.ArticleContent(
        title="审定后的标题", section=section, body="<p>审定版本的正文：甲乙丙丁。</p>")
    article = editorial_services.article_create(user=editor, content=content)
    editorial_services.article_submit(user=editor, article_id=article.pk, reviewers=[reviewer],
                                      due_date=_dt.date.today() + _dt.timedelta(days=3))
    editorial_services.article_approve(user=reviewer, article_id=article.pk, comment="同意")
    article.refresh_from_db()
    editorial_services.issue_add_article(user=editor, issue=issue, article=article)
    token = make_due(issue, editor)
    real_render = release_editions.issue_render

    def edit_then_render(**kwargs):
        current = type(article).objects.get(pk=article.pk)
        editorial_services.article_update(
            user=editor, article_id=article.pk, base_version=current.version,
            content=editorial_services.ArticleContent(
                title="未经审定的新标题", section=section, issue=issue,
                body="<p>未经审定的正文：戊己庚辛。</p>"),
        )
        return real_render(**kwargs)

    monkeypatch.setattr(release_editions, "issue_render", edit_then_render)
    edition = issue_publish(issue=issue, token=token).edition
    text = subprocess.run(["pdftotext", str(edition.pdf_path), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "审定后的标题" in text and "甲乙丙丁" in text
    assert "未经审定" not in text and "戊己庚辛" not in text
    article.refresh_from_db()
    assert article.state == "draft"  # the edit itself was kept, waiting for re-approval


def test_publish_issue_command_publishes_a_back_issue_once():
    issue = ready_issue()
    out = io.StringIO()
    call_command("publish_issue", issue.publication.slug, str(issue.number), stdout=out)
    assert "published edition 1" in out.getvalue()
    issue.refresh_from_db()
    assert issue.status == IssueStatus.PUBLISHED
    assert issue.search_entries.count() == 2
    out = io.StringIO()
    call_command("publish_issue", issue.publication.slug, str(issue.number), stdout=out)
    assert "already-published" in out.getvalue()
    assert Edition.objects.filter(issue=issue).count() == 1


def test_publish_issue_command_reports_a_missing_issue_plainly():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no issue 99 of publication 'nope'"):
        call_command("publish_issue", "nope", "99")
