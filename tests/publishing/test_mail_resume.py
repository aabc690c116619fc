"""Announcements and invitations that a failing mail server interrupts are finished by the next
run: every member is told exactly once (issue 13)."""

from __future__ import annotations

import smtplib
from collections import Counter

import pytest
from django.core import mail
from django.core.management import call_command

from editorial.models import IssueStatus
from publishing.library.mailing import MAIL_BATCH
from publishing.library.members import members_send_invitations
from publishing.models import Announcement, Delivery, DeliveryKind, Membership
from publishing.services import issue_announce, member_add, members_import_csv
from tests.factories import ArticleFactory, IssueFactory
from tests.publishing.failing_mail import FailingAfter

pytestmark = pytest.mark.django_db

MEMBERS = MAIL_BATCH + 150  # more than one batch: the failure falls inside the second


@pytest.fixture
def failing_mail(settings):
    settings.EMAIL_BACKEND = "tests.publishing.failing_mail.FailingAfter"
    FailingAfter.budget, FailingAfter.refused = None, set()
    yield FailingAfter
    FailingAfter.budget, FailingAfter.refused = None, set()


def _members(count: int) -> None:
    rows = "".join(f"会员{n},m{n}@example.cn\n" for n in range(count))
    members_import_csv(data=f"姓名,邮箱\n{rows}".encode(), send_invitations=False)


def test_a_resumed_announcement_reaches_every_member_exactly_once(failing_mail):
    issue = IssueFactory(status=IssueStatus.PUBLISHED)
    ArticleFactory(issue=issue, title="塑造数字贸易发展新优势")
    _members(MEMBERS)
    failing_mail.budget = MAIL_BATCH + 37  # the server goes away inside the second batch

    with pytest.raises(smtplib.SMTPServerDisconnected):
        issue_announce(issue=issue)
    assert len(mail.outbox) == MAIL_BATCH + 37
    announcement = Announcement.objects.get(issue=issue)
    assert announcement.sent_at is None and announcement.recipients == MEMBERS
    assert announcement.deliveries.filter(sent_at__isnull=False).count() == MAIL_BATCH + 37

    with pytest.raises(smtplib.SMTPServerDisconnected):  # still down: nothing sent, nothing lost
        issue_announce(issue=issue)
    assert len(mail.outbox) == MAIL_BATCH + 37

    failing_mail.budget = None  # back up
    assert issue_announce(issue=issue) == MEMBERS - MAIL_BATCH - 37
    assert issue_announce(issue=issue) == 0
    received = Counter(m.to[0] for m in mail.outbox)
    assert len(received) == MEMBERS and set(received.values()) == {1}
    assert Announcement.objects.get(issue=issue).sent_at is not None


def test_an_address_refused_for_good_does_not_block_the_others(failing_mail):
    issue = IssueFactory(status=IssueStatus.PUBLISHED)
    _members(5)
    failing_mail.refused = {"m2@example.cn"}
    assert issue_announce(issue=issue) == 4
    failed = Delivery.objects.get(failed_at__isnull=False)
    assert failed.email == "m2@example.cn" and "550" in failed.error
    assert Announcement.objects.get(issue=issue).sent_at is not None
    assert issue_announce(issue=issue) == 0


def test_members_who_join_later_are_not_added_to_an_announcement_in_progress(failing_mail):
    """Who is told is decided once, when the announcement starts."""
    issue = IssueFactory(status=IssueStatus.PUBLISHED)
    _members(3)
    failing_mail.budget = 1
    with pytest.raises(smtplib.SMTPServerDisconnected):
        issue_announce(issue=issue)
    member_add(name="新会员", email="new@example.cn", send_invitation=False)
    failing_mail.budget = None
    assert issue_announce(issue=issue) == 2
    assert sorted(m.to[0] for m in mail.outbox) == [f"m{n}@example.cn" for n in range(3)]


def test_interrupted_invitations_are_finished_by_send_pending_mail(failing_mail,
                                                                   django_capture_on_commit_callbacks):
    failing_mail.budget = 7
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rows = "".join(f"会员{n},m{n}@example.cn\n" for n in range(20))
        members_import_csv(data=f"姓名,邮箱\n{rows}".encode())
    assert len(callbacks) == 1  # the task is enqueued on commit; the request does not send
    assert Delivery.objects.filter(kind=DeliveryKind.INVITATION, sent_at=None).count() == 20

    with pytest.raises(smtplib.SMTPServerDisconnected):
        members_send_invitations()
    assert Membership.objects.filter(invited_at__isnull=False).count() == 7
    failing_mail.budget = None
    call_command("send_pending_mail", verbosity=0)
    received = Counter(m.to[0] for m in mail.outbox)
    assert len(received) == 20 and set(received.values()) == {1}
    assert Membership.objects.filter(invited_at__isnull=True).count() == 0


def test_members_page_shows_invitation_progress(client, failing_mail):
    from django.urls import reverse

    from tests.factories import EditorFactory

    failing_mail.budget = 3
    rows = "".join(f"会员{n},m{n}@example.cn\n" for n in range(10))
    members_import_csv(data=f"姓名,邮箱\n{rows}".encode())
    with pytest.raises(smtplib.SMTPServerDisconnected):
        members_send_invitations()
    client.force_login(EditorFactory())
    html = client.get(reverse("publishing:members")).content.decode()
    assert "邀请邮件：已发送 3 / 10 封，待发送 7 封，失败 0 封。" in html
