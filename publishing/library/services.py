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
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from editorial.mail import mail_messages_each
from editorial.models import Issue
from editorial.permissions import require
from editorial.richtext import plain_text
from editorial.services import issue_touch
from publishing.library.members import MAIL_BATCH
from publishing.models import (
    AccessLevel,
    Announcement,
    Download,
    IssueAccess,
    Membership,
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
            authors=" ".join(c.name for c in article.printed.credits),
            tags=" ".join(article.printed.tags),
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
        "link": settings.SITE_URL.rstrip("/") + issue.get_absolute_url(),
    }
    sent = 0
    with get_connection() as connection:
        for start in range(0, len(recipients), MAIL_BATCH):
            batch = recipients[start:start + MAIL_BATCH]
            messages = mail_messages_each("publishing/email/announcement", context, batch,
                                          connection=connection)
            sent += connection.send_messages(messages) or 0
            Announcement.objects.filter(pk=announcement.pk).update(recipients=start + len(batch))
    Announcement.objects.filter(pk=announcement.pk).update(sent_at=timezone.now(), recipients=sent)
    return sent
