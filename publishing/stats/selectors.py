"""The secretariat's figures over a period of whole months: downloads (``Download``) and web
reads (``Read``) in total, per month, per issue, per member organisation, and the most read
articles. A fixed number of grouped queries whatever the size of the archive."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from editorial.models import Article, Issue
from publishing.models import Download, Membership, Read

TOP_ARTICLES = 20


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """From the first day of ``first`` to the end of the month ``last`` (both month starts),
    in the site's time zone; optionally one issue only."""

    first: dt.date
    last: dt.date
    issue: Issue | None = None

    @classmethod
    def last_twelve_months(cls, today: dt.date | None = None) -> Period:
        this_month = month_start(today or timezone.localdate())
        return cls(add_months(this_month, -11), this_month)

    @property
    def start(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.first, dt.time.min))

    @property
    def end(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(add_months(self.last, 1), dt.time.min))

    def months(self) -> list[dt.date]:
        months, month = [], self.first
        while month <= self.last:
            months.append(month)
            month = add_months(month, 1)
        return months


@dataclass
class MonthRow:
    month: dt.date
    downloads: int = 0
    reads: int = 0


@dataclass
class IssueRow:
    issue: Issue
    downloads: int = 0
    reads: int = 0
    downloaders: int = 0
    readers: int = 0


@dataclass
class OrganisationRow:
    name: str  # the organisation; "" for the other groups
    # "member"; "unnamed" (members without an organisation); "staff" (signed-in accounts that
    # are not members, such as the secretariat); "anonymous" (readers of public issues)
    group: str
    members: int = 0
    downloads: int = 0
    reads: int = 0
    downloaders: int = 0
    readers: int = 0


@dataclass
class ArticleRow:
    issue: Issue
    slug: str
    article: Article | None
    reads: int
    readers: int

    @property
    def title(self) -> str:
        return self.article.title if self.article else self.slug


@dataclass
class Statistics:
    period: Period
    downloads: int
    reads: int
    people: int
    months: list[MonthRow]
    issues: list[IssueRow]
    organisations: list[OrganisationRow]
    articles: list[ArticleRow] = field(default_factory=list)


def _downloads(period: Period) -> QuerySet[Download]:
    rows = Download.objects.filter(downloaded_at__gte=period.start, downloaded_at__lt=period.end)
    return rows.filter(issue=period.issue) if period.issue else rows


def _reads(period: Period) -> QuerySet[Read]:
    rows = Read.objects.filter(read_at__gte=period.start, read_at__lt=period.end)
    return rows.filter(issue=period.issue) if period.issue else rows


def monthly(period: Period) -> list[MonthRow]:
    """Every month of the period, months without any activity included (as zero)."""
    tz = timezone.get_current_timezone()
    rows = {month: MonthRow(month) for month in period.months()}
    for source, stamp, attr in ((_downloads(period), "downloaded_at", "downloads"),
                                (_reads(period), "read_at", "reads")):
        counts = (source.annotate(month=TruncMonth(stamp, tzinfo=tz)).values("month")
                  .annotate(n=Count("pk")).order_by())
        for row in counts:
            month = row["month"]
            month = month.date() if isinstance(month, dt.datetime) else month
            if month in rows:
                setattr(rows[month], attr, row["n"])
    return list(rows.values())


def per_issue(period: Period) -> list[IssueRow]:
    """Issues read or downloaded in the period, newest issue first."""
    rows: dict[int, IssueRow] = {}
    downloads = (_downloads(period).values("issue").order_by()
                 .annotate(n=Count("pk"), people=Count("user", distinct=True)))
    reads = (_reads(period).values("issue").order_by()
             .annotate(n=Count("pk"), people=Count("user", distinct=True)))
    counts = {"downloads": {r["issue"]: r for r in downloads}, "reads": {r["issue"]: r for r in reads}}
    ids = set(counts["downloads"]) | set(counts["reads"])
    for issue in Issue.objects.filter(pk__in=ids).select_related("publication"):
        d, r = counts["downloads"].get(issue.pk, {}), counts["reads"].get(issue.pk, {})
        rows[issue.pk] = IssueRow(issue, d.get("n", 0), r.get("n", 0), d.get("people", 0),
                                  r.get("people", 0))
    return sorted(rows.values(), key=lambda row: (row.issue.publication.name, -row.issue.number))


