"""The board's print-shop download: editors get the PDF/X-4 file for the printer, rendered
once per content fingerprint; nobody else gets anything."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from publishing.selectors import issue_edition_root
from tests.factories import EditorFactory, MemberFactory, ReviewerFactory
from tests.publishing.release_fixtures import ready_issue

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def download(client, issue):
    response = client.get(reverse("publishing:board_print_pdf", args=[issue.pk]))
    return response, b"".join(response.streaming_content) if response.status_code == 200 else b""


def test_editor_downloads_the_print_shop_pdf_and_a_second_download_reuses_it(client):
    issue = ready_issue()
    client.force_login(EditorFactory())
    response, data = download(client, issue)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert f"{issue.publication.slug}-{issue.number}-print.pdf" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) % 4 == 0
    xmp = reader.xmp_metadata.stream.get_data()
    assert b"<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp
    files = list((issue_edition_root(issue) / "print").glob("*.pdf"))
    assert len(files) == 1
    stamp = files[0].stat().st_mtime_ns
    _again, data_again = download(client, issue)
    assert data_again == data and files[0].stat().st_mtime_ns == stamp


def test_a_changed_masthead_makes_a_new_print_file(client):
    issue = ready_issue()
    client.force_login(EditorFactory())
    _response, first = download(client, issue)
    issue.publication.printer = "大连海事印刷厂"
    issue.publication.save()
    _response, second = download(client, issue)
    assert first != second
    assert len(list((issue_edition_root(issue) / "print").glob("*.pdf"))) == 1


@pytest.mark.parametrize("role", [MemberFactory, ReviewerFactory], ids=["member", "reviewer"])
def test_only_editors_get_the_print_file(client, role):
    issue = ready_issue()
    client.force_login(role())
    response = client.get(reverse("publishing:board_print_pdf", args=[issue.pk]))
    assert response.status_code == 403
    assert not (issue_edition_root(issue) / "print").exists()


def test_board_links_the_print_file(client):
    issue = ready_issue()
    client.force_login(EditorFactory())
    page = client.get(reverse("publishing:board_issue", args=[issue.pk])).content.decode()
    assert reverse("publishing:board_print_pdf", args=[issue.pk]) in page
