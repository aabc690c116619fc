"""Publishing's results reach the editors under the bell as well as by e-mail: a failure with
its message and a link to the board, a success once with a link to the live issue."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from editorial.models import Notification, NotificationKind
from publishing.releases.services import issue_after_publish, issue_publish_failed_mail
from tests.factories import AdminFactory, EditorFactory, IssueFactory, MemberFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


def test_a_failure_notifies_every_editor_not_reviewers_or_members():
    editor, admin = EditorFactory(), AdminFactory()
    ReviewerFactory()
    MemberFactory()
    issue = IssueFactory(number=9)
    issue_publish_failed_mail(issue=issue, message="字体缺字：塑造")
    rows = Notification.objects.filter(kind=NotificationKind.PUBLISH_FAILED)
    assert {n.recipient for n in rows} == {editor, admin}
    note = rows.get(recipient=editor)
    assert note.issue == issue and note.detail == "字体缺字：塑造"
    assert note.url == reverse("publishing:board_issue", kwargs={"pk": issue.pk})
    assert len(mail.outbox) == 1


def test_a_publication_notifies_the_editors_once():
    editor = EditorFactory()
    issue = IssueFactory(number=10)
    issue_after_publish(issue=issue)
    issue_after_publish(issue=issue)  # a re-run of the task
    note = Notification.objects.get(kind=NotificationKind.PUBLISHED)
    assert note.recipient == editor and note.url == issue.get_absolute_url()
