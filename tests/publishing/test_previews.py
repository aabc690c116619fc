"""Article previews: the issue renderer's own templates, only for those who may see the draft."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.editorial import factories_workspace as ws
from tests.editorial.workspace.test_xss import executable_parts
from tests.editorial.workspace.xss_payloads import PAYLOADS
from tests.factories import AdminFactory, EditorFactory, MemberFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {"editor": EditorFactory(), "reviewer": ReviewerFactory(),
            "other_reviewer": ReviewerFactory(username="r2"),
            "member": MemberFactory(), "admin": AdminFactory()}


@pytest.fixture
def article(people):
    return ws.in_review_article(by=people["editor"], reviewers=[people["reviewer"]],
                                title="草稿标题", body="<h2>小标题</h2><p>草稿正文机密内容。</p>")


@pytest.mark.parametrize("name", ["article_preview", "article_preview_pdf"])
@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("member", 403), ("other_reviewer", 403), ("reviewer", 200),
     ("editor", 200), ("admin", 200)],
)
def test_preview_is_only_for_those_who_may_see_the_draft(client, people, article, name, role,
                                                          expected):
    if role != "anonymous":
        client.force_login(people[role])
    response = client.get(reverse(f"publishing:{name}", args=[article.pk]))
    assert response.status_code == expected
    if expected != 200:
        assert "草稿正文" not in response.content.decode(errors="ignore")


def test_web_preview_uses_the_edition_templates_and_forbids_scripts(client, people, article):
    client.force_login(people["editor"])
    response = client.get(reverse("publishing:article_preview", args=[article.pk]))
    html = response.content.decode()
    assert 'lang="zh-CN"' in html and "草稿标题" in html and "<h2>小标题</h2>" in html
    assert "script-src" not in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_pdf_preview_is_a_pdf_with_the_article_text(client, people, article):
    import subprocess
    import tempfile

    client.force_login(people["editor"])
    response = client.get(reverse("publishing:article_preview_pdf", args=[article.pk]))
    assert response["Content-Type"] == "application/pdf"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(response.content)
        handle.flush()
        text = subprocess.run(["pdftotext", handle.name, "-"], capture_output=True, text=True,
                              check=True).stdout
    assert "草稿标题" in text and "草稿正文机密内容" in text


def test_xss_payloads_in_a_body_leave_nothing_executable_in_previews(client, people):
    body = "".join(f"<p>{payload}</p>" for payload in PAYLOADS)
    article = ws.draft_article(by=people["editor"], title="<script>alert(1)</script>标题", body=body)
    client.force_login(people["editor"])
    html = client.get(reverse("publishing:article_preview", args=[article.pk])).content.decode()
    # The page's own stylesheet sits in <head>; everything from the article is in <body>.
    head, body = html.split("</head>", 1)
    assert head.count("<style") == 1 and "<script" not in head.lower()
    assert executable_parts(body) == []
    pdf = client.get(reverse("publishing:article_preview_pdf", args=[article.pk]))
    assert pdf.status_code in {200, 422}
    assert b"/JavaScript" not in pdf.content and b"/JS " not in pdf.content
