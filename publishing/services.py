"""Writes of the publishing side, in three parts.

Rendering: an issue's PDF and HTML edition, put into place whole. A render works on temporary
files next to its targets and only moves them into place once the PDF has been checked, so a
render that fails or runs out of time leaves the previous files exactly as they were.

The members' library: members, access levels, downloads, the search index, announcements.

Releases: scheduling and publishing issues so that it cannot fail silently.
- A publish run claims the release first (a single UPDATE ... WHERE unclaimed), so two workers
  or a re-run render once and publish once.
- Files are rendered into a staging folder, verified, then renamed into a new version folder
  that nothing points at yet; only then is the Edition recorded and the issue marked published,
  in one transaction. If that transaction fails the new folder is removed: no record ever
  points at a missing or partial file, and earlier editions are never touched.
- Every (re)schedule gets a new token; a publish task carrying an old token does nothing.
- A failure leaves the issue scheduled, records the error on the release and tells the editors.

WeasyPrint (``publishing.rendering``) is imported only when something renders, so the web
workers that import this module for the library start light.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import logging
import multiprocessing
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection, send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from pypdf import PdfReader

from editorial.models import Issue, IssueStatus
from editorial.permissions import EDITOR_GROUP, MEMBER_GROUP
from editorial.richtext import plain_text
from editorial.services import issue_set_status, issue_touch
from publishing import permissions, selectors
from publishing.errors import MissingGlyphsError, RenderError
from publishing.models import (
    AccessLevel,
    Announcement,
    Download,
    Edition,
    EventKind,
    IssueAccess,
    IssueEvent,
    Membership,
    Proof,
    ProofStatus,
    Release,
    SearchEntry,
)
from publishing.selectors import issue_articles_for_print

logger = logging.getLogger(__name__)


def _rendering():
    """The WeasyPrint side, imported on first render (web workers never need it)."""
    from publishing import rendering

    return rendering


# =========================================================================== rendering

class RenderTimeout(RenderError):
    """The render took longer than its time limit and was stopped."""


@dataclass(frozen=True)
class RenderResult:
    pdf_path: Path | None
    html_dir: Path | None
    pages: int
    seconds: float


def _pdf_page_count(path: Path) -> int:
    """Parse the PDF with an independent reader (poppler's pdfinfo) and return its pages."""
    try:
        info = subprocess.run(
            ["pdfinfo", str(path)], capture_output=True, text=True, timeout=60, check=False
        )
    except FileNotFoundError as exc:
        raise RenderError("pdfinfo is missing (Debian package poppler-utils)") from exc
    except subprocess.TimeoutExpired as exc:
        raise RenderError("the rendered PDF could not be checked (pdfinfo timed out)") from exc
    if info.returncode != 0:
        raise RenderError(f"the rendered PDF does not parse: {info.stderr.strip()[:300]}")
    for line in info.stdout.splitlines():
        if line.startswith("Pages:"):
            return int(line.split(":", 1)[1])
    return 0


def _child_render(html: str, sources: list[tuple[str, str]], target: str, connection) -> None:
    """Runs in the forked child: WeasyPrint only, no database; reports through ``connection``."""
    try:
        Path(target).write_bytes(_rendering().pdf_from_html(html, sources=sources))
        connection.send(("ok", None))
    except MissingGlyphsError as exc:
        connection.send(("glyphs", exc.problems))
    except BaseException as exc:  # whatever it is, the parent reports it
        connection.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        connection.close()


def _render_pdf_file(html: str, sources: list[tuple[str, str]], target: Path,
                     deadline: float, started: float) -> None:
    """Write the PDF for ``html`` to ``target`` in a child process stopped at ``deadline``,
    checking the text against the fonts in this process meanwhile (the machine has two cores).

    A child process can be stopped at any point, also inside Pango's C code, and takes its
    memory with it when it ends.
    """
    if "fork" not in multiprocessing.get_all_start_methods():  # pragma: no cover - not Linux
        logger.warning("no fork() on this platform: rendering without a time limit")
        _rendering().check_glyphs(sources)
        target.write_bytes(_rendering().pdf_from_html(html, sources=sources))
        return
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    process = context.Process(
        target=_child_render, args=(html, sources, str(target), writer), daemon=True
    )
    process.start()
    writer.close()
    try:
        _rendering().check_glyphs(sources)
        if not reader.poll(max(0.0, deadline - time.monotonic())):
            raise RenderTimeout(
                f"the render was stopped after {time.monotonic() - started:.1f} s "
                f"(time limit; settings.BULLETIN_RENDER_TIMEOUT)"
            )
        try:
            status, payload = reader.recv()
        except EOFError:
            process.join(5)
            raise RenderError(
                f"the renderer process ended without a result (exit code {process.exitcode})"
            ) from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        reader.close()
    if status == "glyphs":
        raise MissingGlyphsError(payload)
    if status != "ok":
        raise RenderError(f"the PDF could not be rendered: {payload}")


def _replace_dir(new: Path, target: Path) -> None:
    """Move the folder ``new`` to ``target``, replacing what is there; undone on failure."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
        os.replace(target, old)
    try:
        os.replace(new, target)
    except BaseException:
        if old is not None:
            os.replace(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def issue_render(*, issue: Issue, pdf_path: Path | str | None = None,
                 html_dir: Path | str | None = None, print_mode: bool = False,
                 timeout: float | None = None) -> RenderResult:
    """Render ``issue`` to a PDF and/or an HTML edition folder, all or nothing.

    The editions the site serves are made by ``issue_publish`` below, which calls this with its
    own (staging) targets. Raises ``MissingGlyphsError`` (naming the article), ``RenderTimeout``
    or ``RenderError``; the files already in place are then left untouched.
    """
    started = time.monotonic()
    limit = settings.BULLETIN_RENDER_TIMEOUT if timeout is None else timeout
    deadline = started + limit
    if pdf_path is None and html_dir is None:
        raise ValueError("issue_render needs a PDF file, an HTML folder, or both")
    pdf_target = Path(pdf_path).resolve() if pdf_path is not None else None
    html_target = Path(html_dir).resolve() if html_dir is not None else None

    pdf_temp = html_temp = None
    pages = 0
    try:
        if pdf_target is not None:
            html, sources = _rendering().issue_render_input(issue, print_mode=print_mode)
            pdf_target.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=".issue-", suffix=".pdf.part",
                                            dir=pdf_target.parent)
            os.close(handle)
            pdf_temp = Path(name)
            _render_pdf_file(html, sources, pdf_temp, deadline, started)
            pages = _pdf_page_count(pdf_temp)
            if pages < 1:
                raise RenderError("the rendered PDF has no pages")
        if html_target is not None:
            html_target.parent.mkdir(parents=True, exist_ok=True)
            html_temp = Path(tempfile.mkdtemp(prefix=f".{html_target.name}-",
                                              dir=html_target.parent))
            _rendering().edition_write(issue, html_temp)
            if time.monotonic() > deadline:
                raise RenderTimeout(f"the render took longer than its limit of {limit} s")
        if pdf_temp is not None:
            pdf_temp.chmod(0o644)
            os.replace(pdf_temp, pdf_target)
            pdf_temp = None
        if html_temp is not None:
            html_temp.chmod(0o755)
            _replace_dir(html_temp, html_target)
            html_temp = None
    finally:
        if pdf_temp is not None:
            pdf_temp.unlink(missing_ok=True)
        if html_temp is not None:
            shutil.rmtree(html_temp, ignore_errors=True)
    return RenderResult(pdf_target, html_target, pages, time.monotonic() - started)


# =========================================================================== the members' library

MAX_CSV_ROWS = 20_000
MAIL_BATCH = 200

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


# --------------------------------------------------------------------------- members


def _member_group() -> Group:
    group, _created = Group.objects.get_or_create(name=MEMBER_GROUP)
    return group


def _split_name(name: str) -> tuple[str, str]:
    # Chinese names are written family name first, as one string: keep them whole.
    return name, ""


def _parse_date(value: str) -> dt.date:
    value = value.strip().replace("/", "-").replace(".", "-")
    return dt.date.fromisoformat(value)


def _validate_member(*, name: str, email: str, existing: set[str], where: str,
                     problems: list[str]) -> str:
    email = email.strip().lower()
    if not name.strip():
        problems.append(_("%(where)s：缺少姓名") % {"where": where})
    if not email:
        problems.append(_("%(where)s：缺少邮箱") % {"where": where})
        return email
    try:
        validate_email(email)
    except ValidationError:
        problems.append(_("%(where)s：邮箱“%(email)s”格式不正确") % {"where": where, "email": email})
        return email
    if email in existing:
        problems.append(_("%(where)s：邮箱“%(email)s”已存在") % {"where": where, "email": email})
    return email


def _create_members(rows: list[MemberRow], *, added_by) -> list[Membership]:
    User = get_user_model()
    users = [
        User(username=row.email, email=row.email, first_name=_split_name(row.name)[0][:150],
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
        Membership(user=by_email[r.email], organisation=r.organisation[:200],
                   expires_on=r.expires_on, created_by=added_by)
        for r in rows
    ]
    Membership.objects.bulk_create(memberships, batch_size=500)
    return list(Membership.objects.filter(user__in=by_email.values()).select_related("user"))


def _existing_emails() -> set[str]:
    return {e.lower() for e in get_user_model().objects.values_list("email", flat=True) if e}


@transaction.atomic
def member_add(*, name: str, email: str, organisation: str = "",
               expires_on: dt.date | None = None, added_by=None,
               send_invitation: bool = True) -> Membership:
    """Add one member; raises ``MemberImportError`` with the reasons when the data is bad."""
    problems: list[str] = []
    email = _validate_member(name=name, email=email, existing=_existing_emails(),
                             where=_("会员"), problems=problems)
    if problems:
        raise MemberImportError(problems)
    row = MemberRow(line=0, name=name.strip(), email=email, organisation=organisation.strip(),
                    expires_on=expires_on)
    membership = _create_members([row], added_by=added_by)[0]
    if send_invitation:
        ids = [membership.pk]
        transaction.on_commit(lambda: members_send_invitations(membership_ids=ids))
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


@transaction.atomic
def members_import_csv(*, data: bytes, added_by=None,
                       send_invitations: bool = True) -> MemberImportResult:
    """Create every member in the CSV or none: a bad row stops the whole file, with a report
    of every bad row (line numbers as a spreadsheet shows them)."""
    records = _read_csv(data)
    existing = _existing_emails()
    seen: dict[str, int] = {}
    problems: list[str] = []
    rows: list[MemberRow] = []
    for index, record in enumerate(records, start=2):
        where = _("第 %(line)s 行") % {"line": index}
        email = _validate_member(name=record.get("name", ""), email=record.get("email", ""),
                                 existing=existing, where=where, problems=problems)
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
                                % {"where": where, "value": record["expires_on"]})
        rows.append(MemberRow(index, record.get("name", "").strip(), email,
                              record.get("organisation", ""), expires_on))
    if problems:
        raise MemberImportError(problems)
    created = _create_members(rows, added_by=added_by)
    if send_invitations:
        ids = [m.pk for m in created]
        transaction.on_commit(lambda: members_send_invitations(membership_ids=ids))
    return MemberImportResult(created=created)


def _invitation(membership: Membership, connection) -> EmailMultiAlternatives:
    user = membership.user
    path = reverse("password_reset_confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    })
    context = {
        "membership": membership,
        "name": str(membership),
        "link": settings.BULLETIN_SITE_URL.rstrip("/") + path,
        "site_url": settings.BULLETIN_SITE_URL,
    }
    with translation.override("zh-hans"):
        subject = render_to_string("publishing/email/invitation_subject.txt", context).strip()
        body = render_to_string("publishing/email/invitation.txt", context)
    return EmailMultiAlternatives(subject, body, to=[user.email], connection=connection)


def members_send_invitations(*, membership_ids: list[int]) -> int:
    """Send set-password invitations in batches over one connection; marks who was invited."""
    sent = 0
    memberships = Membership.objects.filter(pk__in=membership_ids, invited_at__isnull=True)
    with get_connection() as connection:
        batch: list[Membership] = []
        for membership in memberships.select_related("user").iterator(chunk_size=MAIL_BATCH):
            batch.append(membership)
            if len(batch) == MAIL_BATCH:
                sent += _send_batch(batch, connection)
                batch = []
        if batch:
            sent += _send_batch(batch, connection)
    return sent


def _send_batch(batch: list[Membership], connection) -> int:
    messages = [_invitation(m, connection) for m in batch]
    count = connection.send_messages(messages) or 0
    Membership.objects.filter(pk__in=[m.pk for m in batch]).update(invited_at=timezone.now())
    return count


# --------------------------------------------------------------------------- issues


@transaction.atomic
def issue_set_access(*, issue: Issue, level: str, embargo_months: int = 0) -> IssueAccess:
    if level == AccessLevel.EMBARGO and embargo_months < 1:
        raise ValidationError({"embargo_months": _("“到期后公开”需要至少 1 个月。")})
    access, _created = IssueAccess.objects.select_for_update().get_or_create(issue=issue)
    access.level = level
    access.embargo_months = embargo_months if level == AccessLevel.EMBARGO else 0
    access.save()
    issue_touch(issue_id=issue.pk)
    return access


def download_record(*, issue: Issue, user) -> Download:
    return Download.objects.create(
        issue=issue, user=user if getattr(user, "is_authenticated", False) else None
    )


@transaction.atomic
def search_index_issue(*, issue: Issue) -> int:
    """(Re)write the search entries of ``issue`` from the articles it prints."""
    articles = issue_articles_for_print(issue)
    SearchEntry.objects.filter(Q(issue=issue) | Q(article__in=articles)).delete()
    entries = [
        SearchEntry(
            article=article,
            issue=issue,
            title=" ".join(filter(None, [article.title, article.subtitle])),
            authors=" ".join(c.contributor.name for c in article.credits.all()),
            tags=" ".join(t.name for t in article.tags.all()),
            body_text=plain_text(article.body),
            summary=article.summary,
        )
        for article in articles
    ]
    SearchEntry.objects.bulk_create(entries)
    return len(entries)


def issue_cover_thumbnail(*, issue: Issue, pdf_path: Path, width: int = 360) -> Path | None:
    """PNG of the PDF's first page, made once per PDF (poppler's pdftoppm) and kept beside it."""
    if not pdf_path.is_file():
        return None
    target = pdf_path.with_name("cover-thumbnail.png")
    if target.is_file() and target.stat().st_mtime_ns >= pdf_path.stat().st_mtime_ns:
        return target
    with tempfile.TemporaryDirectory(dir=pdf_path.parent) as tmp:
        stem = Path(tmp) / "thumb"
        try:
            subprocess.run(
                ["pdftoppm", "-png", "-f", "1", "-l", "1", "-singlefile",
                 "-scale-to-x", str(width), "-scale-to-y", "-1", str(pdf_path), str(stem)],
                check=True, capture_output=True, timeout=60,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            logger.warning("cover thumbnail of %s failed: %s", issue, exc)
            return None
        os.replace(stem.with_suffix(".png"), target)
    return target


def issue_announce(*, issue: Issue) -> int:
    """E-mail every active member that ``issue`` is out, once: a second call (another worker,
    a re-run) finds the announcement row and sends nothing. Returns the number sent."""
    with transaction.atomic():
        announcement, created = Announcement.objects.select_for_update().get_or_create(issue=issue)
        if not created:
            return 0
    today = timezone.localdate()
    recipients = list(
        Membership.objects.filter(user__is_active=True)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    context = {
        "issue": issue,
        "articles": issue_articles_for_print(issue),
        "link": settings.BULLETIN_SITE_URL.rstrip("/") + issue.get_absolute_url(),
    }
    with translation.override("zh-hans"):
        subject = render_to_string("publishing/email/announcement_subject.txt", context).strip()
        body = render_to_string("publishing/email/announcement.txt", context)
    sent = 0
    with get_connection() as connection:
        for start in range(0, len(recipients), MAIL_BATCH):
            batch = recipients[start:start + MAIL_BATCH]
            messages = [EmailMultiAlternatives(subject, body, to=[email], connection=connection)
                        for email in batch]
            sent += connection.send_messages(messages) or 0
            Announcement.objects.filter(pk=announcement.pk).update(recipients=start + len(batch))
    Announcement.objects.filter(pk=announcement.pk).update(sent_at=timezone.now(), recipients=sent)
    return sent


def pdf_page_thumbnails(*, pdf_path: Path, directory: Path, width: int = 200) -> list[Path]:
    """One small PNG per page (page-1.png …) for editors to look over a proof."""
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-scale-to-x", str(width), "-scale-to-y", "-1", str(pdf_path),
         str(directory / "page")],
        check=True, capture_output=True, timeout=300,
    )
    pages = sorted(directory.glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    for index, page in enumerate(pages, start=1):
        page.rename(directory / f"page-{index}.png")
    return [directory / f"page-{i}.png" for i in range(1, len(pages) + 1)]


# =========================================================================== releases

class PublishError(Exception):
    """Publishing could not complete; the message says why in words an editor understands."""


@dataclass
class PublishOutcome:
    edition: Edition | None
    reason: str  # "published", "already-published", "stale", "claimed", "not-due"


def _worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _event(issue: Issue, kind: str, actor=None, message: str = "") -> IssueEvent:
    return IssueEvent.objects.create(issue=issue, kind=kind, actor=actor, message=message)


def _editor_emails() -> list[str]:
    users = get_user_model().objects.filter(
        Q(is_superuser=True) | Q(groups__name=EDITOR_GROUP), is_active=True
    ).exclude(email="").distinct()
    return sorted(users.values_list("email", flat=True))


# --------------------------------------------------------------------------- scheduling


@transaction.atomic
def issue_schedule(*, issue: Issue, release_at: datetime, actor) -> Release:
    """Set (or move) the release time; the publish task for the old time becomes stale."""
    if not permissions.user_is_editor(actor):
        raise PermissionDenied
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    if issue.status == IssueStatus.PUBLISHED:
        raise ValidationError(_("本期已出版，不能再排期；如需更正请发布新版本。"))
    if release_at <= timezone.now():
        raise ValidationError(_("出版时间必须晚于当前时间。"))
    blocking = [item.label for item in selectors.issue_readiness(issue) if not item.ok]
    if blocking:
        raise ValidationError(_("尚未准备就绪：%(items)s") % {"items": "；".join(blocking)})
    local = timezone.localtime(release_at)
    release = _set_release(issue=issue, release_at=release_at, actor=actor, note=_(
        "计划于 %(time)s 出版") % {"time": local.strftime("%Y-%m-%d %H:%M")})
    token = str(release.token)
    transaction.on_commit(lambda: _enqueue_publish(issue.pk, token, release_at))
    return release


def _set_release(*, issue: Issue, release_at: datetime, actor, note: str) -> Release:
    """Give the (locked) issue a release time and a fresh token, mark it scheduled, log it.
    A new token makes any publish task queued for an earlier time stale."""
    release, _created = Release.objects.select_for_update().get_or_create(issue=issue)
    release.release_at = release_at
    release.token = uuid.uuid4()
    release.scheduled_by = actor
    release.last_error = ""
    release.last_error_at = None
    release.save()
    issue_set_status(issue=issue, status=IssueStatus.SCHEDULED)
    _event(issue, EventKind.SCHEDULED, actor, note)
    return release


def _enqueue_publish(issue_id: int, token: str, release_at: datetime) -> None:
    from publishing.tasks import publish_issue_task

    publish_issue_task.using(run_after=release_at).enqueue(issue_id, token)


@transaction.atomic
def issue_unschedule(*, issue: Issue, actor) -> Release:
    if not permissions.user_is_editor(actor):
        raise PermissionDenied
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    release = Release.objects.select_for_update().filter(issue=issue).first()
    if release is None or issue.status != IssueStatus.SCHEDULED:
        raise ValidationError(_("本期没有排期。"))
    release.release_at = None
    release.token = None
    release.save()
    issue_set_status(issue=issue, status=IssueStatus.PLANNING)
    _event(issue, EventKind.UNSCHEDULED, actor)
    return release


# --------------------------------------------------------------------------- publishing


def _claim(issue: Issue, token: str | None, worker: str, *, force_due: bool) -> str | None:
    """Take the release for this worker. Returns None on success, else why not."""
    now = timezone.now()
    stale_before = now - timedelta(seconds=settings.BULLETIN_PUBLISH_CLAIM_TIMEOUT)
    with transaction.atomic():
        current = Issue.objects.select_for_update().get(pk=issue.pk)
        if current.status == IssueStatus.PUBLISHED:
            return "already-published"
        release = Release.objects.select_for_update().filter(issue=issue).first()
        if release is None or current.status != IssueStatus.SCHEDULED:
            return "stale"
        if token is not None and str(release.token) != token:
            return "stale"
        if not force_due and (release.release_at is None or release.release_at > now):
            return "not-due"
        claimed = Release.objects.filter(pk=release.pk).filter(
            Q(claimed_by="") | Q(claimed_at__lt=stale_before)
        ).update(claimed_by=worker, claimed_at=now)
        return None if claimed == 1 else "claimed"


def _version_dir(issue: Issue, version: int) -> Path:
    return selectors.issue_edition_root(issue) / f"v{version}"


def _verify_pdf(path: Path) -> int:
    """A PDF we will hand to members: it must parse and have pages."""
    try:
        reader = PdfReader(str(path))
        pages = len(reader.pages)
    except Exception as exc:
        raise PublishError(_("生成的 PDF 无法读取：%(error)s") % {"error": exc}) from exc
    if pages < 1:
        raise PublishError(_("生成的 PDF 没有页面。"))
    return pages


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _render_staging(issue: Issue, staging: Path, content_hash: str) -> str:
    """Fill ``staging`` with issue.pdf and html/. Ships the proof's PDF when it was made from
    exactly this content, so what editors looked at is what members get."""
    proof = (
        Proof.objects.filter(issue=issue, status=ProofStatus.READY, content_hash=content_hash)
        .order_by("-finished_at").first()
    )
    if proof is not None and proof.pdf_path.is_file():
        shutil.copyfile(proof.pdf_path, staging / "issue.pdf")
        issue_render(issue=issue, pdf_path=None, html_dir=staging / "html")
        return "proof"
    issue_render(issue=issue, pdf_path=staging / "issue.pdf", html_dir=staging / "html")
    return "render"


def issue_publish(*, issue: Issue, token: str | None = None, actor=None,
                  force_due: bool = False) -> PublishOutcome:
    """Publish a scheduled issue once. Safe to call from several workers at the same time."""
    worker = _worker_id()
    refused = _claim(issue, token, worker, force_due=force_due)
    if refused is not None:
        return PublishOutcome(None, refused)
    target: Path | None = None
    try:
        content_hash = selectors.issue_content_hash(issue)
        version = (issue.editions.order_by("-version").values_list("version", flat=True)
                   .first() or 0) + 1
        target, pages, source = _render_new_version(issue, version, content_hash)
        with transaction.atomic():
            edition = _record_edition(issue=issue, version=version, target=target, pages=pages,
                                      content_hash=content_hash, actor=actor)
            issue_set_status(issue=issue, status=IssueStatus.PUBLISHED)
            Release.objects.filter(issue=issue).update(claimed_by="", claimed_at=None,
                                                       last_error="", last_error_at=None)
            _event(issue, EventKind.PUBLISHED, actor, _("第 %(v)s 版，%(pages)s 页（%(source)s）") % {
                "v": version, "pages": pages,
                "source": _("沿用已审校样") if source == "proof" else _("重新排版")})
            issue_id = issue.pk
            transaction.on_commit(lambda: _after_publish(issue_id))
        return PublishOutcome(edition, "published")
    except Exception as exc:
        if target is not None and not Edition.objects.filter(
            issue=issue, directory=_relative(target)
        ).exists():
            shutil.rmtree(target, ignore_errors=True)
        _record_failure(issue, worker, exc)
        raise


def issue_publish_now(*, issue: Issue, actor=None) -> PublishOutcome:
    """Publish an issue at once through the same path as a scheduled release (back issues,
    the demo, `manage.py publish_issue`). Command-line and admin use only: no permission check.
    An issue already published is left as it is."""
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        if issue.status == IssueStatus.PUBLISHED:
            return PublishOutcome(None, "already-published")
        release = _set_release(issue=issue, release_at=timezone.now(), actor=actor,
                               note=_("立即出版"))
    return issue_publish(issue=issue, token=str(release.token), actor=actor)


def _record_failure(issue: Issue, worker: str, exc: Exception) -> None:
    message = str(exc) or exc.__class__.__name__
    logger.error("publishing %s failed: %s", issue, message)
    with transaction.atomic():
        Release.objects.filter(issue=issue).update(
            claimed_by="", claimed_at=None, last_error=message, last_error_at=timezone.now()
        )
        _event(issue, EventKind.FAILED, None, message)
        issue_id = issue.pk
        transaction.on_commit(lambda: _enqueue_failure_mail(issue_id, message))


def _after_publish(issue_id: int) -> None:
    from publishing.tasks import after_publish_task

    after_publish_task.enqueue(issue_id)


def _enqueue_failure_mail(issue_id: int, message: str) -> None:
    from publishing.tasks import publish_failed_mail_task

    publish_failed_mail_task.enqueue(issue_id, message)


def issue_after_publish(*, issue: Issue) -> None:
    """Side effects of publishing: the search index and the members' announcement (once)."""
    search_index_issue(issue=issue)
    sent = issue_announce(issue=issue)
    if sent:
        _event(issue, EventKind.ANNOUNCED, None, _("已通知 %(n)s 位会员") % {"n": sent})