def _group() -> Case:
    return Case(
        When(user__isnull=True, then=Value("anonymous")),
        When(user__membership__isnull=True, then=Value("staff")),
        When(user__membership__organisation="", then=Value("unnamed")),
        default=Value("member"), output_field=CharField(),
    )


def per_organisation(period: Period) -> list[OrganisationRow]:
    """Member organisations by downloads and reads, then members without an organisation,
    accounts that are not members (the secretariat) and anonymous readers of public issues;
    with the distinct accounts that downloaded and that read."""
    rows: dict[tuple[str, str], OrganisationRow] = {}

    def row(group: str, name: str) -> OrganisationRow:
        return rows.setdefault((group, name), OrganisationRow(name=name, group=group))

    for membership in (Membership.objects.values("organisation").order_by()
                       .annotate(n=Count("pk"))):
        name = membership["organisation"]
        row("member" if name else "unnamed", name).members = membership["n"]
    for source, attr, people in ((_downloads(period), "downloads", "downloaders"),
                                 (_reads(period), "reads", "readers")):
        counts = (source.annotate(group=_group(), org=F("user__membership__organisation"))
                  .values("group", "org").order_by()
                  .annotate(n=Count("pk"), people=Count("user", distinct=True)))
        for count in counts:
            target = row(count["group"], count["org"] if count["group"] == "member" else "")
            setattr(target, attr, getattr(target, attr) + count["n"])
            setattr(target, people, getattr(target, people) + count["people"])
    order = {"member": 0, "unnamed": 1, "staff": 2, "anonymous": 3}
    return sorted(
        (r for r in rows.values() if r.downloads or r.reads or r.group in {"member", "unnamed"}),
        key=lambda r: (order[r.group], -(r.downloads + r.reads), r.name),
    )


def top_articles(period: Period, *, limit: int = TOP_ARTICLES) -> list[ArticleRow]:
    """The most read article pages (the HTML edition's and the library's together)."""
    counts = list(
        _reads(period).exclude(slug="").values("issue", "slug").order_by()
        .annotate(n=Count("pk"), people=Count("user", distinct=True))
        .order_by("-n", "issue", "slug")[:limit]
    )
    issue_ids = {c["issue"] for c in counts}
    slugs = {c["slug"] for c in counts}
    # The HTML edition names a page after an unusable slug "article-<pk>.html".
    pks = {int(s[8:]) for s in slugs if s.startswith("article-") and s[8:].isdigit()}
    articles = Article.objects.filter(Q(slug__in=slugs) | Q(pk__in=pks), issue_id__in=issue_ids)
    by_slug: dict[tuple[int, str], Article] = {}
    for article in articles.select_related("issue", "issue__publication"):
        by_slug.setdefault((article.issue_id, article.slug), article)
        by_slug[(article.issue_id, f"article-{article.pk}")] = article
    issues = {i.pk: i for i in Issue.objects.filter(pk__in=issue_ids).select_related("publication")}
    return [ArticleRow(issues[c["issue"]], c["slug"], by_slug.get((c["issue"], c["slug"])),
                       c["n"], c["people"]) for c in counts]


def statistics_for(period: Period) -> Statistics:
    downloads, reads = _downloads(period), _reads(period)
    people = (downloads.exclude(user=None).values("user").order_by()
              .union(reads.exclude(user=None).values("user").order_by()).count())
    return Statistics(
        period=period, downloads=downloads.count(), reads=reads.count(), people=people,
        months=monthly(period), issues=per_issue(period),
        organisations=per_organisation(period), articles=top_articles(period),
    )


def issues_for_filter() -> QuerySet[Issue]:
    """The issues the filter offers: every one (an editor may have downloaded a proof-stage
    issue; the per-issue table links to each row's issue), newest first."""
    return Issue.objects.select_related("publication").order_by(
        F("cover_date").desc(nulls_last=True), "-number")
