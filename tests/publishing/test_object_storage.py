"""Files on S3-compatible object storage, against a real S3 endpoint (moto's standalone server,
started here on a free port): publishing uploads a whole version before recording it, a killed
publisher leaves nothing a reader can see, and uploads land in the bucket. Reading what was
published (signed download URLs, the proxied HTML edition, thumbnails): test_object_storage_reads."""

from __future__ import annotations

import datetime as dt
import logging
import socket
import urllib.error
import urllib.request
import uuid

import boto3
import pytest
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone

from bulletin.storages import object_storages
from editorial.services import asset_store
from publishing.models import Edition, ProofStatus, Release
from publishing.releases import claims
from publishing.services import (
    edition_correct,
    issue_publish,
    issue_publish_now,
    issue_schedule,
    proof_render,
    proof_request,
)
from tests.factories import EditorFactory, png_bytes
from tests.processes.children import Child
from tests.publishing.release_fixtures import ready_issue

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3 server in a thread of this process, on a port nobody else uses."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket(settings, s3_endpoint):
    """A fresh private bucket and the production storage settings pointing at it."""
    name = f"bulletin-{uuid.uuid4().hex[:12]}"
    s3 = {"ENDPOINT_URL": s3_endpoint, "BUCKET": name, "ACCESS_KEY_ID": "testing",
          "SECRET_ACCESS_KEY": "testing", "REGION": "us-east-1", "ADDRESSING_STYLE": "path",
          "URL_EXPIRE": 60}
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    client.create_bucket(Bucket=name)
    settings.BULLETIN_S3 = s3
    settings.STORAGES = object_storages(s3, STATIC)
    settings.BULLETIN_DOWNLOADS_OBJECT_MODE = "redirect"
    settings.BULLETIN_DOWNLOADS_URL_EXPIRE = 60
    client.bulletin_bucket = name
    return client


def keys(client, prefix: str = "") -> list[str]:
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=client.bulletin_bucket,
                                                              Prefix=prefix)
    return sorted(item["Key"] for page in pages for item in page.get("Contents", []))


def make_due(issue, editor) -> str:
    release = issue_schedule(issue=issue, release_at=timezone.now() + dt.timedelta(hours=1),
                             actor=editor)
    Release.objects.filter(issue=issue).update(release_at=timezone.now() - dt.timedelta(seconds=1))
    return str(release.token)


def published(issue) -> Edition:
    issue_publish(issue=issue, token=make_due(issue, EditorFactory()))
    return Edition.objects.get(issue=issue)


def pdf_url(issue) -> str:
    return reverse("publishing:issue_pdf", kwargs={"publication_slug": issue.publication.slug,
                                                   "number": issue.number})


def test_an_upload_lands_in_the_bucket_and_is_linked_at_the_site(bucket, settings):
    asset = asset_store(data=png_bytes(40, 30), original_name="图.png")
    assert f"media/{asset.file.name}" in keys(bucket, "media/")
    assert asset.file.url == settings.MEDIA_URL + asset.file.name  # bodies keep /media/… links
    assert storages["default"].open(asset.file.name).read() == png_bytes(40, 30)


def test_publishing_uploads_the_pdf_and_the_html_edition_under_the_version_prefix(bucket):
    issue = ready_issue()
    edition = published(issue)

    base = f"{issue.publication.slug}/{issue.number}"
    assert edition.directory.startswith(f"{base}/v1-")
    stored = keys(bucket, "editions/")
    assert f"editions/{edition.directory}/issue.pdf" in stored
    assert f"editions/{edition.directory}/html/index.html" in stored
    # Nothing but the recorded version: no staging or half-written prefix stays behind.
    assert all(key.startswith(f"editions/{edition.directory}/") for key in stored)
    pdf = bucket.get_object(Bucket=bucket.bulletin_bucket, Key=f"editions/{edition.directory}/issue.pdf")
    body = pdf["Body"].read()
    assert body.startswith(b"%PDF") and len(body) == edition.pdf_size
    # The cover image the renderer needed came from the bucket (MEDIA_ROOT is this node's cache).
    assert any(key.startswith("media/") for key in keys(bucket))


def test_a_publisher_killed_between_upload_and_record_leaves_no_edition_and_is_swept(
        bucket, monkeypatch):
    issue = ready_issue()
    editor = EditorFactory()
    token = make_due(issue, editor)

    def killed(claim):  # the process dies after the upload, before the row is written
        raise SystemExit("killed")

    monkeypatch.setattr(claims, "claim_still_held", killed)
    with pytest.raises(SystemExit):
        issue_publish(issue=issue, token=token)
    monkeypatch.undo()

    assert not Edition.objects.filter(issue=issue).exists()
    left = keys(bucket, "editions/")
    assert any(key.endswith("/issue.pdf") for key in left)  # the unreferenced upload
    orphan = left[0].split("/")[3]

    # The next run (it takes the issue's claim) sweeps it and records its own version.
    issue_publish(issue=issue, token=token)
    edition = Edition.objects.get(issue=issue)
    stored = keys(bucket, "editions/")
    assert not any(f"/{orphan}/" in key for key in stored)
    assert stored and all(key.startswith(f"editions/{edition.directory}/") for key in stored)


