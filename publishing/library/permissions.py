"""Who may see and read what in the members' library, and who manages issues: django-rules
predicates registered as permissions, checked like editorial's (``user.has_perm`` in views and
selectors, ``{% has_perm %}``/``perms`` in templates, ``editorial.permissions.require`` in
services, which raises the one refusal type, ``PermissionRefused``).

- ``publishing.view_issue``: an issue's cover, table of contents and summaries (published, or
  an editor);
- ``publishing.read_issue``: article bodies, the PDF, full-text search hits (the issue's access
  level and the reader's membership today; editors everything);
- ``publishing.view_asset``: a stored image;
- ``publishing.manage_issues``: the board, releases, proofs, members (editors; the
  ``editor_required`` view decorator).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from functools import cache, wraps

import rules
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from editorial.models import ArticleState, Issue, IssueStatus
from editorial.permissions import PermissionRefused, is_editor
from editorial.selectors import asset_visible_in_workspace
from publishing.models import AccessLevel, IssueAccess, Membership


@cache
def _reader_sql(vendor: str) -> str:
    """Every column of the user's membership (NULLs without one) and one group name per row.

    Written out rather than built by the ORM: building and compiling the equivalent
    ``values_list`` over two joins took 1.1 ms of a 7 ms member search, the query itself 0.2.
    Identifiers come from the models' metadata, quoted; the user's id is a parameter."""
    quote = connection.ops.quote_name
    User = get_user_model()
    through = User.groups.through._meta
    user_pk = f"u.{quote(User._meta.pk.column)}"
    columns = ", ".join(f"m.{quote(field.column)}" for field in Membership._meta.concrete_fields)
    joins = [
        f"LEFT JOIN {quote(through.db_table)} ug "
        f"ON ug.{quote(through.get_field('user').column)} = {user_pk}",
        f"LEFT JOIN {quote(Group._meta.db_table)} g "
        f"ON g.{quote(Group._meta.pk.column)} = ug.{quote(through.get_field('group').column)}",
        f"LEFT JOIN {quote(Membership._meta.db_table)} m "
        f"ON m.{quote(Membership.user.field.column)} = {user_pk}",
    ]
    return (f"SELECT {columns}, g.{quote('name')} AS reader_group_name "  # noqa: S608
            f"FROM {quote(User._meta.db_table)} u {' '.join(joins)} WHERE {user_pk} = %s")


def reader_load(user) -> None:
    """Read a signed-in user's groups and membership in one query, where the permission checks
    would ask for each in turn (the member PDF and search are asked for most): rules then finds
    the groups in ``_group_names_cache`` and ``user.membership`` is cached. Read afresh for every
    request, so a lapsed membership or a changed role counts at once."""
    if not getattr(user, "is_authenticated", False) or hasattr(user, "_group_names_cache"):
        return
    # A raw query on the membership model: Django converts each column as the ORM would
    # (dates on SQLite); a user without membership gives rows whose pk is NULL.
    rows = list(Membership.objects.raw(_reader_sql(connection.vendor), [user.pk]))
    user._group_names_cache = {row.reader_group_name for row in rows
                               if row.reader_group_name is not None}
    membership = rows[0] if rows and rows[0].pk is not None else None
    if membership is not None:
        del membership.reader_group_name
        Membership.user.field.set_cached_value(membership, user)
    get_user_model().membership.related.set_cached_value(user, membership)


def user_membership(user) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def user_is_member(user, *, today: dt.date | None = None) -> bool:
    """An active member today; an expired membership counts as none."""
    membership = user_membership(user)
    return membership is not None and membership.is_active_on(today or timezone.localdate())


def user_membership_expired_on(user) -> dt.date | None:
    """The day a member's membership ran out, so pages can tell them why they can't read."""
    membership = user_membership(user)
    if membership and membership.expires_on and not membership.is_active:
        return membership.expires_on
    return None


def issue_access(issue: Issue) -> IssueAccess:
    try:
        return issue.access
    except IssueAccess.DoesNotExist:
        return IssueAccess(issue=issue, level=AccessLevel.MEMBERS)


def issue_is_public(issue: Issue, *, today: dt.date | None = None) -> bool:
    return issue_access(issue).is_public_on(today or timezone.localdate())


def _embargo_cutoff(today: dt.date, months: int) -> dt.date:
    """The last start date whose embargo of ``months`` has run out by ``today``: the inverse of
    ``IssueAccess.public_from``, month ends clamped the same way (so a query can compare dates)."""
    month = today.month - 1 - months
    year, month = today.year + month // 12, month % 12 + 1
    last = calendar.monthrange(year, month)[1]
    if today.day == calendar.monthrange(today.year, today.month)[1]:
        return dt.date(year, month, last)
    return dt.date(year, month, min(today.day, last))


# What a reader may read, as a class shared by many readers (``reader_class``): caches of
# pages that depend on it key on the class, never on the user.
READS_EVERYTHING = "editor"  # every issue, published or not
READS_PUBLISHED = "member"  # every published issue
READS_PUBLIC = "public"  # published issues that are public today (embargoes: the day counts)


def reader_class(user, *, today: dt.date | None = None) -> str:
    """Which of the three access classes ``user`` reads with today; ``readable_issues_q``
    derives its filter from this very value, so a cache keyed on it (and on the day, and on
    ``published_stamp``) holds exactly what the filter would return. Read afresh per request
    (roles and membership: ``reader_load``), so a lapsed membership counts at once."""
    # The rule itself, not ``user.has_perm``: no model permission is named publishing.*, so
    # Django's ModelBackend, asked after rules says no, would only add two queries to say no.
    if rules.has_perm("publishing.manage_issues", user):
        return READS_EVERYTHING
    if user_is_member(user, today=today or timezone.localdate()):
        return READS_PUBLISHED
    return READS_PUBLIC


def readable_issues_q(user, *, prefix: str = "", today: dt.date | None = None) -> Q:
    """``publishing.read_issue`` as a filter on issues (``prefix`` reaches them from another
    model, e.g. ``"issue__"``), so that a list is filtered in its own query, not in Python.

    The same rule as the permission: editors read everything, active members every published
    issue, others public issues and those whose embargo has run out."""
    today = today or timezone.localdate()
    access = reader_class(user, today=today)
    if access == READS_EVERYTHING:
        return Q()
    published = Q(**{f"{prefix}status": IssueStatus.PUBLISHED})
    if access == READS_PUBLISHED:
        return published
    opened = Q(**{f"{prefix}access__level": AccessLevel.PUBLIC})
    embargoes = (IssueAccess.objects.filter(level=AccessLevel.EMBARGO)
                 .values_list("embargo_months", flat=True).distinct().order_by())
    for months in embargoes:
        cutoff = _embargo_cutoff(today, months)
        # Undated issues count from the day they were created (in UTC, as ``public_from``).
        created_before = dt.datetime.combine(cutoff + dt.timedelta(days=1), dt.time.min, dt.UTC)
        dated = Q(**{f"{prefix}cover_date__lte": cutoff}) | Q(
            **{f"{prefix}cover_date": None, f"{prefix}created_at__lt": created_before})
        opened |= Q(**{f"{prefix}access__level": AccessLevel.EMBARGO,
                       f"{prefix}access__embargo_months": months}) & dated
    return published & opened


# --------------------------------------------------------------------------- rules

is_active_editor = rules.is_authenticated & rules.is_active & is_editor


@rules.predicate
def is_published(user, issue: Issue) -> bool:
    return issue.status == IssueStatus.PUBLISHED


@rules.predicate
def is_public_today(user, issue: Issue) -> bool:
    return issue_is_public(issue)


@rules.predicate
def is_member_today(user) -> bool:
    return user_is_member(user)


@rules.predicate
def is_visible_asset(user, asset) -> bool:
    """A stored image: covers and lead images of published issues for anyone; images inside
    article bodies only for those who may read that issue; drafts' images only in the
    workspace, even when someone guesses their (random) file name."""
    if asset_visible_in_workspace(user, asset):
        return True
    published = Issue.objects.filter(status=IssueStatus.PUBLISHED)
    if published.filter(
        Q(cover_image=asset) | Q(articles__lead_image=asset, articles__state=ArticleState.APPROVED)
    ).exists():
        return True
    issues = published.filter(
        articles__state=ArticleState.APPROVED, articles__body__contains=asset.file.url
    ).select_related("access").distinct()
    return any(can_read_issue(user, issue) for issue in issues)


# The board, releases, proofs, members and access levels.
rules.add_perm("publishing.manage_issues", is_active_editor)
# Cover, contents and summaries: published issues for everyone, any issue for editors.
rules.add_perm("publishing.view_issue", is_active_editor | is_published)
# Article bodies, the PDF and the HTML edition.
can_read_issue = is_active_editor | (is_published & (is_public_today | is_member_today))
rules.add_perm("publishing.read_issue", can_read_issue)
rules.add_perm("publishing.view_asset", is_active_editor | is_visible_asset)


def editor_required(view: Callable) -> Callable:
    """Anonymous visitors log in; signed-in non-editors get 403 and see nothing."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.has_perm("publishing.manage_issues"):
            raise PermissionRefused
        return view(request, *args, **kwargs)

    return wrapper
