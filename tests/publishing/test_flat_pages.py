"""Every page runs the same number of queries whether the archive holds a few issues or many
(issue 13): counted on a cold cache, before and after the archive grows by 30 issues, with
their articles, credits, tags, editions, members and downloads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from editorial.models import ArticleContributor, IssueStatus
from publishing.models import Delivery, DeliveryKind, Download, Edition, Membership
from publishing.selectors import issue_edition_root
from publishing.services import issue_set_access, search_index_issue
from tests.factories import (
    AdminFactory,
    ArticleFactory,
    ContributorFactory,
    IssueFactory,
    SectionFactory,
)
from tests.publishing.library_fixtures import build_library, write_pdf

pytestmark = pytest.mark.django_db

PAGES = {
    "archive": ("anonymous", lambda: reverse("publishing:archive")),
    "archive page 2": ("anonymous", lambda: reverse("publishing:archive") + "?page=2"),
    "feed": ("anonymous", lambda: reverse("publishing:feed")),
    "search 数": ("member", lambda: reverse("publishing:search") + "?q=数"),
    "search 数字贸易": ("member", lambda: reverse("publishing:search") + "?q=数字贸易"),
    "search anonymous": ("anonymous", lambda: reverse("publishing:search") + "?q=数字贸易"),
    "article list": ("editor", lambda: reverse("editorial:article_list")),
    "article list by issue": ("editor", lambda: reverse("editorial:article_list") + "?issue=1"),
    "members": ("editor", lambda: reverse("publishing:members")),
    "admin memberships": ("admin", lambda: reverse("admin:publishing_membership_changelist")),
    "admin downloads": ("admin", lambda: reverse("admin:publishing_download_changelist")),
    "admin deliveries": ("admin", lambda: reverse("admin:publishing_delivery_changelist")),
}


def grow(library, issues: int) -> None:
    """``issues`` more published issues like the real archive's (public, members-only and
    embargoed): articles with credits and tags, an edition, search entries, a member each
    and downloads."""
    publication = library.issues["public"].publication
    offset = publication.issues.count()
    section = SectionFactory(publication=publication, name=f"专家观点{offset}")
    User = get_user_model()
    for n in range(offset, offset + issues):
        issue = IssueFactory(publication=publication, number=100 + n, status=IssueStatus.PUBLISHED,
                             cover_date=dt.date(2016 + n % 10, 1 + n % 12, 15))
        level, months = [("public", 0), ("members", 0), ("embargo", 12)][n % 3]
        issue_set_access(issue=issue, level=level, embargo_months=months)
        for position in range(3):
            article = ArticleFactory(issue=issue, section=section, position=position,
                                     slug=f"g{n}-{position}", title=f"数字贸易第{n}期文章{position}",
                                     body=f"<p>数据跨境流动与数字贸易 {n}</p>")
            ArticleContributor.objects.create(
                article=article, contributor=ContributorFactory(name=f"作者{n}-{position}"))
            article.tags.add(f"标签{n}")
        directory = issue_edition_root(issue) / "v1"
        write_pdf(directory / "issue.pdf")
        Edition.objects.create(issue=issue, version=1, directory=str(directory.relative_to(
            issue_edition_root(issue).parents[1])), pdf_sha256=f"{n:064x}", content_hash="0" * 64)
        search_index_issue(issue=issue)
        user = User.objects.create(username=f"m{n}@example.cn", email=f"m{n}@example.cn")
        Membership.objects.create(user=user)
        Delivery.objects.create(kind=DeliveryKind.INVITATION, user=user, email=user.email)
        Download.objects.bulk_create([Download(issue=issue, user=user if k % 2 else None)
                                      for k in range(5)])


def _count(client, user, url: str) -> int:
    client.logout()
    if user is not None:
        client.force_login(user)
    client.get(url)  # the session, the permission caches: as a returning visitor
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_no_page_runs_more_queries_as_the_archive_grows(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    library = build_library()
    users = {**library.users, "admin": AdminFactory()}
    grow(library, 1)
    few = {name: _count(client, users[role], url()) for name, (role, url) in PAGES.items()}
    grow(library, 30)
    many = {name: _count(client, users[role], url()) for name, (role, url) in PAGES.items()}
    assert many == few
