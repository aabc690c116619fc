"""Reading what was published on object storage, against a real S3 endpoint (moto's standalone
server, started here on a free port): downloads are short-lived signed URLs (or streamed from
the bucket) handed out only after the access check, the HTML edition is proxied after it, and
cover thumbnails are made into the bucket.

The tests only read one published issue: it is published (rendered and uploaded) once for the
module, into a bucket of the module (tests/conftest.py ``rows_for_the_module``): each test
still runs in its own savepoint, so what it writes (downloads, a thumbnail's row) is gone
before the next one.
"""

from __future__ import annotations

import datetime as dt
import urllib.error
import urllib.request
import uuid
from urllib.parse import parse_qs, quote, urlsplit

import boto3
import pytest
import time_machine
from django.core.files.storage import storages
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from bulletin.storages import object_storages
from editorial.models import Asset
from publishing.library.services import issue_cover_thumbnail
from publishing.models import AccessLevel, Download
from publishing.services import issue_set_access
from tests.conftest import rows_for_the_module
from tests.factories import MemberFactory, UserFactory
from tests.publishing.release_fixtures import ready_issue
from tests.publishing.test_object_storage import (  # noqa: F401 - s3_endpoint is a fixture
    STATIC,
    keys,
    pdf_url,
    published,
    s3_endpoint,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def _storage_settings(endpoint: str, name: str) -> dict:
    """The production storage settings pointing at the module's private bucket."""
    s3 = {"ENDPOINT_URL": endpoint, "BUCKET": name, "ACCESS_KEY_ID": "testing",
          "SECRET_ACCESS_KEY": "testing", "REGION": "us-east-1", "ADDRESSING_STYLE": "path",
          "URL_EXPIRE": 60}
    return {"BULLETIN_S3": s3, "STORAGES": object_storages(s3, STATIC),
            "BULLETIN_DOWNLOADS_OBJECT_MODE": "redirect", "BULLETIN_DOWNLOADS_URL_EXPIRE": 60}


def _publish_members_issue() -> dict:
    issue = ready_issue()
    issue_set_access(issue=issue, level=AccessLevel.MEMBERS, embargo_months=0)
    return {"issue": issue, "edition": published(issue)}


@pytest.fixture(scope="module")
def _bucket_and_rows(request, s3_endpoint, django_db_setup, django_db_blocker,  # noqa: F811
                     tmp_path_factory):
    """A private bucket and, in it, a members-only issue published through the real services
    and the real renderer."""
    name = f"bulletin-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    client.create_bucket(Bucket=name)
    client.bulletin_bucket = name
    options = _storage_settings(s3_endpoint, name)
    with override_settings(**options):
        rows = rows_for_the_module(_publish_members_issue, request=request,
                                   django_db_blocker=django_db_blocker,
                                   tmp_path_factory=tmp_path_factory)
        for_one_test = next(rows)
    try:
        yield client, options, for_one_test
    finally:
        next(rows, None)  # rolls the module's rows back


@pytest.fixture
def bucket(_bucket_and_rows, settings):
    """The module's bucket, with the production storage settings pointing at it."""
    client, options, _rows = _bucket_and_rows
    for name, value in options.items():
        setattr(settings, name, value)
    return client


@pytest.fixture
def shared(_bucket_and_rows, bucket, db, settings) -> dict:
    """The published issue and its edition (this test's copies)."""
    return _bucket_and_rows[2](settings)


def test_member_download_is_a_short_lived_signed_url_after_the_log(shared, bucket, client, settings):
    issue, edition = shared["issue"], shared["edition"]
    member = MemberFactory(expires_on=timezone.localdate() + dt.timedelta(days=30))
    client.force_login(member)

    # The signing time is injected (frozen at a whole second, half a minute back, so the URL
    # is still good for the download below) and the URL must be signed at exactly that moment:
    # no tolerance on the wall clock.
    moment = (timezone.now() - dt.timedelta(seconds=30)).replace(microsecond=0)
    with time_machine.travel(moment, tick=False):
        response = client.get(pdf_url(issue))

    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]
    url = response["Location"]
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Expires"] == ["60"] and "X-Amz-Signature" in query
    signed_at = dt.datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    assert signed_at == moment
    name = f"《{issue.publication.name}》第{issue.number}期.pdf"
    assert query["response-content-disposition"] == [f"attachment; filename*=utf-8''{quote(name)}"]
    assert Download.objects.filter(issue=issue, user=member).count() == 1

    with urllib.request.urlopen(url, timeout=30) as got:  # noqa: S310 - the local test endpoint
        assert got.read() == storages["editions"].open(f"{edition.directory}/issue.pdf").read()
        assert got.headers["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(name)}"
        assert got.headers["Content-Type"] == "application/pdf"
    # Without the signature the bucket refuses: the object is private.
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url.split("?")[0], timeout=30)  # noqa: S310
    assert refused.value.code == 403

    settings.BULLETIN_DOWNLOADS_URL_EXPIRE = 15
    shorter = parse_qs(urlsplit(client.get(pdf_url(issue))["Location"]).query)
    assert shorter["X-Amz-Expires"] == ["15"]
    # A resumed download (a Range not from byte 0) is redirected but not counted again.
    resumed = client.get(pdf_url(issue), HTTP_RANGE="bytes=100-")
    assert resumed.status_code == 302
    assert Download.objects.filter(issue=issue, user=member).count() == 2


