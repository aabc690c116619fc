"""Downloads handed to nginx (X-Accel-Redirect): the same access check, the same download log,
the same conditional answers, and no bytes through Python; without the setting Django streams.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from django.conf import settings
from django.urls import reverse

from publishing.checks import check_accel_redirect_prefix
from publishing.models import Download
from tests.conftest import rows_for_the_module
from tests.publishing.library_fixtures import build_library
from tests.publishing.test_access_matrix import ISSUES, READERS, ROLES, VIEWERS

PREFIX = "/_editions/"


@pytest.fixture(scope="module")
def _library_rows(request, django_db_setup, django_db_blocker, tmp_path_factory):
    yield from rows_for_the_module(build_library, request=request, django_db_blocker=django_db_blocker,
                                   tmp_path_factory=tmp_path_factory)


@pytest.fixture
def library(_library_rows, db, settings):
    return _library_rows(settings)


@pytest.fixture
def accel(settings):
    settings.DOWNLOADS_ACCEL_REDIRECT_PREFIX = PREFIX
    return settings


def pdf_url(issue):
    return reverse("publishing:issue_pdf", kwargs={"publication_slug": issue.publication.slug,
                                                   "number": issue.number})


def login(client, library, role):
    if library.users[role] is not None:
        client.force_login(library.users[role])
    return client


def test_member_pdf_is_handed_to_nginx_without_a_body_and_logged(client, library, accel):
    issue = library.issues["members"]
    edition = issue.editions.get()
    login(client, library, "member")

    response = client.get(pdf_url(issue))

    assert response.status_code == 200
    assert not response.streaming and response.content == b""
    location = response["X-Accel-Redirect"]
    assert location.startswith(PREFIX)
    # The internal location is an alias of EDITIONS_ROOT: the URI names exactly this file.
    assert Path(accel.EDITIONS_ROOT) / unquote(location[len(PREFIX):]) == edition.pdf_path
    name = f"《{issue.publication.name}》第{issue.number}期.pdf"
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(name)}"
    assert response["Content-Type"] == "application/pdf"
    assert "private" in response["Cache-Control"]
    stat = edition.pdf_path.stat()
    assert response["ETag"] == f'"{int(stat.st_mtime):x}-{stat.st_size:x}"'  # nginx's own
    assert Download.objects.filter(issue=issue, user=library.users["member"]).count() == 1


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", ISSUES)
def test_access_is_refused_per_role_before_anything_is_handed_over(client, library, accel,
                                                                   role, key):
    response = login(client, library, role).get(pdf_url(library.issues[key]))
    if role in READERS[key] and role in VIEWERS[key]:
        assert response.status_code == 200
        assert response["X-Accel-Redirect"].startswith(PREFIX)
        assert Download.objects.count() == 1
        return
    assert not response.has_header("X-Accel-Redirect")
    assert not response.has_header("Content-Disposition")
    assert response.status_code == (404 if role not in VIEWERS[key]
                                    else 302 if role == "anonymous" else 403)
    assert Download.objects.count() == 0


def test_conditional_and_range_requests_keep_their_answers_and_the_log(client, library, accel):
    issue = library.issues["members"]
    size = issue.editions.get().pdf_path.stat().st_size
    login(client, library, "member")
    first = client.get(pdf_url(issue))

    revalidated = client.get(pdf_url(issue), HTTP_IF_NONE_MATCH=first["ETag"])
    assert revalidated.status_code == 304
    assert not revalidated.has_header("X-Accel-Redirect")

    # nginx makes the 206 from the Range header it is passed; only a download from byte 0 counts.
    resumed = client.get(pdf_url(issue), HTTP_RANGE="bytes=100-")
    assert resumed.status_code == 200 and resumed["X-Accel-Redirect"] == first["X-Accel-Redirect"]
    started = client.get(pdf_url(issue), HTTP_RANGE="bytes=0-99")
    assert started["X-Accel-Redirect"] == first["X-Accel-Redirect"]

    beyond = client.get(pdf_url(issue), HTTP_RANGE=f"bytes={size + 10}-")
    assert beyond.status_code == 416 and not beyond.has_header("X-Accel-Redirect")
    assert beyond["Content-Range"] == f"bytes */{size}"

    assert Download.objects.filter(issue=issue).count() == 2  # the first GET and bytes=0-99


def test_without_the_setting_django_streams_the_same_file(client, library, settings):
    settings.DOWNLOADS_ACCEL_REDIRECT_PREFIX = ""
    issue = library.issues["members"]
    login(client, library, "member")
    response = client.get(pdf_url(issue))
    assert not response.has_header("X-Accel-Redirect")
    assert b"".join(response.streaming_content) == issue.editions.get().pdf_path.read_bytes()
    assert Download.objects.count() == 1


def test_cover_thumbnail_is_a_redirect_to_its_static_file_not_a_hand_over(client, library, accel):
    """Covers are public static files (COVERS_ROOT, served by nginx's /covers/): after the
    view's check the answer is a redirect, never an X-Accel-Redirect into the editions."""
    issue = library.issues["public"]
    response = client.get(reverse("publishing:issue_cover", kwargs={
        "publication_slug": issue.publication.slug, "number": issue.number}))
    assert response.status_code == 302
    assert response["Location"].startswith(settings.COVERS_URL)
    assert not response.has_header("X-Accel-Redirect")
    assert Download.objects.count() == 0


@pytest.mark.parametrize(("prefix", "ids"), [
    ("", []), ("/_editions/", []), ("/protected/editions/", []),
    ("_editions/", ["publishing.E002"]), ("/_editions", ["publishing.E002"]),
    ("/", ["publishing.E002"]), ("/编辑/", ["publishing.E002"]), ("/a b/", ["publishing.E002"]),
])
def test_the_prefix_is_checked_at_start_up(settings, prefix, ids):
    settings.DOWNLOADS_ACCEL_REDIRECT_PREFIX = prefix
    assert [problem.id for problem in check_accel_redirect_prefix()] == ids
