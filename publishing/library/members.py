"""Members of the library: adding them one by one or from a CSV file (all rows or none), and
their set-password invitations. A CSV uploaded in the workspace is checked here and imported
in the background by ``member_imports``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_tasks import task

from editorial.mail import mail_message
from editorial.permissions import MEMBER_GROUP
from publishing.library.mailing import deliveries_send
from publishing.models import (
    Delivery,
    DeliveryKind,
    MemberImportRow,
    Membership,
)

MAX_CSV_ROWS = 20_000

# Accepted CSV headers, Chinese or English, → field.
CSV_HEADERS = {
    "姓名": "name", "name": "name",
    "邮箱": "email", "电子邮箱": "email", "email": "email", "e-mail": "email",
    "单位": "organisation", "organisation": "organisation", "organization": "organisation",
    "到期日": "expires_on", "会籍到期日": "expires_on", "expires_on": "expires_on",
    "expires": "expires_on",
}


@dataclass
class MemberRow:
    line: int
    name: str
    email: str
    organisation: str = ""
    expires_on: dt.date | None = None


class MemberImportError(Exception):
    """The CSV can't be imported; ``problems`` says which row and what, nothing was saved."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class MemberImportResult:
    created: list[Membership] = field(default_factory=list)


def _member_group() -> Group:
    group, _created = Group.objects.get_or_create(name=MEMBER_GROUP)
    return group


def _split_name(name: str) -> tuple[str, str]:
    # Chinese names are written family name first, as one string: keep them whole.
    return name, ""


def _parse_date(value: str) -> dt.date:
    value = value.strip().replace("/", "-").replace(".", "-")
    return dt.date.fromisoformat(value)


# Column limits of what a member row becomes: the login name (auth_user.username) is the
# e-mail address, so an address must fit it as well as the e-mail column.
MAX_NAME = 150
MAX_LOGIN = 150
MAX_EMAIL = 254
MAX_ORGANISATION = 200


def _shown(value: str, limit: int = 60) -> str:
    """A value quoted back in a message: printable characters only, and not too long."""
    text = "".join(c if c.isprintable() else "�" for c in value)
    return text if len(text) <= limit else text[:limit] + "…"


# Unicode category Cc is exactly these two ranges; one regex instead of a lookup per character.
_CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f]")


def _has_control_characters(value: str) -> bool:
    return _CONTROL_CHARACTERS.search(value) is not None


@dataclass(frozen=True)
class Taken:
    """Addresses and login names already in use (lower case): a new member may use neither;
    nor an address a running import has claimed (``reserved``)."""

    emails: set[str]
    logins: set[str]
    reserved: set[str] = field(default_factory=set)


def _taken() -> Taken:
    rows = get_user_model().objects.values_list("email", "username")
    return Taken(emails={e.lower() for e, _u in rows if e}, logins={u.lower() for _e, u in rows},
                 reserved=set(MemberImportRow.objects.values_list("email", flat=True)))


def _validate_member(*, name: str, email: str, organisation: str = "", taken: Taken, where: str,
                     problems: list[str]) -> str:
    """The row's e-mail, normalised; every problem found is appended to ``problems``."""
    # Labels translated only for a row that needs them: 20,000 rows × 3 lookups was a third
    # of a big file's check.
    dirty = [label for label, value in (("姓名", name), ("邮箱", email), ("单位", organisation))
             if _has_control_characters(value)]
    if dirty:
        dirty = [_(label) for label in dirty]
        problems.append(_("%(where)s：%(fields)s中含有控制字符（如 NUL），请删除后再导入")
                        % {"where": where, "fields": "、".join(dirty)})
        return ""
    email = email.strip().lower()
    if not name.strip():
        problems.append(_("%(where)s：缺少姓名") % {"where": where})
    elif len(name.strip()) > MAX_NAME:
        problems.append(_("%(where)s：姓名超过 %(max)s 个字") % {"where": where, "max": MAX_NAME})
    if len(organisation.strip()) > MAX_ORGANISATION:
        problems.append(_("%(where)s：单位超过 %(max)s 个字")
                        % {"where": where, "max": MAX_ORGANISATION})
    if not email:
        problems.append(_("%(where)s：缺少邮箱") % {"where": where})
        return email
    if len(email) > MAX_EMAIL:
        problems.append(_("%(where)s：邮箱有 %(length)s 个字符，超过了 %(max)s 个字符的上限")
                        % {"where": where, "length": len(email), "max": MAX_EMAIL})
        return email
    try:
        validate_email(email)
    except ValidationError:
        problems.append(_("%(where)s：邮箱“%(email)s”格式不正确")
                        % {"where": where, "email": _shown(email)})
        return email
    if len(email) > MAX_LOGIN:
        problems.append(_("%(where)s：邮箱有 %(length)s 个字符，会员用邮箱登录，登录名最多 %(max)s 个字符")
                        % {"where": where, "length": len(email), "max": MAX_LOGIN})
    elif email in taken.emails:
        problems.append(_("%(where)s：邮箱“%(email)s”已存在") % {"where": where, "email": email})
    elif email in taken.logins:
        problems.append(_("%(where)s：邮箱“%(email)s”已被另一个账号用作登录名")
                        % {"where": where, "email": email})
    elif email in taken.reserved:
        problems.append(_("%(where)s：邮箱“%(email)s”正在由另一次导入添加")
                        % {"where": where, "email": email})
    return email


