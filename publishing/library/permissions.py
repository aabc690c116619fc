"""Who may see and read what in the members' library.

Seeing an issue (its cover, table of contents and summaries) needs only that it is published.
Reading it (article bodies, the PDF, full-text search hits) depends on the issue's access level
and the reader's membership. Editors see everything, published or not.

``editor_required`` guards the pages only editors use (the board, releases, proofs, members).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from editorial.models import ArticleState, Issue, IssueStatus
from editorial.permissions import is_editor
from editorial.selectors import asset_visible_in_workspace
from publishing.models import AccessLevel, IssueAccess, Membership


def user_membership(user) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def user_is_editor(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and is_editor(user))


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


def user_can_view_issue(user, issue: Issue) -> bool:
    """Cover, contents and summaries: published issues for everyone, any issue for editors."""
    return issue.status == IssueStatus.PUBLISHED or user_is_editor(user)


def user_can_read_issue(user, issue: Issue, *, today: dt.date | None = None) -> bool:
    """Article bodies and the PDF."""
    if user_is_editor(user):
        return True
    if issue.status != IssueStatus.PUBLISHED:
        return False
    return issue_is_public(issue, today=today) or user_is_member(user, today=today)


def user_can_view_asset(user, asset) -> bool:
    """A stored image: editors always; covers and lead images of published issues for anyone;
    images inside article bodies only for those who may read that issue. Drafts' images stay
    private even when someone guesses their (random) file name."""
    if user_is_editor(user) or asset_visible_in_workspace(user, asset):
        return True
    published = Issue.objects.filter(status=IssueStatus.PUBLISHED)
    if published.filter(
        Q(cover_image=asset) | Q(articles__lead_image=asset, articles__state=ArticleState.APPROVED)
    ).exists():
        return True
    issues = published.filter(
        articles__state=ArticleState.APPROVED, articles__body__contains=asset.file.url
    ).select_related("access").distinct()
    return any(user_can_read_issue(user, issue) for issue in issues)


def editor_required(view: Callable) -> Callable:
    """Anonymous visitors log in; signed-in non-editors get 403 and see nothing."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user_is_editor(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
