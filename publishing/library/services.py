"""Writes of the members' library: access levels, downloads, the search index, cover thumbnails
and the members' announcement of a new issue.
"""

from __future__ import annotations

import logging
import os
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from editorial.mail import mail_messages_each
from editorial.models import Issue, IssueStatus
from editorial.permissions import require
from editorial.richtext import plain_text
from editorial.services import issue_touch
from publishing import filestore
from publishing.filestore import StoredFile
from publishing.library.grams import text_grams
from publishing.library.mailing import deliveries_send
from publishing.library.members import members_send_invitations
from publishing.library.selectors import edition_pdf_file, issue_cover_name, issue_current_edition
from publishing.models import (
    AccessLevel,
    Announcement,
    Delivery,
    DeliveryKind,
    Download,
    Edition,
    IssueAccess,
    Membership,
    Read,
    SearchEntry,
)
from publishing.rendering.selectors import issue_articles_for_print

logger = logging.getLogger(__name__)


@transaction.atomic
def issue_set_access(*, issue: Issue, level: str, embargo_months: int = 0,
                     actor=None) -> IssueAccess:
    """Who may read the issue. Pages pass the ``actor`` and it needs
    ``publishing.manage_issues``; only commands and the demo (no actor) set it unchecked."""
    if actor is not None:
        require(actor, "publishing.manage_issues",
                message=_("只有编辑可以设置期刊的访问权限。"))
    if level == AccessLevel.EMBARGO and embargo_months < 1:
        raise ValidationError({"embargo_months": _("“到期后公开”需要至少 1 个月。")})
    access, _created = IssueAccess.objects.select_for_update().get_or_create(issue=issue)
    access.level = level
    access.embargo_months = embargo_months if level == AccessLevel.EMBARGO else 0
    access.save()
    issue_touch(issue_id=issue.pk)
    return access


# The download log's one INSERT, on PostgreSQL, as its own transaction that does not wait for
# its commit record to reach the disk: ``set_config(..., true)`` lasts until the end of the
# statement's implicit transaction, so nothing else is affected. One round trip.
_DOWNLOAD_ASYNC_INSERT = (
    "WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true)) "
    "INSERT INTO {table} ({issue}, {user}, {at}) SELECT %s, %s, %s FROM async_commit"
)


def download_record(*, issue: Issue, user) -> None:
    """One row per counted download (the editors' download counts).

    Written after the access decision and not waiting for the disk: on PostgreSQL, when the row
    is a statement of its own (autocommit, as in a request), its commit is asynchronous
    (``synchronous_commit = off`` for that transaction alone). A database crash can lose the
    last fraction of a second of download rows (at most 3 × ``wal_writer_delay``, 600 ms by
    default) — never a file, an access decision or any other data, and the database stays
    consistent. It spares every download a WAL flush (~7 ms on this machine's disk, more
    under load; docs/performance.md). Inside a caller's transaction the row simply joins it."""
    reader = user if getattr(user, "is_authenticated", False) else None
    download_record_ids(issue_id=issue.pk, user_id=reader.pk if reader else None)