def member_accounts_create(rows: list[MemberRow], *, added_by) -> list[Membership]:
    """Accounts, group and membership for checked rows, in a few bulk statements."""
    User = get_user_model()
    users = [
        User(username=row.email, email=row.email, first_name=_split_name(row.name)[0],
             last_name="", is_active=True)
        for row in rows
    ]
    for user in users:
        user.set_unusable_password()
    User.objects.bulk_create(users, batch_size=500)
    # bulk_create sets primary keys on PostgreSQL and SQLite >= 3.35; fetch to be sure.
    by_email = {u.email: u for u in User.objects.filter(email__in=[r.email for r in rows])}
    group = _member_group()
    group.user_set.through.objects.bulk_create(
        [group.user_set.through(user_id=by_email[r.email].pk, group_id=group.pk) for r in rows],
        batch_size=500,
    )
    memberships = [
        Membership(user=by_email[r.email], organisation=r.organisation.strip(),
                   expires_on=r.expires_on, created_by=added_by)
        for r in rows
    ]
    Membership.objects.bulk_create(memberships, batch_size=500)
    return list(Membership.objects.filter(user__in=by_email.values()).select_related("user"))


@transaction.atomic
def member_add(*, name: str, email: str, organisation: str = "",
               expires_on: dt.date | None = None, added_by=None,
               send_invitation: bool = True) -> Membership:
    """Add one member; raises ``MemberImportError`` with the reasons when the data is bad.

    An e-mail that belongs to an account without a membership (an editor, a reviewer, an
    account created in the admin) gives that account its membership instead of refusing."""
    account = (get_user_model().objects.filter(email__iexact=email.strip(), membership=None)
               .order_by("pk").first())
    if account is not None:
        return _membership_grant(user=account, name=name, organisation=organisation,
                                 expires_on=expires_on, added_by=added_by,
                                 send_invitation=send_invitation)
    problems: list[str] = []
    email = _validate_member(name=name, email=email, organisation=organisation, taken=_taken(),
                             where=_("会员"), problems=problems)
    if problems:
        raise MemberImportError(problems)
    row = MemberRow(line=0, name=name.strip(), email=email, organisation=organisation.strip(),
                    expires_on=expires_on)
    membership = member_accounts_create([row], added_by=added_by)[0]
    if send_invitation:
        _invite([membership])
    return membership


def _membership_grant(*, user, name: str, organisation: str, expires_on: dt.date | None,
                      added_by, send_invitation: bool) -> Membership:
    problems: list[str] = []
    _validate_member(name=name or user.get_username(), email=user.email,
                     organisation=organisation, taken=Taken(emails=set(), logins=set()),
                     where=_("会员"), problems=problems)
    if problems:
        raise MemberImportError(problems)
    user.groups.add(_member_group())
    membership = Membership.objects.create(user=user, organisation=organisation.strip(),
                                           expires_on=expires_on, created_by=added_by)
    # Someone who already has a password needs no set-password invitation.
    if send_invitation and not user.has_usable_password():
        _invite([membership])
    return membership


