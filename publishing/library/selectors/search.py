"""Search on the GIN index of character grams (``docs/search.md``), with highlighted
excerpts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import BooleanField, Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils.html import escape

from editorial.models import IssueStatus
from publishing.library import grams, permissions
from publishing.models import SearchEntry


@dataclass
class SearchHit:
    entry: SearchEntry
    title_html: str
    snippet_html: str


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
