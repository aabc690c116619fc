"""Reads for the members' library: only published issues ever leave through here, and edition
files only from inside their folders.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    Count,
    Func,
    IntegerField,
    Max,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.html import escape

from editorial.models import (
    Issue,
    IssueStatus,
)
from publishing import filestore
from publishing.filestore import StoredFile
from publishing.library import grams, permissions
from publishing.library.mailing import delivery_counts
from publishing.models import (
    AccessLevel,
    Delivery,
    DeliveryKind,
    Download,
    Edition,
    MemberImport,
    MemberImportState,
    Membership,
    SearchEntry,
)
from publishing.rendering.selectors import issue_articles_for_print


def issue_list_published() -> QuerySet[Issue]:
    return (
        Issue.objects.filter(status=IssueStatus.PUBLISHED)
        .select_related("publication", "cover_image")
        .order_by("-cover_date", "-number")
    )


# --------------------------------------------------------------------------- members' library


@dataclass
class SearchHit:
    entry: SearchEntry
    title_html: str
    snippet_html: str


ARCHIVE_PAGE_SIZE = 24


class _EpochMicroseconds(Func):
    """A datetime as whole microseconds since 1970, an integer whatever the engine (SQLite keeps
    milliseconds of it), so that a sum of them is exact."""

    template = "CAST(EXTRACT(EPOCH FROM %(expressions)s) * 1000000 AS BIGINT)"
    output_field = BigIntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template=(
            "CAST((julianday(%(expressions)s) - 2440587.5) * 86400000000 AS INTEGER)"), **extra)


def published_stamp() -> str:
    """A stamp of everything published: it changes whenever an issue is published or anything
    it shows changes (``issue_touch`` stamps ``updated_at``), so caches keyed on it are never
    stale. One query."""
    # The sum as well as the newest: two transactions touching two issues may commit in the
    # other order than their clocks, and the later commit's older time would not move the
    # newest; every touch moves the sum. Whole microseconds, so the sum is exact on any engine.
    stats = Issue.objects.filter(status=IssueStatus.PUBLISHED).aggregate(
        count=Count("pk"), last=Max("updated_at"),
        total=Sum(_EpochMicroseconds("updated_at")))
    last = stats["last"].timestamp() if stats["last"] else 0
    return f"{stats['count']}:{last}:{stats['total'] or 0}"


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


def _highlight(text: str, terms: list[str], *, width: int | None = None) -> str:
    """Escape ``text`` and wrap each term in <mark>; with ``width``, cut a window around the
    first hit so a result shows why it matched."""
    if width is not None and text:
        lowered = text.lower()
        hits = [lowered.find(t.lower()) for t in terms if lowered.find(t.lower()) >= 0]
        start = max(min(hits) - width // 3, 0) if hits else 0
        window = text[start:start + width]
        text = ("…" if start else "") + window + ("…" if start + width < len(text) else "")
    if not terms:
        return escape(text)
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)),
                         re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last:match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def search_terms(query: str) -> list[str]:
    return [t for t in re.split(r"\s+", query.strip()) if t][:8]


@dataclass
class SearchResults:
    hits: list[SearchHit]
    total: int
    page: int
    pages: int


SEARCH_PAGE_SIZE = 20


def _search_matches(queryset: QuerySet[SearchEntry], terms: list[str],
                    vendor: str) -> QuerySet[SearchEntry] | None:
    """Entries containing every term: on PostgreSQL the AND of the terms' grams, answered by
    the GIN index alone; elsewhere (SQLite, a small site) a substring scan of the columns."""
    if vendor == "postgresql":
        query = grams.tsquery(terms)
        if not query:
            return None
        return queryset.filter(RawSQL('"publishing_searchentry"."grams" @@ %s::tsquery', [query],
                                      output_field=BooleanField()))
    for term in terms:
        queryset = queryset.filter(
            Q(title__icontains=term) | Q(authors__icontains=term) | Q(tags__icontains=term)
            | Q(body_text__icontains=term)
        )
    return queryset


# Plain scans of the entries read (and decompress) every stored vector: a sequential scan,
# or a full scan of another index (the planner's second choice once the first is off). With
# them off, a join the planner would have made by index scan carries the "disabled" cost
# (10^10), far above jit_above_cost: JIT compiling then took 3 s of a 5 ms query. So JIT too.
_SCANS_OFF = ("enable_seqscan", "enable_indexscan", "jit")


@contextmanager
def _gin_path(vendor: str) -> Iterator[None]:
    """Inside a transaction: leave the planner only bitmap scans, i.e. the GIN index.

    One statement sets them; when the transaction is the search's own, its COMMIT undoes them
    (SET LOCAL), otherwise one more statement restores what RESET would (round trips are
    most of a search's database time)."""
    if vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"set_config('{setting}', 'off', true)"
                                             for setting in _SCANS_OFF))
    yield
    if len(connection.atomic_blocks) > 1:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(name, reset_val, true) FROM pg_settings "
                           "WHERE name = ANY(%s)", [list(_SCANS_OFF)])