def download_record_ids(*, issue_id: int, user_id: int | None) -> None:
    """``download_record`` by ids: the signed download link (``download_links``) knows them
    from its token and loads neither the issue nor the user."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        Download.objects.create(issue_id=issue_id, user_id=user_id)
        return
    meta, quote = Download._meta, connection.ops.quote_name
    sql = _DOWNLOAD_ASYNC_INSERT.format(
        table=quote(meta.db_table), issue=quote(meta.get_field("issue").column),
        user=quote(meta.get_field("user").column), at=quote(meta.get_field("downloaded_at").column))
    with connection.cursor() as cursor:
        cursor.execute(sql, [issue_id, user_id, timezone.now()])


def read_record(*, issue: Issue, slug: str, user) -> Read | None:
    """A web reading of a published ``issue`` (its contents page when ``slug`` is empty), for
    the secretariat's statistics: one INSERT, nothing read first. Editors looking at an issue
    before it is out are not readers."""
    if issue.status != IssueStatus.PUBLISHED:
        return None
    return Read.objects.create(
        issue=issue, slug=slug[:200], user=user if getattr(user, "is_authenticated", False) else None
    )


@transaction.atomic
def search_index_issue(*, issue: Issue) -> int:
    """(Re)write the search entries of ``issue`` from the articles it prints, with their grams."""
    articles = issue_articles_for_print(issue)
    SearchEntry.objects.filter(Q(issue=issue) | Q(article__in=articles)).delete()
    entries = []
    for article in articles:
        entry = SearchEntry(
            article=article,
            issue=issue,
            title=" ".join(filter(None, [article.title, article.subtitle])),
            authors=" ".join(c.name for c in article.printed.credits),
            tags=" ".join(article.printed.tags),
            body_text=plain_text(article.body),
            summary=article.summary,
        )
        entry.grams = text_grams(entry.title, entry.authors, entry.tags, entry.body_text)
        entries.append(entry)
    SearchEntry.objects.bulk_create(entries)
    issue_touch(issue_id=issue.pk)  # the feed shows the contents: its cache key changes
    return len(entries)


def issue_cover_thumbnail(*, issue: Issue, edition: Edition | None = None,
                          width: int = 360) -> Path | StoredFile | None:
    """The PNG of the current edition's first page (poppler's pdftoppm), made once into
    ``COVERS_ROOT`` under a name keyed on the PDF's hash: publishing makes it, the web server
    serves it as a static file, and a correction gets a new name (never a stale cover)."""
    edition = edition or issue_current_edition(issue)
    if edition is None:
        return None
    if filestore.on_object_storage("covers"):
        return _stored_cover_thumbnail(issue, edition, width)
    if not edition.pdf_path.is_file():
        return None
    target = Path(settings.COVERS_ROOT) / issue_cover_name(issue, edition)
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        stem = Path(tmp) / "thumb"
        try:
            subprocess.run(
                ["pdftoppm", "-png", "-f", "1", "-l", "1", "-singlefile",
                 "-scale-to-x", str(width), "-scale-to-y", "-1", str(edition.pdf_path), str(stem)],
                check=True, capture_output=True, timeout=60,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            logger.warning("cover thumbnail of %s failed: %s", issue, exc)
            return None
        os.chmod(stem.with_suffix(".png"), 0o644)
        os.replace(stem.with_suffix(".png"), target)
    return target


def _first_page_png(pdf: Path, stem: Path, width: int) -> Path | None:
    try:
        subprocess.run(
            ["pdftoppm", "-png", "-f", "1", "-l", "1", "-singlefile",
             "-scale-to-x", str(width), "-scale-to-y", "-1", str(pdf), str(stem)],
            check=True, capture_output=True, timeout=60,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        logger.warning("cover thumbnail of %s failed: %s", pdf, exc)
        return None
    return stem.with_suffix(".png")


def _stored_cover_thumbnail(issue: Issue, edition: Edition, width: int) -> StoredFile | None:
    """Object storage: the PDF is fetched, its first page drawn here and the PNG put under its
    hash-keyed name (one PUT: readers see the whole object or none)."""
    store, name = filestore.storage("covers"), issue_cover_name(issue, edition)
    if store.exists(name):
        return StoredFile("covers", name)
    pdf = edition_pdf_file(edition)
    with tempfile.TemporaryDirectory(prefix="bulletin-cover-") as tmp:
        local = filestore.download_to(pdf.storage, pdf.name, Path(tmp) / "issue.pdf")
        png = _first_page_png(local, Path(tmp) / "thumb", width)
        if png is None:
            return None
        with png.open("rb") as handle:
            store.save(name, File(handle, name=png.name))
    return StoredFile("covers", name)


def issue_announce(*, issue: Issue) -> int:
    """E-mail every active member that ``issue`` is out, each exactly once.

    The first call decides who is told (a ``Delivery`` row per member, with the announcement
    row, in one transaction); every call then sends the rows still pending, so a call that
    failed part-way (the mail server went away) is resumed by the next, and a call while
    another is sending takes other rows or none. Returns the number this call sent."""
    with transaction.atomic():
        announcement, created = Announcement.objects.select_for_update().get_or_create(issue=issue)
        if created:
            today = timezone.localdate()
            recipients = (
                Membership.objects.filter(user__is_active=True)
                .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
                .exclude(user__email="")
                .values_list("user_id", "user__email")
            )
            deliveries = [Delivery(kind=DeliveryKind.ANNOUNCEMENT, announcement=announcement,
                                   user_id=user_id, email=email) for user_id, email in recipients]
            Delivery.objects.bulk_create(deliveries, batch_size=1000)
            Announcement.objects.filter(pk=announcement.pk).update(recipients=len(deliveries))
    if announcement.sent_at is not None:
        return 0
    context = {
        "issue": issue,
        "articles": issue_articles_for_print(issue),
        "link": settings.SITE_URL.rstrip("/") + issue.get_absolute_url(),
    }

    def messages_for(batch: list[Delivery], connection) -> list:
        return mail_messages_each("publishing/email/announcement", context,
                                  [d.email for d in batch], connection=connection)

    sent = deliveries_send(deliveries=announcement.deliveries.all(), messages_for=messages_for)
    if not announcement.deliveries.filter(sent_at__isnull=True, failed_at__isnull=True).exists():
        Announcement.objects.filter(pk=announcement.pk, sent_at__isnull=True).update(
            sent_at=timezone.now())
    return sent


def mail_resume_pending() -> dict[str, int]:
    """Send whatever announcements and invitations are still pending (a run stopped by the mail
    server): what ``send_pending_mail`` runs from cron. Returns how many of each were sent."""
    announced = 0
    for announcement in Announcement.objects.filter(sent_at__isnull=True).select_related("issue"):
        announced += issue_announce(issue=announcement.issue)
    return {"announcements": announced, "invitations": members_send_invitations()}
