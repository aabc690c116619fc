"""Every request header in tests/hostile/web/headers/ gets its RFC 9110 answer on a PDF
download, never a server error: absurd Range values, weak and ``*`` If-None-Match, the
precedence of the conditional headers, If-Range's strong comparison."""

from __future__ import annotations

import pytest
from django.urls import reverse

from editorial.models import IssueStatus
from publishing.models import AccessLevel, Edition
from publishing.selectors import issue_edition_root
from publishing.services import issue_set_access
from tests.factories import IssueFactory
from tests.hostile.corpus import cases, load
from tests.publishing.library_fixtures import write_pdf

pytestmark = pytest.mark.django_db



def _public_issue_with_pdf():
    issue = IssueFactory(status=IssueStatus.PUBLISHED)
    issue_set_access(issue=issue, level=AccessLevel.PUBLIC)
    directory = issue_edition_root(issue) / "v1"
    write_pdf(directory / "issue.pdf")
    Edition.objects.create(issue=issue, version=1, pdf_sha256="0" * 64, content_hash="0" * 64,
                           directory=str(directory.relative_to(issue_edition_root(issue).parents[1])))
    return issue


def _header_name(name: str) -> str:
    return "HTTP_" + name.upper().replace("-", "_")


@pytest.mark.parametrize("path", cases("web/headers"))
def test_hostile_header_gets_its_rfc_9110_answer(client, path):
    case = load(path)
    issue = _public_issue_with_pdf()
    url = reverse("publishing:issue_pdf", kwargs={"publication_slug": issue.publication.slug,
                                                  "number": issue.number})
    plain = client.get(url)
    whole = b"".join(plain.streaming_content)
    values = {"etag": plain["ETag"], "last_modified": plain["Last-Modified"]}
    headers = {_header_name(k): v.replace("{etag}", values["etag"])
               .replace("{last_modified}", values["last_modified"])
               for k, v in case["headers"].items()}

    response = client.get(url, **headers)

    assert response.status_code == case["expect"], case["why"]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.status_code == 200:
        assert body == whole
    elif response.status_code == 206:
        start, end = map(int, response["Content-Range"].split()[1].split("/")[0].split("-"))
        assert body == whole[start:end + 1]
    elif response.status_code == 304:
        assert response["ETag"] == values["etag"] and body == b""
    elif response.status_code == 416:
        assert response["Content-Range"] == f"bytes */{len(whole)}"
        assert "请求的文件范围无效" in body.decode()
