"""What the library's issue, article and members pages show."""

from __future__ import annotations

from collections.abc import Callable

from django.core.paginator import Paginator

from editorial.models import Issue
from publishing.library import permissions
from publishing.library.mailing import delivery_counts
from publishing.library.selectors.editions import (
    issue_download_counts,
    issue_edition_html_file,
    issue_published_pdf,
)
from publishing.models import AccessLevel, Delivery, DeliveryKind, MemberImport, MemberImportState, Membership
from publishing.rendering.selectors import issue_articles_for_print


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
