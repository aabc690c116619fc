"""What a member's PDF download and search cost in queries (issue 13: the two pages members use
most under load), and that reading roles and membership once per request changes no rule: a
lapsed membership or a new role counts at the very next request."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from editorial.permissions import EDITOR_GROUP, MEMBER_GROUP
from publishing.library import permissions
from publishing.library.grams import index_is_exact
from publishing.models import Download, Membership
from tests.factories import MemberFactory
from tests.publishing.library_fixtures import build_library

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(db):
    return build_library()


def pdf_url(issue):
    return reverse("publishing:issue_pdf", kwargs={"publication_slug": issue.publication.slug,
                                                   "number": issue.number})


@pytest.mark.parametrize("accel", [None, "/_editions/"])
def test_a_member_pdf_download_costs_four_queries(client, library, settings, accel,
                                                  django_assert_max_num_queries):
    """The user, their groups and membership, the issue with its edition, the download row."""
    settings.DOWNLOADS_ACCEL_REDIRECT_PREFIX = accel
    issue = library.issues["members"]
    client.force_login(library.users["member"])
    client.get(pdf_url(issue))  # the session is cached from here on
    before = Download.objects.count()

    with django_assert_max_num_queries(4):
        response = client.get(pdf_url(issue))
        if response.streaming:
            b"".join(response.streaming_content)

    assert response.status_code == 200
    assert Download.objects.count() == before + 1


@pytest.mark.django_db(transaction=True)  # as in production: the search's transaction is its own
def test_a_member_search_costs_at_most_eight_queries(client, django_assert_max_num_queries):
    """User, roles and membership; on PostgreSQL BEGIN, the planner settings, count, ids,
    COMMIT; the rows shown. Nothing grows with the hits."""
    library = build_library()
    client.force_login(library.users["member"])
    client.get(reverse("publishing:search"), {"q": "数字贸易"})

    with django_assert_max_num_queries(8):
        response = client.get(reverse("publishing:search"), {"q": "数字贸易"})

    assert response.status_code == 200
    assert "article-members" in response.content.decode()


def test_a_lapsed_membership_refuses_the_very_next_download(client, library):
    issue, member = library.issues["members"], library.users["member"]
    client.force_login(member)
    assert client.get(pdf_url(issue)).status_code == 200
    before = Download.objects.count()

    Membership.objects.filter(user=member).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1))

    assert client.get(pdf_url(issue)).status_code == 403
    assert Download.objects.count() == before


def test_a_new_editor_reads_a_members_issue_at_the_very_next_request(client, library):
    issue, reviewer = library.issues["members"], library.users["reviewer"]
    client.force_login(reviewer)
    assert client.get(pdf_url(issue)).status_code == 403

    reviewer.groups.add(Group.objects.get(name=EDITOR_GROUP))

    assert client.get(pdf_url(issue)).status_code == 200


def test_an_unpublished_issue_stays_hidden_from_members(client, library):
    client.force_login(library.users["member"])
    assert client.get(pdf_url(library.issues["unpublished"])).status_code == 404


def test_reader_load_reads_groups_and_membership_in_one_query(library,
                                                              django_assert_num_queries):
    member = type(library.users["member"]).objects.get(pk=library.users["member"].pk)
    with django_assert_num_queries(1):
        permissions.reader_load(member)
    with django_assert_num_queries(0):
        assert permissions.user_is_member(member)
        assert member.has_perm("publishing.read_issue", library.issues["members"])
        assert member._group_names_cache == {MEMBER_GROUP}


def test_reader_load_gives_the_membership_exactly_as_the_orm_reads_it(library,
                                                                      django_assert_num_queries):
    """Every field converted as the ORM converts it (dates and times on SQLite are text)."""
    stored = Membership.objects.get(user=library.users["member"])
    stored.expires_on = dt.date(2031, 2, 28)
    stored.invited_at = timezone.now()
    stored.save()
    member = type(library.users["member"]).objects.get(pk=library.users["member"].pk)
    permissions.reader_load(member)
    with django_assert_num_queries(0):
        loaded = member.membership
        assert loaded.user is member
    for field in Membership._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(stored, field.attname), field.name
    assert isinstance(loaded.expires_on, dt.date) and loaded.invited_at.tzinfo is not None
    assert not hasattr(loaded, "reader_group_name")


def test_reader_load_of_a_user_without_membership_or_groups(django_assert_num_queries):
    user = MemberFactory(username="plain")
    user.groups.clear()
    Membership.objects.filter(user=user).delete()
    user = type(user).objects.get(pk=user.pk)
    with django_assert_num_queries(1):
        permissions.reader_load(user)
    with django_assert_num_queries(0):
        assert permissions.user_membership(user) is None
        assert not permissions.user_is_member(user)


@pytest.mark.parametrize(("terms", "exact"), [
    (["数"], True),
    (["数据"], True),
    (["数据", "贸易"], True),
    (["数字贸易"], False),       # bigrams that may occur apart: checked against the text
    (["chat"], True),            # a word an indexed word begins
    (["a-b"], False),            # two words: their order is the text's to prove
    (["数据a"], False),
    (["Ｄａｔａ"], True),        # full-width: normalised like the index
])
def test_which_queries_the_index_answers_exactly(terms, exact):
    assert index_is_exact(terms) is exact


def test_the_search_leaves_the_planner_as_it_found_it_inside_a_transaction(library):
    """Inside a caller's transaction (here the test's) the planner settings the search turns
    off are restored, in one statement, before it returns."""
    from django.db import connection

    from publishing.selectors import article_search

    if connection.vendor != "postgresql":
        pytest.skip("planner settings are PostgreSQL's")
    names = ("enable_seqscan", "enable_indexscan", "jit")

    def settings_now():
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, setting FROM pg_settings WHERE name = ANY(%s)",
                           [list(names)])
            return sorted(cursor.fetchall())

    before = settings_now()
    assert article_search(query="数字贸易", user=library.users["member"]).total
    assert settings_now() == before


def test_a_signed_member_download_costs_one_query_the_download_row(client, library, settings,
                                                                    django_assert_num_queries):
    """The issue page's signed link: no session, user, roles or issue; only the log's INSERT."""
    settings.BULLETIN_DOWNLOAD_LINK_SECONDS = 300
    settings.DOWNLOADS_ACCEL_REDIRECT_PREFIX = "/_editions/"
    issue = library.issues["members"]
    client.force_login(library.users["member"])
    page = client.get(reverse("publishing:issue_detail", kwargs={
        "publication_slug": issue.publication.slug, "number": issue.number})).content.decode()
    link = page.split('href="/dl/', 1)[1].split('"', 1)[0]
    before = Download.objects.count()

    with django_assert_num_queries(1):
        response = client.get("/dl/" + link)

    assert response.status_code == 200 and response["X-Accel-Redirect"].startswith("/_editions/")
    assert Download.objects.count() == before + 1