def test_a_non_member_gets_todays_refusal_and_no_url(shared, bucket, client):
    issue = shared["issue"]

    anonymous = client.get(pdf_url(issue))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    client.force_login(UserFactory())
    refused = client.get(pdf_url(issue))
    assert refused.status_code == 403
    assert "X-Amz" not in refused.content.decode() and not refused.has_header("Location")
    assert not Download.objects.exists()


def test_the_html_edition_is_proxied_after_the_access_check(shared, bucket, client):
    issue, edition = shared["issue"], shared["edition"]
    def url(path: str) -> str:
        return reverse("publishing:issue_html", kwargs={
            "publication_slug": issue.publication.slug, "number": issue.number, "path": path})

    assert client.get(url("index.html")).status_code == 302  # to the login page
    client.force_login(MemberFactory(expires_on=timezone.localdate() + dt.timedelta(days=30)))
    page = client.get(url("index.html"))
    assert page.status_code == 200 and "Location" not in page
    body = b"".join(page.streaming_content)
    assert body == storages["editions"].open(f"{edition.directory}/html/index.html").read()
    assert "塑造数字贸易发展新优势".encode() in body
    image = client.get(url(next(name for name in keys(bucket, "editions/") if "/images/" in name)
                           .split("/html/", 1)[1]))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert client.get(url("../issue.pdf")).status_code == 404


def test_the_cover_thumbnail_is_made_into_the_bucket_and_served_by_the_site(shared, bucket, client,
                                                                           settings):
    issue, edition = shared["issue"], shared["edition"]
    thumbnail = issue_cover_thumbnail(issue=issue, edition=edition)
    assert f"covers/{thumbnail.name}" in keys(bucket, "covers/")
    response = client.get(settings.COVERS_URL + thumbnail.name)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert "immutable" in response["Cache-Control"]
    assert Asset.objects.exists()


def test_in_proxy_mode_the_member_pdf_is_streamed_from_the_bucket(shared, bucket, client, settings):
    settings.BULLETIN_DOWNLOADS_OBJECT_MODE = "proxy"
    issue, edition = shared["issue"], shared["edition"]
    member = MemberFactory(expires_on=timezone.localdate() + dt.timedelta(days=30))
    client.force_login(member)

    response = client.get(pdf_url(issue))

    assert response.status_code == 200 and not response.has_header("Location")
    body = b"".join(response.streaming_content)
    assert body == storages["editions"].open(f"{edition.directory}/issue.pdf").read()
    assert response["Content-Length"] == str(edition.pdf_size)
    name = f"《{issue.publication.name}》第{issue.number}期.pdf"
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(name)}"
    assert Download.objects.filter(issue=issue, user=member).count() == 1