def _read_csv(data: bytes) -> list[dict[str, str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MemberImportError([
            _("文件不是 UTF-8 编码（第 %(byte)s 字节无法识别）。"
              "请在 Excel 中“另存为 → CSV UTF-8”后重新上传。") % {"byte": exc.start + 1}
        ]) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise MemberImportError([_("CSV 格式错误：%(error)s") % {"error": exc}]) from exc
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise MemberImportError([_("文件是空的。")])
    header = [CSV_HEADERS.get(cell.strip().lower()) for cell in rows[0]]
    missing = {"name", "email"} - set(header)
    if missing:
        raise MemberImportError([
            _("第 1 行：表头需要包含“姓名”和“邮箱”两列（可选“单位”“到期日”），当前表头为：%(header)s")
            % {"header": "，".join(rows[0])}
        ])
    if len(rows) - 1 > MAX_CSV_ROWS:
        raise MemberImportError([
            _("一次最多导入 %(max)s 行，本文件有 %(count)s 行。")
            % {"max": MAX_CSV_ROWS, "count": len(rows) - 1}
        ])
    records = []
    for cells in rows[1:]:
        records.append({key: (cells[i].strip() if i < len(cells) else "")
                        for i, key in enumerate(header) if key})
    return records


def members_check_csv(data: bytes) -> list[MemberRow]:
    """Every row of the CSV, checked against each other and the accounts that exist; raises
    ``MemberImportError`` with every bad row (line numbers as a spreadsheet shows them)."""
    records = _read_csv(data)
    taken = _taken()
    seen: dict[str, int] = {}
    problems: list[str] = []
    rows: list[MemberRow] = []
    row_label = _("第 %(line)s 行")
    for index, record in enumerate(records, start=2):
        where = row_label % {"line": index}
        email = _validate_member(name=record.get("name", ""), email=record.get("email", ""),
                                 organisation=record.get("organisation", ""), taken=taken,
                                 where=where, problems=problems)
        if email and email in seen:
            problems.append(_("%(where)s：邮箱“%(email)s”与第 %(first)s 行重复")
                            % {"where": where, "email": email, "first": seen[email]})
        seen.setdefault(email, index)
        expires_on = None
        if record.get("expires_on"):
            try:
                expires_on = _parse_date(record["expires_on"])
            except ValueError:
                problems.append(_("%(where)s：到期日“%(value)s”应写成 2026-12-31")
                                % {"where": where, "value": _shown(record["expires_on"])})
        rows.append(MemberRow(index, record.get("name", "").strip(), email,
                              record.get("organisation", "").strip(), expires_on))
    if problems:
        raise MemberImportError(problems)
    return rows


@transaction.atomic
def members_import_csv(*, data: bytes, added_by=None,
                       send_invitations: bool = True) -> MemberImportResult:
    """Create every member in the CSV or none, in this call: for commands and the scale
    benchmark's build. The workspace imports through ``member_imports.member_import_start``,
    which answers at once and leaves the accounts to a task."""
    created = member_accounts_create(members_check_csv(data), added_by=added_by)
    if send_invitations:
        _invite(created)
    return MemberImportResult(created=created)


def _invitation(membership: Membership, email: str, connection) -> EmailMultiAlternatives:
    user = membership.user
    path = reverse("password_reset_confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    })
    context = {
        "membership": membership,
        "name": str(membership),
        "link": settings.SITE_URL.rstrip("/") + path,
        "site_url": settings.SITE_URL,
    }
    return mail_message("publishing/email/invitation", context, [email], connection=connection)


def _invite(memberships: list[Membership]) -> None:
    """Record an invitation for each new member with the members themselves, and have the
    task send them once the transaction commits: the request answers without waiting for
    the mail server, and a failure part-way is resumed (``mailing.deliveries_send``)."""
    invitations_record(memberships)
    transaction.on_commit(send_invitations_task.enqueue)


def invitations_record(memberships: list[Membership]) -> None:
    """A pending invitation (``Delivery``) per membership, written with the memberships."""
    Delivery.objects.bulk_create(
        [Delivery(kind=DeliveryKind.INVITATION, user=m.user, email=m.user.email)
         for m in memberships],
        batch_size=1000,
    )


def members_send_invitations() -> int:
    """Send every pending set-password invitation, in batches; marks who was invited.
    Returns the number this call sent."""

    def messages_for(batch: list[Delivery], connection) -> list[EmailMultiAlternatives]:
        memberships = {m.user_id: m for m in Membership.objects.select_related("user")
                       .filter(user_id__in=[d.user_id for d in batch])}
        return [_invitation(memberships[d.user_id], d.email, connection) for d in batch]

    def after_sent(sent: list[Delivery]) -> None:
        Membership.objects.filter(user_id__in=[d.user_id for d in sent]).update(
            invited_at=timezone.now())

    # An invitation whose membership was removed meanwhile is not sent.
    pending = Delivery.objects.filter(kind=DeliveryKind.INVITATION,
                                      user_id__in=Membership.objects.values("user_id"))
    return deliveries_send(deliveries=pending, messages_for=messages_for, after_sent=after_sent)


@task()
def send_invitations_task() -> int:
    return members_send_invitations()

