"""The workflow services: declared transitions, recorded history, e-mail after commit."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from editorial import services
from editorial.models import ArticleState, Comment, ReviewAssignment, Transition
from editorial.signals import article_transitioned
from tests.editorial import factories_workspace as wf
from tests.factories import ReviewerFactory

pytestmark = pytest.mark.django_db(transaction=False)


def _content(article, **changes):
    values = {"title": article.title, "section": article.section, "body": article.body}
    return services.ArticleContent(**(values | changes))


def test_submit_records_transition_assigns_reviewers_and_emails_them(
    editor_user, reviewer_user, django_capture_on_commit_callbacks
):
    second = ReviewerFactory(username="reviewer2")
    article = wf.draft_article(by=editor_user)
    due = timezone.localdate() + datetime.timedelta(days=5)
    with django_capture_on_commit_callbacks(execute=True):
        services.article_submit(user=editor_user, article_id=article.pk,
                                reviewers=[reviewer_user, second], due_date=due, comment="请审阅")
    article.refresh_from_db()
    assert article.state == ArticleState.IN_REVIEW
    transition = Transition.objects.get(article=article)
    assert (transition.from_state, transition.to_state, transition.by) == (
        ArticleState.DRAFT, ArticleState.IN_REVIEW, editor_user)
    assert transition.comment == "请审阅"
    assert set(article.assignments.values_list("reviewer__username", "due_date")) == {
        ("reviewer", due), ("reviewer2", due)}
    assert sorted(m.to[0] for m in mail.outbox) == ["reviewer2@example.org", "reviewer@example.org"]
    message = mail.outbox[0]
    assert "审稿邀请" in message.subject and "Review requested" in message.subject
    assert article.title in message.body and "Review it in the editorial workspace" in message.body


def test_reviewer_cannot_approve_own_article(reviewer_user, editor_user):
    reviewer_user.groups.add(*editor_user.groups.all())
    article = wf.draft_article(by=reviewer_user)
    with pytest.raises(services.WorkflowRefused):
        services.article_submit(user=reviewer_user, article_id=article.pk,
                                reviewers=[reviewer_user], due_date=timezone.localdate())
    assert not ReviewAssignment.objects.exists()


def test_request_changes_needs_a_comment_and_sends_it_back_to_the_author(
    editor_user, reviewer_user, django_capture_on_commit_callbacks
):
    article = wf.in_review_article(by=editor_user, reviewers=[reviewer_user])
    with pytest.raises(services.WorkflowRefused):
        services.article_request_changes(user=reviewer_user, article_id=article.pk, comment=" ")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.article_request_changes(user=reviewer_user, article_id=article.pk,
                                         comment="第二节数据需要注明出处。")
    article.refresh_from_db()
    assert article.state == ArticleState.CHANGES_REQUESTED
    assert Comment.objects.get(article=article).body == "第二节数据需要注明出处。"
    assert [m.to for m in mail.outbox] == [["editor@example.org"]]
    assert "第二节数据需要注明出处。" in mail.outbox[0].body
    assert "Changes requested" in mail.outbox[0].subject


def test_revising_returns_to_draft_and_resubmission_can_be_approved(editor_user, reviewer_user):
    article = wf.in_review_article(by=editor_user, reviewers=[reviewer_user])
    services.article_request_changes(user=reviewer_user, article_id=article.pk, comment="改")
    article.refresh_from_db()
    services.article_update(user=editor_user, article_id=article.pk, base_version=article.version,
                            content=_content(article, body="<p>改好了</p>"))
    article.refresh_from_db()
    assert article.state == ArticleState.DRAFT
    services.article_submit(user=editor_user, article_id=article.pk, reviewers=[reviewer_user],
                            due_date=timezone.localdate())
    services.article_approve(user=reviewer_user, article_id=article.pk, comment="同意",
                             confirm_unresolved=True)  # the request for changes is still open
    article.refresh_from_db()
    assert article.state == ArticleState.APPROVED
    assert article.approved_revision.number == article.version == 2
    assert article.approved_revision.body == "<p>改好了</p>"
    steps = list(Transition.objects.filter(article=article).values_list("from_state", "to_state"))
    assert steps == [
        ("draft", "in_review"), ("in_review", "changes_requested"),
        ("changes_requested", "draft"), ("draft", "in_review"), ("in_review", "approved"),
    ]


def test_approval_waits_for_every_named_reviewer(editor_user, reviewer_user):
    second = ReviewerFactory(username="reviewer2")
    article = wf.in_review_article(by=editor_user, reviewers=[reviewer_user, second])
    services.article_approve(user=reviewer_user, article_id=article.pk)
    article.refresh_from_db()
    assert article.state == ArticleState.IN_REVIEW
    services.article_approve(user=second, article_id=article.pk)
    article.refresh_from_db()
    assert article.state == ArticleState.APPROVED


def test_editing_an_approved_article_needs_reapproval_and_keeps_the_approved_revision(
    editor_user, reviewer_user
):
    article = wf.in_review_article(by=editor_user, reviewers=[reviewer_user])
    services.article_approve(user=reviewer_user, article_id=article.pk)
    article.refresh_from_db()
    approved = article.approved_revision
    services.article_update(user=editor_user, article_id=article.pk, base_version=article.version,
                            content=_content(article, body="<p>通过后改的</p>"))
    article.refresh_from_db()
    assert article.state == ArticleState.DRAFT
    assert article.approved_revision == approved
    assert approved.body != article.body


def test_in_review_article_cannot_be_edited(editor_user, reviewer_user):
    article = wf.in_review_article(by=editor_user, reviewers=[reviewer_user])
    with pytest.raises(services.WorkflowRefused):
        services.article_update(user=editor_user, article_id=article.pk,
                                base_version=article.version, content=_content(article))


def test_withdraw_cancels_pending_reviews_and_reopen_makes_a_draft(editor_user, reviewer_user):
    article = wf.in_review_article(by=editor_user, reviewers=[reviewer_user])
    services.article_withdraw(user=editor_user, article_id=article.pk, comment="本期不用")
    assert ReviewAssignment.objects.get().decision == ReviewAssignment.Decision.CANCELLED
    with pytest.raises(services.WorkflowRefused):
        services.article_approve(user=reviewer_user, article_id=article.pk)
    services.article_reopen(user=editor_user, article_id=article.pk)
    article.refresh_from_db()
    assert article.state == ArticleState.DRAFT


def test_transition_signal_is_sent_after_commit(
    editor_user, reviewer_user, django_capture_on_commit_callbacks
):
    received = []

    def listener(sender, transition, **kwargs):
        received.append((transition.from_state, transition.to_state))

    article_transitioned.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            wf.in_review_article(by=editor_user, reviewers=[reviewer_user])
    finally:
        article_transitioned.disconnect(listener)
    assert received == [("draft", "in_review")]


def test_timeline_on_article_page_shows_who_when_from_to_and_comment(
    editor_user, reviewer_user, client_for
):
    article = wf.in_review_article(by=editor_user, reviewers=[reviewer_user])
    services.article_request_changes(user=reviewer_user, article_id=article.pk,
                                     comment="请补充2023年数据")
    html = client_for(editor_user).get(
        reverse("editorial:article_detail", args=[article.pk])).content.decode()
    assert "草稿 → 审稿中" in html
    assert "审稿中 → 待修改" in html
    assert "请补充2023年数据" in html
    assert "审稿乙" in html and "编辑甲" in html


def test_review_reminders_go_to_due_and_overdue_reviews_once_a_day(editor_user, reviewer_user):
    from django.core.management import call_command

    today = timezone.localdate()
    soon = wf.in_review_article(by=editor_user, reviewers=[reviewer_user], title="快到期")
    late_reviewer = ReviewerFactory(username="late")
    late = wf.in_review_article(by=editor_user, reviewers=[late_reviewer], title="已逾期")
    ReviewAssignment.objects.filter(article=soon).update(due_date=today + datetime.timedelta(days=1))
    ReviewAssignment.objects.filter(article=late).update(due_date=today - datetime.timedelta(days=3))
    wf.in_review_article(by=editor_user, reviewers=[ReviewerFactory(username="relaxed")], title="还早",
                         due=today + datetime.timedelta(days=30))
    mail.outbox.clear()
    call_command("send_review_reminders")
    subjects = sorted(m.subject for m in mail.outbox)
    assert len(subjects) == 2
    assert any("审稿已逾期" in s and "Review overdue" in s and "已逾期" in s for s in subjects)
    assert any("审稿即将到期" in s and "快到期" in s for s in subjects)
    call_command("send_review_reminders")
    assert len(mail.outbox) == 2
