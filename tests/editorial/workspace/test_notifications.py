"""In-app notifications: every e-mail to an editor or reviewer also lands under the bell of
exactly its recipient, links to what it is about, and is marked read by that person only."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from editorial import services
from editorial.models import Notification, NotificationKind, ReviewAssignment
from tests.editorial import factories_workspace as wf
from tests.factories import EditorFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


def _submit(editor, reviewers, capture, **kw):
    with capture(execute=True):
        return wf.in_review_article(by=editor, reviewers=reviewers, **kw)


def test_a_review_request_notifies_each_reviewer_beside_the_email(
    editor_user, reviewer_user, django_capture_on_commit_callbacks
):
    other = ReviewerFactory(username="reviewer2")
    due = timezone.localdate() + datetime.timedelta(days=5)
    article = _submit(editor_user, [reviewer_user, other], django_capture_on_commit_callbacks,
                      title="跨境数据流动", due=due)
    assert len(mail.outbox) == 2
    rows = Notification.objects.filter(kind=NotificationKind.REVIEW_REQUESTED)
    assert sorted(rows.values_list("recipient__username", flat=True)) == ["reviewer", "reviewer2"]
    first = rows.get(recipient=reviewer_user)
    assert first.article == article and first.actor == editor_user and first.due_date == due
    assert first.url == reverse("editorial:article_detail", args=[article.pk])
    assert first.read_at is None
    assert not Notification.objects.filter(recipient=editor_user).exists()


def test_decisions_notify_the_author_with_the_reviewers_comment(
    editor_user, reviewer_user, django_capture_on_commit_callbacks
):
    article = _submit(editor_user, [reviewer_user], django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.article_request_changes(user=reviewer_user, article_id=article.pk,
                                         comment="第二段请补充数据来源。")
    note = Notification.objects.get(recipient=editor_user)
    assert note.kind == NotificationKind.CHANGES_REQUESTED
    assert note.detail == "第二段请补充数据来源。" and note.actor == reviewer_user

    second = _submit(editor_user, [reviewer_user], django_capture_on_commit_callbacks, title="第二篇")
    with django_capture_on_commit_callbacks(execute=True):
        services.article_approve(user=reviewer_user, article_id=second.pk)
    kinds = list(Notification.objects.filter(recipient=editor_user).values_list("kind", flat=True))
    assert kinds == [NotificationKind.APPROVED, NotificationKind.CHANGES_REQUESTED]


def test_reminders_notify_once_a_day_like_the_email(editor_user, reviewer_user):
    article = wf.in_review_article(by=editor_user, reviewers=[reviewer_user], title="已逾期")
    ReviewAssignment.objects.filter(article=article).update(
        due_date=timezone.localdate() - datetime.timedelta(days=2))
    call_command("send_review_reminders")
    call_command("send_review_reminders")
    reminders = Notification.objects.filter(kind=NotificationKind.REVIEW_REMINDER)
    assert reminders.count() == 1
    assert reminders.get().recipient == reviewer_user


def _note(user, **kw):
    defaults = {"kind": NotificationKind.APPROVED, "url": "/editorial/"}
    return Notification.objects.create(recipient=user, **(defaults | kw))


def test_the_bell_counts_only_my_unread_notifications(client, editor_user, reviewer_user):
    _note(editor_user)
    _note(editor_user)
    _note(editor_user, read_at=timezone.now())
    _note(reviewer_user)
    client.force_login(editor_user)
    page = client.get(reverse("editorial:dashboard")).content.decode()
    assert 'data-unread="2"' in page
    client.force_login(reviewer_user)
    page = client.get(reverse("editorial:dashboard")).content.decode()
    assert 'data-unread="1"' in page


def test_the_page_lists_only_my_notifications(client, editor_user, reviewer_user):
    article = wf.draft_article(by=editor_user, title="只给编辑看的稿件")
    _note(editor_user, article=article, kind=NotificationKind.CHANGES_REQUESTED, detail="请改标题")
    _note(reviewer_user, article=wf.draft_article(by=editor_user, title="审稿人的那篇"),
          kind=NotificationKind.REVIEW_REQUESTED, due_date=timezone.localdate())
    client.force_login(editor_user)
    page = client.get(reverse("editorial:notification_list")).content.decode()
    assert "《只给编辑看的稿件》被退回修改" in page and "请改标题" in page
    assert "审稿人的那篇" not in page


def test_opening_marks_read_and_follows_the_link(client, editor_user):
    note = _note(editor_user, url="/editorial/articles/")
    client.force_login(editor_user)
    response = client.get(reverse("editorial:notification_open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == "/editorial/articles/"
    note.refresh_from_db()
    assert note.read_at is not None


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/x"])
def test_a_foreign_link_is_never_followed(client, editor_user, url):
    note = _note(editor_user, url=url)
    client.force_login(editor_user)
    response = client.get(reverse("editorial:notification_open", args=[note.pk]))
    assert response["Location"] == reverse("editorial:notification_list")


def test_nobody_opens_or_marks_another_persons_notification(client, editor_user, reviewer_user):
    theirs = _note(reviewer_user)
    client.force_login(EditorFactory(username="editor2"))
    assert client.get(reverse("editorial:notification_open", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("editorial:notification_read", args=[theirs.pk])).status_code == 404
    client.post(reverse("editorial:notifications_read_all"))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_and_mark_all_read(client, editor_user, reviewer_user):
    one, two, three = _note(editor_user), _note(editor_user), _note(editor_user)
    theirs = _note(reviewer_user)
    client.force_login(editor_user)
    response = client.post(reverse("editorial:notification_read", args=[one.pk]),
                           {"next": "/editorial/notifications/?show=unread"})
    assert response["Location"] == "/editorial/notifications/?show=unread"
    assert Notification.objects.filter(recipient=editor_user, read_at__isnull=True).count() == 2
    client.post(reverse("editorial:notifications_read_all"), {"next": "https://evil.example/"})
    assert not Notification.objects.filter(recipient=editor_user, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert {two.pk, three.pk} <= set(Notification.objects.filter(read_at__isnull=False)
                                     .values_list("pk", flat=True))


@pytest.mark.parametrize("role", ["anonymous", "member"])
def test_people_outside_the_workspace_have_no_notifications_page(client, member_user, role):
    if role == "member":
        client.force_login(member_user)
    response = client.get(reverse("editorial:notification_list"))
    assert response.status_code == (302 if role == "anonymous" else 403)
    post = client.post(reverse("editorial:notifications_read_all"))
    assert post.status_code == (302 if role == "anonymous" else 403)


def test_the_notification_reads_in_english_when_switched(client, editor_user):
    article = wf.draft_article(by=editor_user, title="数字贸易")
    _note(editor_user, article=article, kind=NotificationKind.APPROVED)
    client.force_login(editor_user)
    client.post(reverse("set_language"), {"language": "en", "next": "/editorial/"})
    page = client.get(reverse("editorial:notification_list")).content.decode()
    assert "“数字贸易” was approved" in page and "Mark read" in page


def test_the_bell_caps_its_badge_but_not_its_label(client, editor_user):
    Notification.objects.bulk_create(
        [Notification(recipient=editor_user, kind=NotificationKind.APPROVED, url="/editorial/")
         for _ in range(120)])
    client.force_login(editor_user)
    page = client.get(reverse("editorial:dashboard")).content.decode()
    assert ">99+</span>" in page and 'aria-label="通知：120 条未读"' in page