def issue_publish_failed_mail(*, issue: Issue, message: str) -> int:
    recipients = _editor_emails()
    if not recipients:
        return 0
    context = {"issue": issue, "message": message,
               "link": settings.BULLETIN_SITE_URL.rstrip("/") + selectors.board_url(issue)}
    with translation.override("zh-hans"):
        subject = render_to_string("publishing/email/publish_failed_subject.txt", context).strip()
        body = render_to_string("publishing/email/publish_failed.txt", context)
    return send_mail(subject, body, None, recipients)


def issue_publish_due(*, now: datetime | None = None) -> list[tuple[Issue, PublishOutcome | str]]:
    """Publish every scheduled issue whose time has come (cron's ``publish_due``)."""
    now = now or timezone.now()
    due = Issue.objects.filter(status=IssueStatus.SCHEDULED, release__release_at__lte=now)
    results: list[tuple[Issue, PublishOutcome | str]] = []
    for issue in due.select_related("publication"):
        try:
            results.append((issue, issue_publish(issue=issue)))
        except Exception as exc:
            results.append((issue, str(exc)))
    return results


def _render_new_version(issue: Issue, version: int, content_hash: str) -> tuple[Path, int, str]:
    """Render into staging and rename into the version folder; returns (folder, pages, how)."""
    root = selectors.issue_edition_root(issue)
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root))
    try:
        source = _render_staging(issue, staging, content_hash)
        pages = _verify_pdf(staging / "issue.pdf")
        target = _version_dir(issue, version)
        if target.exists():  # left by a run that died between rename and commit
            shutil.rmtree(target)
        os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target, pages, source