@pytest.mark.django_db(transaction=True)
def test_a_publisher_process_killed_after_its_upload_leaves_nothing_a_reader_sees(bucket, settings):
    # A real process, a real render and a real SIGKILL between the last upload and the record.
    settings.BULLETIN_LEASE_SECONDS = 3600  # the takeover comes from the process table
    issue = ready_issue()
    child = Child(["-m", "tests.processes.bucket_publisher", str(issue.pk)],
                  CHILD_S3_ENDPOINT=settings.BULLETIN_S3["ENDPOINT_URL"],
                  CHILD_S3_BUCKET=bucket.bulletin_bucket)
    try:
        child.wait_for("UPLOADED")
        assert child.kill() == -9
    finally:
        child.stop()
    assert not Edition.objects.filter(issue=issue).exists()
    orphaned = keys(bucket, "editions/")
    assert f"editions/{issue.publication.slug}/{issue.number}/" in orphaned[0]
    assert any(key.endswith("/html/index.html") for key in orphaned)

    outcome = issue_publish_now(issue=issue, actor=EditorFactory())
    assert outcome.reason == "published"
    stored = keys(bucket, "editions/")
    assert not set(orphaned) & set(stored)
    assert all(key.startswith(f"editions/{outcome.edition.directory}/") for key in stored)


def test_a_proof_is_uploaded_whole_shown_to_editors_and_shipped_by_the_publish(bucket, client):
    issue = ready_issue()
    editor = EditorFactory()
    proof = proof_render(proof=proof_request(issue=issue, actor=editor))

    assert proof.status == ProofStatus.READY and proof.directory.startswith(
        f"{issue.publication.slug}/{issue.number}/proofs/{proof.pk}-")
    stored = keys(bucket, f"editions/{proof.directory}/")
    assert f"editions/{proof.directory}/proof.pdf" in stored
    assert len([key for key in stored if "/pages/page-" in key]) == proof.page_count
    client.force_login(editor)
    page = client.get(reverse("publishing:board_proof_file",
                              kwargs={"pk": issue.pk, "proof_id": proof.pk, "name": "page-1.png"}))
    assert page.status_code == 200 and b"".join(page.streaming_content).startswith(b"\x89PNG")

    edition = published(issue)
    # What editors looked at is what members get: the proof's PDF, byte for byte.
    assert (storages["editions"].open(f"{edition.directory}/issue.pdf").read()
            == storages["proofs"].open(f"{proof.directory}/proof.pdf").read())


def test_the_print_shop_file_is_rendered_once_into_the_bucket(bucket, client):
    issue = ready_issue()
    editor = EditorFactory()
    client.force_login(editor)
    url = reverse("publishing:board_print_pdf", kwargs={"pk": issue.pk})
    response = client.get(url)
    assert response.status_code == 302  # a signed URL, handed out after the editor check
    with urllib.request.urlopen(response["Location"], timeout=30) as got:  # noqa: S310
        assert got.read().startswith(b"%PDF")
        assert got.headers["Content-Disposition"] == (
            f'attachment; filename="{issue.publication.slug}-{issue.number}-print.pdf"')
    prints = keys(bucket, f"editions/{issue.publication.slug}/{issue.number}/print/")
    assert len(prints) == 1 and prints[0].endswith(".pdf")
    stamp = bucket.head_object(Bucket=bucket.bulletin_bucket, Key=prints[0])["LastModified"]
    assert client.get(url).status_code == 302
    assert bucket.head_object(Bucket=bucket.bulletin_bucket, Key=prints[0])["LastModified"] == stamp
    client.logout()
    assert client.get(url).status_code == 302 and "X-Amz" not in client.get(url)["Location"]


def test_a_correction_adds_a_version_prefix_and_keeps_the_old_one(bucket, client):
    issue = ready_issue()
    editor = EditorFactory()
    first = published(issue)
    second = edition_correct(issue=issue, erratum="第 2 页数据更正", actor=editor)
    first.refresh_from_db()

    assert first.superseded_at is not None and second.version == 2
    assert second.directory.startswith(f"{issue.publication.slug}/{issue.number}/v2-")
    stored = keys(bucket, "editions/")
    for edition in (first, second):
        assert f"editions/{edition.directory}/issue.pdf" in stored
    assert all(key.startswith((f"editions/{first.directory}/", f"editions/{second.directory}/"))
               for key in stored)


def test_an_upload_whose_object_is_gone_is_not_found_not_an_error(bucket, client):
    asset = asset_store(data=png_bytes(40, 30), original_name="图.png")
    client.force_login(EditorFactory())
    assert client.get(asset.file.url).status_code == 200
    storages["default"].delete(asset.file.name)
    assert client.get(asset.file.url).status_code == 404
