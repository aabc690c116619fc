"""Member accounts: one by one or by CSV, all or nothing, with invitations."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from publishing.models import Membership
from publishing.permissions import user_is_member, user_membership_expired_on
from publishing.services import MemberImportError, member_add, members_import_csv
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GOOD_CSV = (
    "姓名,邮箱,单位,到期日\n"
    "张伟,zhang.wei@example.cn,大连某科技有限公司,2027-12-31\n"
    "李娜,Li.Na@Example.cn,,\n"
).encode()


def test_csv_import_creates_members_and_sends_one_invitation_each(
        django_capture_on_commit_callbacks, immediate_tasks):
    with django_capture_on_commit_callbacks(execute=True):
        result = members_import_csv(data=GOOD_CSV)
    assert len(result.created) == 2
    zhang = Membership.objects.get(user__email="zhang.wei@example.cn")
    assert zhang.expires_on == dt.date(2027, 12, 31)
    assert zhang.organisation == "大连某科技有限公司"
    assert zhang.user.groups.filter(name="会员").exists()
    assert not zhang.user.has_usable_password()
    assert Membership.objects.get(user__email="li.na@example.cn").expires_on is None
    assert sorted(m.to[0] for m in mail.outbox) == ["li.na@example.cn", "zhang.wei@example.cn"]
    assert "/accounts/reset/" in mail.outbox[0].body
    assert "设置密码" in mail.outbox[0].body and "Set your password" in mail.outbox[0].body
    assert Membership.objects.filter(invited_at__isnull=False).count() == 2


def test_csv_with_bad_rows_reports_each_and_imports_nothing():
    UserFactory(username="taken", email="taken@example.cn")
    data = (
        "姓名,邮箱,到期日\n"
        "王芳,not-an-email,\n"
        "刘洋,taken@example.cn,\n"
        ",noname@example.cn,\n"
        "陈静,chen@example.cn,2026-13-40\n"
        "赵磊,zhao@example.cn,\n"
        "赵磊二,ZHAO@example.cn,\n"
    ).encode()
    users_before = get_user_model().objects.count()
    with pytest.raises(MemberImportError) as excinfo:
        members_import_csv(data=data)
    problems = excinfo.value.problems
    assert "第 2 行：邮箱“not-an-email”格式不正确" in problems
    assert "第 3 行：邮箱“taken@example.cn”已存在" in problems
    assert "第 4 行：缺少姓名" in problems
    assert "第 5 行：到期日“2026-13-40”应写成 2026-12-31" in problems
    assert "第 7 行：邮箱“zhao@example.cn”与第 6 行重复" in problems
    assert get_user_model().objects.count() == users_before
    assert not Membership.objects.exists()
    assert mail.outbox == []


def test_csv_in_the_wrong_encoding_is_refused_with_a_hint():
    with pytest.raises(MemberImportError) as excinfo:
        members_import_csv(data=GOOD_CSV.decode().encode("gb18030"))
    assert "不是 UTF-8 编码" in excinfo.value.problems[0]
    assert not Membership.objects.exists()


def test_csv_without_the_needed_columns_is_refused():
    with pytest.raises(MemberImportError, match="表头需要包含"):
        members_import_csv(data=b"foo,bar\n1,2\n")


@pytest.mark.slow
def test_ten_thousand_rows_with_one_bad_row_import_nothing():
    lines = ["name,email"] + [f"会员{i},member{i}@example.cn" for i in range(10_000)]
    lines[5000] = "会员坏,bad-address"
    with pytest.raises(MemberImportError) as excinfo:
        members_import_csv(data="\n".join(lines).encode(), send_invitations=False)
    assert excinfo.value.problems == ["第 5001 行：邮箱“bad-address”格式不正确"]
    assert not Membership.objects.exists()


@pytest.mark.slow
def test_ten_thousand_good_rows_import_in_one_go():
    lines = ["name,email"] + [f"会员{i},member{i}@example.cn" for i in range(10_000)]
    result = members_import_csv(data="\n".join(lines).encode(), send_invitations=False)
    assert len(result.created) == 10_000
    assert Membership.objects.count() == 10_000


def test_member_add_validates_and_invites(django_capture_on_commit_callbacks, immediate_tasks):
    with django_capture_on_commit_callbacks(execute=True):
        membership = member_add(name="周敏", email="zhou@example.cn",
                                expires_on=dt.date(2030, 1, 1))
    assert user_is_member(membership.user)
    assert len(mail.outbox) == 1
    with pytest.raises(MemberImportError, match="已存在"):
        member_add(name="周敏", email="ZHOU@example.cn")


def test_expired_membership_is_not_membership_and_says_when():
    membership = member_add(name="吴刚", email="wu@example.cn", expires_on=dt.date(2020, 6, 30),
                            send_invitation=False)
    assert not user_is_member(membership.user)
    assert user_membership_expired_on(membership.user) == dt.date(2020, 6, 30)


def test_issue_announcement_goes_to_active_members_once(django_capture_on_commit_callbacks):
    from editorial.models import IssueStatus
    from publishing.services import issue_announce
    from tests.factories import ArticleFactory, IssueFactory

    issue = IssueFactory(status=IssueStatus.PUBLISHED)
    ArticleFactory(issue=issue, title="塑造数字贸易发展新优势")
    for n in range(3):
        member_add(name=f"会员{n}", email=f"m{n}@example.cn", send_invitation=False)
    member_add(name="过期", email="old@example.cn", expires_on=dt.date(2020, 1, 1),
               send_invitation=False)
    assert issue_announce(issue=issue) == 3
    assert issue_announce(issue=issue) == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["m0@example.cn", "m1@example.cn", "m2@example.cn"]
    assert "塑造数字贸易发展新优势" in mail.outbox[0].body
    assert issue.get_absolute_url() in mail.outbox[0].body