def _relative(path: Path) -> str:
    return str(path.relative_to(Path(settings.EDITIONS_ROOT)))


def _record_edition(*, issue: Issue, version: int, target: Path, pages: int, content_hash: str,
                    actor, **extra) -> Edition:
    """The Edition row for files already in their version folder (inside the caller's
    transaction; on failure the caller removes the folder)."""
    pdf = target / "issue.pdf"
    return Edition.objects.create(
        issue=issue, version=version, directory=_relative(target), pdf_sha256=_sha256(pdf),
        pdf_size=pdf.stat().st_size, page_count=pages, content_hash=content_hash,
        published_by=actor, **extra,
    )


def edition_correct(*, issue: Issue, erratum: str, actor) -> Edition:
    """A correction: render the issue again as a new version with a dated erratum note.
    The earlier edition stays downloadable, marked superseded."""
    if not permissions.user_is_editor(actor):
        raise PermissionDenied
    if not erratum.strip():
        raise ValidationError(_("请填写勘误说明。"))
    current = issue.editions.filter(superseded_at__isnull=True).first()
    if current is None:
        raise ValidationError(_("本期尚未出版，无需发布更正版。"))
    content_hash = selectors.issue_content_hash(issue)
    target, pages, _source = _render_new_version(issue, current.version + 1, content_hash)
    try:
        with transaction.atomic():
            locked = Edition.objects.select_for_update().get(pk=current.pk)
            if locked.superseded_at is not None:
                raise ValidationError(_("另一位编辑刚刚发布了更正版，请刷新后再试。"))
            now = timezone.now()
            Edition.objects.filter(pk=current.pk).update(superseded_at=now)
            edition = _record_edition(
                issue=issue, version=current.version + 1, target=target, pages=pages,
                content_hash=content_hash, actor=actor, published_at=now,
                erratum=f"{timezone.localdate():%Y-%m-%d}：{erratum.strip()}",
            )
            issue_touch(issue_id=issue.pk)
            _event(issue, EventKind.EDITION, actor,
                   _("第 %(v)s 版：%(e)s") % {"v": edition.version, "e": erratum.strip()})
            issue_id = issue.pk
            transaction.on_commit(lambda: _index_after_correction(issue_id))
    except Exception:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return edition


