"""The archive: published issues, their covers, the paginated archive, the feed, and
``published_stamp``, the stamp of everything published.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from editorial.models import Issue, IssueStatus
from publishing import filestore
from publishing.models import Edition, SearchEntry


def issue_list_published() -> QuerySet[Issue]:
    return (
        Issue.objects.filter(status=IssueStatus.PUBLISHED)
        .select_related("publication", "cover_image")
        .order_by("-cover_date", "-number")
    )


ARCHIVE_PAGE_SIZE = 24


# A datetime column as whole microseconds since 1970, an integer whatever the engine (SQLite
# keeps milliseconds of it), so that a sum of them is exact.
_EPOCH_MICROSECONDS = {
    "postgresql": "CAST(EXTRACT(EPOCH FROM {column}) * 1000000 AS BIGINT)",
    "sqlite": "CAST((julianday({column}) - 2440587.5) * 86400000000 AS INTEGER)",
}


@cache
def _stamp_sql(vendor: str) -> str:
    """Written out, not an ORM aggregate: building and compiling that took 0.7 ms of every
    library page that keys a cache on the stamp, the query itself 0.2. Identifiers are the
    model's, quoted; the status is a parameter."""
    quote = connection.ops.quote_name
    epoch = _EPOCH_MICROSECONDS[vendor].format(column=quote(Issue._meta.get_field("updated_at").column))
    return (f"SELECT COUNT(*), MAX({epoch}), SUM({epoch}) "  # noqa: S608
            f"FROM {quote(Issue._meta.db_table)} WHERE {quote(Issue._meta.get_field('status').column)} = %s")


def published_stamp() -> str:
    """A stamp of everything published: it changes whenever an issue is published or anything
    it shows changes (``issue_touch`` stamps ``updated_at``), so caches keyed on it are never
    stale. One query."""
    # The sum as well as the newest: two transactions touching two issues may commit in the
    # other order than their clocks, and the later commit's older time would not move the
    # newest; every touch moves the sum. Whole microseconds, so the sum is exact on any engine.
    with connection.cursor() as cursor:
        cursor.execute(_stamp_sql(connection.vendor), [IssueStatus.PUBLISHED.value])
        count, last, total = cursor.fetchone()
    return f"{count}:{last or 0}:{total or 0}"


def issue_cover_name(issue: Issue, edition: Edition) -> str:
    """The cover thumbnail's file under ``COVERS_ROOT``: keyed on the PDF it shows."""
    return f"{issue.publication.slug}/{issue.number}-{edition.pdf_sha256[:16] or edition.pk}.png"


def _with_cover_urls(issues: list[Issue]) -> list[Issue]:
    """Give each issue ``cover_url``: the static thumbnail made at publish when it exists,
    else the view that makes it (issues published before thumbnails were made at publish)."""
    root = Path(settings.COVERS_ROOT)
    # In a bucket, no per-cover request: publishing made the thumbnail (after_publish_task).
    stored = filestore.on_object_storage("covers")
    for issue in issues:
        current = issue.current_editions[0] if issue.current_editions else None
        name = current and issue_cover_name(issue, current)
        if name and (stored or (root / name).is_file()):
            issue.cover_url = settings.COVERS_URL + name
        else:
            issue.cover_url = reverse("publishing:issue_cover",
                                      args=[issue.publication.slug, issue.number])
    return issues


def issue_archive_page(page: str | int | None) -> tuple[Page, list[tuple[int | None, list[Issue]]]]:
    """One page of published issues, newest first, grouped by the year of their cover date:
    the same handful of queries whether the archive holds one issue or two hundred."""
    issues = issue_list_published().prefetch_related(Prefetch(
        "editions", queryset=Edition.objects.filter(superseded_at__isnull=True),
        to_attr="current_editions"))
    page_obj = Paginator(issues, ARCHIVE_PAGE_SIZE).get_page(page)
    groups: dict[int | None, list[Issue]] = {}
    for issue in _with_cover_urls(list(page_obj)):
        groups.setdefault(issue.cover_date.year if issue.cover_date else None, []).append(issue)
    return page_obj, list(groups.items())


def issue_feed_items(limit: int = 20) -> list[Issue]:
    """The newest published issues, each with ``contents`` (section, title) as printed: read
    from the search entries written at publish, in one query for all of them."""
    issues = list(issue_list_published()[:limit])
    contents: dict[int, list[tuple[str, str]]] = {issue.pk: [] for issue in issues}
    entries = (SearchEntry.objects.filter(issue__in=issues).order_by("issue_id", "pk")
               .values_list("issue_id", "article__section__name", "title"))
    for issue_id, section, title in entries:
        contents[issue_id].append((section, title))
    for issue in issues:
        issue.contents = contents[issue.pk]
    return issues


def issue_with_contents(*, publication_slug: str, number: int) -> Issue | None:
    """Any issue (published or not — the view checks), with what its page shows."""
    # (publication, number) is unique: no ordering, so no join for the default ordering.
    return (
        Issue.objects.select_related("publication", "cover_image", "access")
        .filter(publication__slug=publication_slug, number=number)
        .order_by()
        .first()
    )
