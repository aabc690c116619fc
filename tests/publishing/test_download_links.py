"""Signed download links (issue 13): the issue page gives a reader who may read a short-lived
link that the lean path (``download_links.SignedDownloadMiddleware``) answers without session,
auth or access queries — and every way that link can go wrong (tampered, expired, another
browser, access changed, cache lost, file gone) ends on the canonical URL's full check, never
on a file the full check would refuse, never on a 500."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.contrib.auth.models import Group
from django.core import signing
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from editorial.models import IssueStatus
from editorial.permissions import EDITOR_GROUP
from editorial.services import issue_set_status
from publishing.checks import check_download_links_cache
from publishing.library import download_links
from publishing.library.services import issue_set_access
from publishing.models import AccessLevel, Download, Edition, Membership
from tests.factories import MemberFactory
from tests.publishing.library_fixtures import build_library
from tests.publishing.test_object_storage import bucket, s3_endpoint  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

LINK_RE = re.compile(r'href="(/dl/[^"]+)"')
ACCEL = "/_editions/"


@pytest.fixture
def links(settings):
    settings.BULLETIN_DOWNLOAD_LINK_SECONDS = 300
    cache.clear()
    yield settings
    cache.clear()


@pytest.fixture
def library(db, links):
    return build_library()


def page_url(issue) -> str:
    return reverse("publishing:issue_detail", kwargs={"publication_slug": issue.publication.slug,
                                                      "number": issue.number})


def pdf_url(issue, version: int | None = None) -> str:
    kwargs = {"publication_slug": issue.publication.slug, "number": issue.number}
    if version is None:
        return reverse("publishing:issue_pdf", kwargs=kwargs)
    return reverse("publishing:issue_pdf_version", kwargs={**kwargs, "version": version})


def signed_links(client, issue) -> list[str]:
    response = client.get(page_url(issue))
    assert response.status_code == 200
    return [unquote(link) for link in LINK_RE.findall(response.content.decode())]


def signed_link(client, issue) -> str:
    found = signed_links(client, issue)
    assert len(found) == 1, found
    return found[0]


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def reader(library, role: str) -> Client:
    client = Client()
    if library.users[role] is not None:
        client.force_login(library.users[role])
    return client


def refused_to_canonical(response, issue) -> None:
    assert response.status_code == 302
    assert response["Location"] == pdf_url(issue)
    assert "no-store" in response["Cache-Control"]


# --------------------------------------------------------------------------- the happy path


def test_a_member_link_downloads_with_one_query_the_download_row(library,
                                                                 django_assert_num_queries):
    issue, member = library.issues["members"], library.users["member"]
    client = reader(library, "member")
    link = signed_link(client, issue)
    assert link.startswith("/dl" + pdf_url(issue) + "/")

    with django_assert_num_queries(1):  # no session, user, roles, issue: only the log's INSERT
        response = client.get(link)

    assert response.status_code == 200
    assert body(response) == Edition.objects.get(issue=issue).pdf_path.read_bytes()
    assert "attachment" in response["Content-Disposition"]
    assert "private" in response["Cache-Control"]
    assert list(Download.objects.filter(issue=issue).values_list("user", flat=True)) == [member.pk]


def test_with_nginx_the_link_hands_the_file_over_without_a_body(library, links):
    links.DOWNLOADS_ACCEL_REDIRECT_PREFIX = ACCEL
    issue = library.issues["members"]
    client = reader(library, "member")

    response = client.get(signed_link(client, issue))

    assert response.status_code == 200 and response.content == b""
    edition = Edition.objects.get(issue=issue)
    location = unquote(response["X-Accel-Redirect"])
    assert Path(links.EDITIONS_ROOT) / location[len(ACCEL):] == edition.pdf_path
    assert Download.objects.filter(issue=issue).count() == 1


@pytest.mark.parametrize("role", ["anonymous", "member", "expired", "editor", "reviewer"])
def test_each_role_gets_a_link_exactly_where_the_canonical_url_lets_them_read(library, role):
    client = reader(library, role)
    for key, issue in library.issues.items():
        canonical = client.get(pdf_url(issue))
        if canonical.streaming:
            body(canonical)
        page = client.get(page_url(issue))
        found = LINK_RE.findall(page.content.decode()) if page.status_code == 200 else []
        if canonical.status_code == 200:
            assert len(found) == 1, (role, key)
            assert client.get(unquote(found[0])).status_code == 200, (role, key)
        else:
            assert found == [], (role, key)


def test_an_anonymous_reader_of_a_public_issue_gets_a_link_for_everyone(library):
    issue = library.issues["public"]
    link = signed_link(Client(), issue)
    payload = signing.loads(link.rsplit("/", 1)[1], salt="publishing.download_links")
    assert payload["u"] == 0

    response = Client().get(link)  # another browser, no cookie at all: the issue is public

    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert list(Download.objects.filter(issue=issue).values_list("user", flat=True)) == [None]


def test_every_edition_of_a_corrected_issue_gets_its_own_link(library):
    issue = library.issues["members"]
    first = Edition.objects.get(issue=issue)
    directory = first.pdf_path.parent.with_name("v2")
    directory.mkdir()
    (directory / "issue.pdf").write_bytes(b"%PDF-1.7 second\n%%EOF\n")
    Edition.objects.filter(pk=first.pk).update(superseded_at=timezone.now())
    Edition.objects.create(issue=issue, version=2, directory=str(Path(first.directory).with_name("v2")),
                           pdf_sha256="1" * 64, content_hash="1" * 64)
    client = reader(library, "member")

    found = signed_links(client, issue)

    assert {link.rsplit("/", 1)[0] for link in found} == {
        "/dl" + pdf_url(issue), "/dl" + pdf_url(issue, 2), "/dl" + pdf_url(issue, 1)}
    by_path = {link.rsplit("/", 1)[0]: link for link in found}
    assert body(client.get(by_path["/dl" + pdf_url(issue)])) == b"%PDF-1.7 second\n%%EOF\n"
    assert body(client.get(by_path["/dl" + pdf_url(issue, 1)])) == first.pdf_path.read_bytes()


def test_the_canonical_url_still_checks_everything_with_links_on(library):
    issue = library.issues["members"]
    assert reader(library, "member").get(pdf_url(issue)).status_code == 200
    assert reader(library, "expired").get(pdf_url(issue)).status_code == 403
    assert reader(library, "anonymous").get(pdf_url(issue)).status_code == 302  # to the login


def test_links_off_leave_the_page_on_the_canonical_urls(library, links):
    links.BULLETIN_DOWNLOAD_LINK_SECONDS = 0
    page = reader(library, "member").get(page_url(library.issues["members"]))
    assert not LINK_RE.search(page.content.decode())
    assert f'href="{pdf_url(library.issues["members"])}"' in page.content.decode()


# --------------------------------------------------------------------------- never a wrong file


def test_a_tampered_link_goes_to_the_full_check(library):
    issue, other = library.issues["public"], library.issues["members"]
    client = reader(library, "anonymous")
    link = signed_link(client, issue)
    path, token = link.rsplit("/", 1)

    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    refused_to_canonical(client.get(f"{path}/{flipped}"), issue)
    # A valid token of the public issue under the members-only issue's path: that path's check.
    moved = client.get(f"/dl{pdf_url(other)}/{token}")
    refused_to_canonical(moved, other)
    assert client.get(moved["Location"]).status_code == 302  # the login page, no file
    refused_to_canonical(client.get(f"{path}/garbage"), issue)
    assert Download.objects.count() == 0


def test_paths_that_are_no_pdf_link_are_not_found_and_other_methods_go_to_the_full_check(library):
    client = Client()
    assert client.get("/dl/etc/passwd/x").status_code == 404
    assert client.get("/dl/issues/x/1/html/index.html/x").status_code == 404
    issue = library.issues["public"]
    link = signed_link(client, issue)
    refused_to_canonical(client.post(link), issue)


def test_an_expired_link_goes_to_the_full_check(library):
    issue = library.issues["members"]
    client = reader(library, "member")
    link = signed_link(client, issue)
    request = RequestFactory().get(link)
    request.COOKIES = client.cookies and {k: v.value for k, v in client.cookies.items()}
    issued = signing.loads(link.rsplit("/", 1)[1], salt="publishing.download_links")["x"]

    assert download_links.serve(request, now=issued - 1).status_code == 200
    refused_to_canonical(download_links.serve(request, now=issued), issue)
    assert Download.objects.count() == 1


def test_a_link_never_outlives_the_membership(library):
    issue, member = library.issues["members"], library.users["member"]
    Membership.objects.get(user=member).save()  # as the admin would; expires in 100 days
    membership = Membership.objects.get(user=member)
    membership.expires_on = timezone.localdate()
    membership.save()
    client = reader(library, "member")

    payload = signing.loads(signed_link(client, issue).rsplit("/", 1)[1],
                            salt="publishing.download_links")

    midnight = dt.datetime.combine(timezone.localdate() + dt.timedelta(days=1), dt.time.min,
                                   tzinfo=timezone.get_current_timezone())
    assert payload["x"] <= midnight.timestamp()


def test_a_link_used_in_another_browser_goes_to_the_full_check(library):
    issue = library.issues["members"]
    link = signed_link(reader(library, "member"), issue)

    refused_to_canonical(Client().get(link), issue)  # no session: the full check asks to log in
    refused_to_canonical(reader(library, "expired").get(link), issue)
    assert Download.objects.count() == 0


@pytest.mark.parametrize("change", [
    "membership lapses", "membership deleted", "user deactivated", "logged out",
])
def test_a_member_refused_at_the_very_next_click(library, change):
    issue, member = library.issues["members"], library.users["member"]
    client = reader(library, "member")
    link = signed_link(client, issue)
    assert client.get(link).status_code == 200

    if change == "membership lapses":
        membership = Membership.objects.get(user=member)
        membership.expires_on = timezone.localdate() - dt.timedelta(days=1)
        membership.save()
    elif change == "membership deleted":
        Membership.objects.get(user=member).delete()
    elif change == "user deactivated":
        member.is_active = False
        member.save()
    else:
        client.logout()

    response = client.get(link)
    refused_to_canonical(response, issue)
    assert client.get(response["Location"]).status_code in {302, 403}  # login page or refusal
    assert Download.objects.count() == 1


@pytest.mark.parametrize("change", ["removed from the group", "group cleared",
                                    "group renamed", "group deleted"])
def test_an_editor_whose_role_goes_is_refused_the_unpublished_issue_at_the_next_click(
        library, change):
    issue, editor = library.issues["unpublished"], library.users["editor"]
    client = reader(library, "editor")
    link = signed_link(client, issue)
    assert client.get(link).status_code == 200
    group = Group.objects.get(name=EDITOR_GROUP)

    if change == "removed from the group":
        editor.groups.remove(group)
    elif change == "group cleared":
        group.user_set.clear()
    elif change == "group renamed":
        group.name = "former editors"
        group.save()
    else:
        group.delete()

    refused_to_canonical(client.get(link), issue)
    assert client.get(pdf_url(issue)).status_code == 404  # the full check: not even visible


def test_unpublishing_refuses_every_link_at_the_next_click(library):
    issue = library.issues["public"]
    anonymous, member = Client(), reader(library, "member")
    links = [(anonymous, signed_link(anonymous, issue)), (member, signed_link(member, issue))]

    issue_set_status(issue=issue, status=IssueStatus.PLANNING)

    for client, link in links:
        refused_to_canonical(client.get(link), issue)
        assert client.get(pdf_url(issue)).status_code == 404


def test_an_access_change_refuses_the_public_link_at_the_next_click(library):
    issue = library.issues["public"]
    client = Client()
    link = signed_link(client, issue)
    assert client.get(link).status_code == 200

    issue_set_access(issue=issue, level=AccessLevel.MEMBERS)

    refused_to_canonical(client.get(link), issue)
    assert Download.objects.count() == 1


def test_a_new_edition_sends_the_current_link_to_the_full_check(library):
    issue = library.issues["members"]
    client = reader(library, "member")
    link = signed_link(client, issue)
    Edition.objects.filter(issue=issue).update(superseded_at=timezone.now())

    Edition.objects.create(issue=issue, version=2, directory="elsewhere/v2",
                           pdf_sha256="1" * 64, content_hash="1" * 64)

    refused_to_canonical(client.get(link), issue)


@pytest.mark.parametrize("lost", ["everything", "the user's", "the issue's"])
def test_a_cache_that_lost_the_generations_sends_the_reader_to_the_full_check(library, lost):
    issue, member = library.issues["members"], library.users["member"]
    client = reader(library, "member")
    link = signed_link(client, issue)

    if lost == "everything":
        cache.clear()
    elif lost == "the user's":
        cache.delete(f"dl-gen:user:{member.pk}")
    else:
        cache.delete(f"dl-gen:issue:{issue.publication.slug}/{issue.number}")

    response = client.get(link)
    refused_to_canonical(response, issue)
    assert client.get(response["Location"]).status_code == 200  # the full check still allows
    assert Download.objects.count() == 1  # that one, not the refused link


def test_an_unreachable_cache_sends_the_reader_to_the_full_check(library, monkeypatch):
    issue = library.issues["members"]
    client = reader(library, "member")
    link = signed_link(client, issue)

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(download_links.cache, "get_many", down)
    refused_to_canonical(client.get(link), issue)


def test_a_link_whose_file_is_gone_goes_to_the_full_check(library):
    issue = library.issues["members"]
    client = reader(library, "member")
    link = signed_link(client, issue)
    Edition.objects.get(issue=issue).pdf_path.unlink()

    refused_to_canonical(client.get(link), issue)
    assert Download.objects.count() == 0


# --------------------------------------------------------------------------- the log stays exact


def test_ranges_and_revalidations_count_as_one_download_as_on_the_canonical_url(library):
    issue = library.issues["members"]
    client = reader(library, "member")
    link = signed_link(client, issue)

    first = client.get(link, HTTP_RANGE="bytes=0-9")
    rest = client.get(link, HTTP_RANGE="bytes=10-")
    again = client.get(link, HTTP_IF_NONE_MATCH=first["ETag"])

    assert (first.status_code, rest.status_code, again.status_code) == (206, 206, 304)
    whole = Edition.objects.get(issue=issue).pdf_path.read_bytes()
    assert body(first) + body(rest) == whole
    assert Download.objects.filter(issue=issue).count() == 1
    for _ in range(3):
        body(client.get(link))
    assert Download.objects.filter(issue=issue).count() == 4


# --------------------------------------------------------------------------- the setting


def test_links_need_a_cache_every_process_shares(settings):
    settings.BULLETIN_DOWNLOAD_LINK_SECONDS = 300
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [error.id for error in check_download_links_cache()] == ["publishing.E003"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:6379/5"}}
    assert check_download_links_cache() == []
    settings.BULLETIN_DOWNLOAD_LINK_SECONDS = 0
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert check_download_links_cache() == []


def test_a_member_added_later_gets_links_at_once(library):
    issue = library.issues["members"]
    newcomer = MemberFactory(expires_on=timezone.localdate() + dt.timedelta(days=10))
    client = Client()
    client.force_login(newcomer)
    assert client.get(signed_link(client, issue)).status_code == 200


# --------------------------------------------------------------------------- object storage


@pytest.mark.slow
@pytest.mark.usefixtures("bucket")
def test_on_object_storage_the_link_answers_with_the_buckets_signed_url(library):
    """The lean path logs the download, then the bucket's short-lived signed URL, as the
    canonical URL does; the bytes come from the bucket."""
    import urllib.request
    from urllib.parse import parse_qs, urlsplit

    from django.core.files.base import ContentFile

    from publishing import filestore

    issue = library.issues["members"]
    edition = Edition.objects.get(issue=issue)
    data = edition.pdf_path.read_bytes()
    filestore.storage("editions").save(f"{edition.directory}/issue.pdf", ContentFile(data))
    Edition.objects.filter(pk=edition.pk).update(pdf_size=len(data))
    client = reader(library, "member")

    response = client.get(signed_link(client, issue))

    assert response.status_code == 302 and "no-store" in response["Cache-Control"]
    query = parse_qs(urlsplit(response["Location"]).query)
    assert "X-Amz-Signature" in query and query["X-Amz-Expires"] == ["60"]
    with urllib.request.urlopen(response["Location"], timeout=30) as fetched:  # noqa: S310
        assert fetched.read() == data
    assert Download.objects.filter(issue=issue).count() == 1