def _index_after_correction(issue_id: int) -> None:
    search_index_issue(issue=Issue.objects.get(pk=issue_id))


# --------------------------------------------------------------------------- proofs


@transaction.atomic
def proof_request(*, issue: Issue, actor) -> Proof:
    """Queue a full-issue PDF proof; the page shows its progress and then its thumbnails."""
    if not permissions.user_is_editor(actor):
        raise PermissionDenied
    proof = Proof.objects.create(issue=issue, requested_by=actor)
    _event(issue, EventKind.PROOF, actor, _("申请校样"))
    proof_id = proof.pk
    transaction.on_commit(lambda: _enqueue_proof(proof_id))
    return proof


def _enqueue_proof(proof_id: int) -> None:
    from publishing.tasks import render_proof_task

    render_proof_task.enqueue(proof_id)


def _proof_progress(proof: Proof, status: str, progress: int, **fields) -> None:
    Proof.objects.filter(pk=proof.pk).update(status=status, progress=progress, **fields)


def proof_render(*, proof: Proof) -> Proof:
    """Render the proof PDF and its page thumbnails; records the content hash it was made from."""
    issue = proof.issue
    content_hash = selectors.issue_content_hash(issue)
    directory = selectors.issue_edition_root(issue) / "proofs" / f"{proof.pk}-{content_hash[:12]}"
    _proof_progress(proof, ProofStatus.RENDERING, 10, content_hash=content_hash)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        issue_render(issue=issue, pdf_path=directory / "proof.pdf", html_dir=None)
        _proof_progress(proof, ProofStatus.RENDERING, 70)
        pages = _verify_pdf(directory / "proof.pdf")
        pdf_page_thumbnails(pdf_path=directory / "proof.pdf", directory=directory / "pages")
    except Exception as exc:
        _proof_progress(proof, ProofStatus.FAILED, 100, error=str(exc) or exc.__class__.__name__,
                        finished_at=timezone.now())
        raise
    _proof_progress(
        proof, ProofStatus.READY, 100, page_count=pages, finished_at=timezone.now(),
        directory=str(directory.relative_to(Path(settings.EDITIONS_ROOT))),
    )
    proof.refresh_from_db()
    return proof


# --------------------------------------------------------------------------- print-shop file

def issue_print_file(*, issue: Issue) -> Path:
    """The print-shop PDF (PDF/X-4) of the issue as it stands, rendered once per content
    fingerprint and kept beside its proofs; older print files of the issue are removed."""
    folder = selectors.issue_edition_root(issue) / "print"
    fingerprint = selectors.issue_content_hash(issue)[:16]
    target = folder / f"{issue.publication.slug}-{issue.number}-print-{fingerprint}.pdf"
    if not target.is_file():
        issue_render(issue=issue, pdf_path=target, print_mode=True)
        for old in folder.glob("*-print-*.pdf"):
            if old != target:
                old.unlink(missing_ok=True)
    return target
