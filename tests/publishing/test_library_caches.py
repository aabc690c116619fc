"""The library's caches (search results per reader class, issue 13) can neither leak nor go
stale: what one reader's request put in the cache is shown to another only when the two may
read exactly the same issues today, and every change of what is published or of who may read
it shows at the very next request."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from editorial.models import IssueStatus
from editorial.permissions import EDITOR_GROUP
from editorial.services import issue_set_status
from publishing.library import permissions
from publishing.library.selectors import published_stamp
from publishing.models import AccessLevel, Download, IssueAccess, Membership
from publishing.services import issue_set_access
from tests.factories import AdminFactory, MemberFactory
from tests.publishing.library_fixtures import MARKERS, build_library

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(db):
    cache.clear()
    return build_library()


def search(client, user, term: str) -> str:
    client.logout()
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("publishing:search"), {"q": term})
    assert response.status_code == 200
    return response.content.decode()


def test_a_members_hit_cached_for_a_member_is_not_shown_to_anyone_else(client, library):
    term = MARKERS["members"]
    assert "article-members" in search(client, library.users["member"], term)

    for role in ("anonymous", "expired", "reviewer"):
        page = search(client, library.users[role], term)
        assert "article-members" not in page, role
        assert "找到 0 篇文章" in page


def test_a_public_readers_cached_answer_does_not_hide_hits_from_a_member(client, library):
    term = "数字贸易"  # in every issue's title
    anonymous = search(client, None, term)
    assert "article-public" in anonymous and "article-members" not in anonymous

    member = search(client, library.users["member"], term)
    assert "article-members" in member and "article-embargoed" in member


def test_readers_of_one_class_share_one_cached_answer(client, library):
    """Keyed on the access class, not the user: a second member's search runs no search."""
    other = MemberFactory(username="second", expires_on=timezone.localdate() + dt.timedelta(days=9))
    search(client, library.users["member"], "数字贸易")
    client.force_login(other)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("publishing:search"), {"q": "数字贸易"}).content.decode()
    assert "article-members" in page
    assert not any("publishing_searchentry" in q["sql"] for q in captured.captured_queries)


def test_an_access_change_shows_in_the_very_next_search(client, library):
    term, issue = MARKERS["members"], library.issues["members"]
    assert "article-members" not in search(client, None, term)

    issue_set_access(issue=issue, level=AccessLevel.PUBLIC)
    assert "article-members" in search(client, None, term)

    issue_set_access(issue=issue, level=AccessLevel.MEMBERS)
    assert "article-members" not in search(client, None, term)


def test_a_lapsed_membership_loses_the_members_hits_at_once(client, library):
    member, term = library.users["member"], MARKERS["members"]
    assert "article-members" in search(client, member, term)

    Membership.objects.filter(user=member).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1))

    assert "article-members" not in search(client, member, term)


def test_a_new_editor_finds_every_published_issue_at_once(client, library):
    reviewer, term = library.users["reviewer"], MARKERS["members"]
    assert "article-members" not in search(client, reviewer, term)

    reviewer.groups.add(Group.objects.get(name=EDITOR_GROUP))

    assert "article-members" in search(client, reviewer, term)


def test_an_unpublished_issue_leaves_the_cached_results_at_once(client, library):
    term, issue = MARKERS["public"], library.issues["public"]
    assert "article-public" in search(client, None, term)

    issue_set_status(issue=issue, status=IssueStatus.PLANNING)

    assert "article-public" not in search(client, None, term)


def test_an_embargo_ending_overnight_opens_the_cached_search_the_next_morning(client, library,
                                                                                monkeypatch):
    """The day is part of the key: yesterday's answer is not today's."""
    term, issue = MARKERS["embargoed"], library.issues["embargoed"]
    assert "article-embargoed" not in search(client, None, term)

    opens = IssueAccess.objects.get(issue=issue).public_from()
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: opens)

    assert "article-embargoed" in search(client, None, term)


def test_an_access_change_in_the_admin_moves_the_stamp(client, library):
    access = IssueAccess.objects.get(issue=library.issues["members"])
    before = published_stamp()
    client.force_login(AdminFactory())
    url = reverse("admin:publishing_issueaccess_change", args=[access.pk])
    response = client.post(url, {"issue": access.issue_id, "level": AccessLevel.PUBLIC,
                                 "embargo_months": 0})
    assert response.status_code == 302
    assert published_stamp() != before
    assert "article-members" in search(client, None, MARKERS["members"])


def test_the_stamp_moves_even_when_a_touch_is_older_than_the_newest(library):
    """Two transactions may commit in the other order than their clocks: the stamp must move
    for the later commit's older time too."""
    newest = max(library.issues.values(), key=lambda i: i.updated_at if i.status == "published"
                 else timezone.now() - dt.timedelta(days=999))
    other = library.issues["public"] if newest != library.issues["public"] else library.issues["members"]
    type(other).objects.filter(pk=other.pk).update(updated_at=newest.updated_at - dt.timedelta(days=1))
    before = published_stamp()
    type(other).objects.filter(pk=other.pk).update(
        updated_at=newest.updated_at - dt.timedelta(hours=1))
    assert published_stamp() != before


def test_reader_class_matches_the_read_permission(library):
    classes = {role: permissions.reader_class(user) for role, user in library.users.items()
               if user is not None}
    assert classes == {"member": permissions.READS_PUBLISHED, "expired": permissions.READS_PUBLIC,
                       "editor": permissions.READS_EVERYTHING, "reviewer": permissions.READS_PUBLIC}


@pytest.mark.django_db(transaction=True)
def test_a_download_row_is_written_without_waiting_for_the_disk_on_postgresql(client):
    """Its own transaction, asynchronous commit for it alone: the connection's setting is the
    same afterwards, and the row is there."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's synchronous_commit")
    library = build_library()
    issue, member = library.issues["members"], library.users["member"]
    client.force_login(member)
    url = reverse("publishing:issue_pdf", kwargs={"publication_slug": issue.publication.slug,
                                                  "number": issue.number})
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200
    inserts = [q["sql"] for q in captured.captured_queries if "publishing_download" in q["sql"]]
    assert len(inserts) == 1 and "synchronous_commit" in inserts[0]
    row = Download.objects.get()
    assert (row.issue_id, row.user_id) == (issue.pk, member.pk)
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"


def test_the_archive_cached_for_a_signed_in_reader_drops_an_unpublished_issue_at_once(client,
                                                                                       library):
    client.force_login(library.users["member"])
    issue = library.issues["public"]
    assert issue.display_title in client.get(reverse("publishing:archive")).content.decode()

    issue_set_status(issue=issue, status=IssueStatus.PLANNING)

    assert issue.display_title not in client.get(reverse("publishing:archive")).content.decode()


def test_the_archive_fragment_is_not_served_across_languages(client, library):
    client.force_login(library.users["member"])
    url = reverse("publishing:archive")
    chinese = client.get(url)
    client.post(reverse("set_language"), {"language": "en", "next": url})
    english = client.get(url)
    year = str(library.issues["public"].cover_date.year)
    assert f"{year} 年" in chinese.content.decode()
    assert f"{year} 年" not in english.content.decode()