def article_search(*, query: str, user, page: int = 1, page_size: int = SEARCH_PAGE_SIZE,
                   today: dt.date | None = None) -> SearchResults:
    """Published articles this user may read that contain every term (title, authors, tags or
    body), title hits first, then newest; one page of them, highlighted.

    What the user may read is part of the same query (``readable_issues_q``). On PostgreSQL
    the statement runs on the GIN index only (``_gin_path``): the planner otherwise scans every
    stored vector for a frequent character such as 数 (60–115 ms instead of 5–8, docs/search.md).
    The rows shown are checked against the text itself, so a long word whose bigrams only
    occur apart is never shown as a hit."""
    terms = search_terms(query)
    empty = SearchResults(hits=[], total=0, page=1, pages=1)
    if not terms:
        return empty
    vendor = connection.vendor
    queryset = _search_matches(
        SearchEntry.objects.filter(permissions.readable_issues_q(user, prefix="issue__", today=today),
                                   issue__status=IssueStatus.PUBLISHED),
        terms, vendor)
    if queryset is None:
        return empty
    first = terms[0]
    ordered = queryset.annotate(
        in_title=Case(When(title__icontains=first, then=Value(1)), default=Value(0),
                      output_field=IntegerField()),
    ).order_by("-in_title", "-issue__cover_date", "-issue__number", "pk")
    with transaction.atomic(), _gin_path(vendor):
        total = queryset.count()
        pages = max((total + page_size - 1) // page_size, 1)
        page = min(max(page, 1), pages)
        # The page's ids first (the sort needs only the issue), then the rows shown with what
        # they display: joining articles and bodies before the LIMIT would read them all.
        ids = list(ordered.values_list("pk", flat=True)[(page - 1) * page_size:page * page_size])
    # Of the article only its slug (the link): its HTML body is many times the stored text.
    shown = SearchEntry.objects.filter(pk__in=ids).select_related(
        "issue__publication", "article").only(
        "article_id", "issue_id", "title", "authors", "tags", "body_text",
        "issue__publication_id", "issue__number", "issue__title", "issue__publication",
        "article__slug").in_bulk()
    rows = [shown[pk] for pk in ids if pk in shown]
    # On PostgreSQL a one- or two-character term is one gram: the index's answer is exact, and
    # normalising 20 whole texts to check it again was a fifth of the page's time.
    exact = vendor == "postgresql" and grams.index_is_exact(terms)
    hits = [
        SearchHit(entry, _highlight(entry.title, terms),
                  _highlight(entry.body_text, terms, width=120))
        for entry in rows
        if exact or grams.contains_every_term(
            [entry.title, entry.authors, entry.tags, entry.body_text], terms)
    ]
    return SearchResults(hits=hits, total=total, page=page, pages=pages)


def issue_download_counts(issue: Issue) -> dict[str, int]:
    downloads = Download.objects.filter(issue=issue)
    return {
        "total": downloads.count(),
        "members": downloads.exclude(user=None).values("user").distinct().count(),
    }


def issue_pdf_filename(issue: Issue, edition: Edition | None = None) -> str:
    """``《大连数字贸易》第9期.pdf`` (``…第9期-第2版.pdf`` for a correction): what a member sees
    in their downloads folder."""
    suffix = f"-第{edition.version}版" if edition and edition.version > 1 else ""
    return f"《{issue.publication.name}》第{issue.number}期{suffix}.pdf"


def issue_for_download(*, publication_slug: str, number: int,
                       version: int | None) -> tuple[Issue | None, Edition | None]:
    """The issue and the edition a PDF link asks for, in one query when that edition exists
    (the download's own cost, issue 13); the issue alone, for the view's refusals, when not."""
    editions = Edition.objects.select_related(
        "issue__publication", "issue__cover_image", "issue__access"
    ).filter(issue__publication__slug=publication_slug, issue__number=number).order_by()
    edition = (editions.filter(version=version) if version is not None
               else editions.filter(superseded_at__isnull=True)).first()
    if edition is None:
        return issue_with_contents(publication_slug=publication_slug, number=number), None
    if edition_pdf_file(edition) is None:
        return edition.issue, None
    return edition.issue, edition


def issue_edition_for_download(issue: Issue, version: int | None) -> Edition | None:
    """The current edition, or an earlier (superseded) one by its version number."""
    editions = issue.editions.all()
    edition = (editions.filter(version=version).first() if version is not None
               else editions.filter(superseded_at__isnull=True).first())
    if edition is None or edition_pdf_file(edition) is None:
        return None
    return edition


def edition_pdf_file(edition: Edition) -> Path | StoredFile | None:
    """The edition's PDF: a local file, or its object in the bucket. The latter is trusted
    without asking the bucket (one request fewer per download): an Edition row is recorded
    only after every file of its version was uploaded (``publishing.filestore``)."""
    if filestore.on_object_storage("editions"):
        return StoredFile("editions", f"{edition.directory}/issue.pdf", edition.pdf_size)
    return edition.pdf_path if edition.pdf_path.is_file() else None


class _Once:
    """A value computed on first use (templates call callables): a page whose cached fragment
    is still valid never runs the queries behind it."""

    def __init__(self, compute: Callable[[], object]) -> None:
        self.compute = compute
        self.done = False
        self.value: object = None

    def __call__(self) -> object:
        if not self.done:
            self.value, self.done = self.compute(), True
        return self.value


def issue_page_context(*, issue: Issue, user) -> dict:
    """Everything the issue page shows. The contents are cached by the template under the
    issue's ``updated_at`` (stamped by every change to what it prints), the reader's access and
    language, so a cached page costs one query and the query count never grows with articles.
    """
    can_read = user.has_perm("publishing.read_issue", issue)
    is_editor = user.has_perm("publishing.manage_issues")
    context = {
        "issue": issue,
        "articles": _Once(lambda: issue_articles_for_print(issue)),
        "can_read": can_read,
        "expired_on": None if can_read else permissions.user_membership_expired_on(user),
        "has_pdf": _Once(lambda: issue_published_pdf(issue) is not None),
        "has_html": _Once(lambda: issue_edition_html_file(issue, "index.html") is not None),
        "editions": _Once(lambda: list(issue.editions.order_by("-version"))),
        "is_editor": is_editor,
    }
    if is_editor:
        context["access"] = permissions.issue_access(issue)
        context["access_levels"] = AccessLevel.choices
        context["downloads"] = issue_download_counts(issue)
    return context


def article_page_context(*, issue: Issue, slug: str, user) -> dict | None:
    articles = issue_articles_for_print(issue)
    index = next((i for i, a in enumerate(articles) if a.slug == slug), None)
    if index is None:
        return None
    can_read = user.has_perm("publishing.read_issue", issue)
    return {
        "issue": issue,
        "article": articles[index],
        "previous": articles[index - 1] if index else None,
        "next": articles[index + 1] if index + 1 < len(articles) else None,
        "can_read": can_read,
        "expired_on": None if can_read else permissions.user_membership_expired_on(user),
    }


MEMBERS_PAGE_SIZE = 50


def member_list_context(page: str | int | None = None) -> dict:
    """One page of members, newest first (on the ``membership_newest`` index)."""
    memberships = Membership.objects.select_related("user").order_by("-created_at", "-id")
    page_obj = Paginator(memberships, MEMBERS_PAGE_SIZE).get_page(page)
    return {"memberships": page_obj, "page": page_obj, "member_count": page_obj.paginator.count,
            "invitations": delivery_counts(Delivery.objects.filter(kind=DeliveryKind.INVITATION)),
            # CSV imports still running, so that their progress pages can be found again.
            "imports": list(MemberImport.objects.filter(
                state__in=[MemberImportState.QUEUED, MemberImportState.RUNNING]).order_by("pk"))}


# --------------------------------------------------------------------------- production


def issue_edition_key(issue: Issue) -> str:
    """Where ``issue``'s versions and proofs live inside the editions storage."""
    return f"{issue.publication.slug}/{issue.number}"


def issue_edition_root(issue: Issue) -> Path:
    """Folder holding every version, proof and thumbnail of ``issue`` (on a filesystem)."""
    return Path(settings.EDITIONS_ROOT) / issue_edition_key(issue)


def issue_current_edition(issue: Issue) -> Edition | None:
    return issue.editions.filter(superseded_at__isnull=True).order_by("-version").first()


def issue_published_pdf(issue: Issue) -> Path | StoredFile | None:
    """The PDF members get: the current edition's, if the issue has been published."""
    edition = issue_current_edition(issue)
    if edition is None:
        return None
    return edition_pdf_file(edition)


def issue_edition_html_file(issue: Issue, relative_path: str) -> Path | StoredFile | None:
    """A file of the current edition's HTML folder by its path there, or None.

    Only plain paths inside the folder: no ``..``, no hidden names, nothing a symlink leads
    out to.
    """
    edition = issue_current_edition(issue)
    if edition is None:
        return None
    parts = (relative_path or "index.html").split("/")
    if any(part in {"", ".", ".."} or part.startswith(".") or "\\" in part or "\x00" in part
           for part in parts):
        return None
    if filestore.on_object_storage("editions"):
        name = f"{edition.directory}/html/" + "/".join(parts)
        return StoredFile("editions", name) if filestore.storage("editions").exists(name) else None
    root = edition.html_path.resolve()
    path = root.joinpath(*parts).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def edition_file_content_type(path: Path | StoredFile) -> str:
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return content_type + "; charset=utf-8" if content_type.startswith("text/") else content_type
