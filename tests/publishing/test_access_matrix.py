"""Access matrix: every role × every access situation × every way in to an issue's content."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import rows_for_the_module
from tests.publishing.library_fixtures import MARKERS, build_library

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "member", "expired", "editor", "reviewer"]
ISSUES = ["public", "members", "embargoed", "embargo_over", "unpublished"]

# Who may read the full text (bodies, PDF, search hits) of each kind of issue.
READERS = {
    "public": set(ROLES),
    "members": {"member", "editor"},
    "embargoed": {"member", "editor"},
    "embargo_over": set(ROLES),
    "unpublished": {"editor"},
}
# Who may see that the issue exists at all (cover, contents, summaries).
VIEWERS = {key: set(ROLES) for key in ISSUES} | {"unpublished": {"editor"}}


@pytest.fixture(scope="module")
def _library_rows(request, django_db_setup, django_db_blocker, tmp_path_factory):
    yield from rows_for_the_module(build_library, request=request, django_db_blocker=django_db_blocker,
                                   tmp_path_factory=tmp_path_factory)


@pytest.fixture
def library(_library_rows, db, settings):
    return _library_rows(settings)


def client_for(client, library, role):
    user = library.users[role]
    if user is not None:
        client.force_login(user)
    return client


def kwargs(issue):
    return {"publication_slug": issue.publication.slug, "number": issue.number}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", ISSUES)
def test_issue_page(client, library, role, key):
    client = client_for(client, library, role)
    response = client.get(reverse("publishing:issue_detail", kwargs=kwargs(library.issues[key])))
    if role not in VIEWERS[key]:
        assert response.status_code == 404
        assert MARKERS[key] not in response.content.decode()
        assert f"摘要{key}" not in response.content.decode()
        return
    html = response.content.decode()
    assert response.status_code == 200
    assert f"{key} 数字贸易" in html and f"摘要{key}" in html
    assert (">下载 PDF</a>" in html) == (role in READERS[key])
    if role not in READERS[key]:
        if role == "anonymous":
            assert "会员登录" in html
        if role == "expired":
            assert "到期" in html


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", ISSUES)
def test_article_page(client, library, role, key):
    client = client_for(client, library, role)
    url = reverse("publishing:article_detail",
                  kwargs={**kwargs(library.issues[key]), "slug": f"article-{key}"})
    response = client.get(url)
    html = response.content.decode()
    if role not in VIEWERS[key]:
        assert response.status_code == 404
        assert MARKERS[key] not in html
        return
    assert response.status_code == 200
    assert (MARKERS[key] in html) == (role in READERS[key])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", ISSUES)
def test_pdf_download(client, library, role, key):
    client = client_for(client, library, role)
    response = client.get(reverse("publishing:issue_pdf", kwargs=kwargs(library.issues[key])))
    if role not in VIEWERS[key]:
        assert response.status_code == 404
    elif role in READERS[key]:
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    elif role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == 403
        assert not response.has_header("Content-Disposition")
        if role == "expired":
            assert "到期" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", ISSUES)
def test_cover_thumbnail(client, library, role, key):
    client = client_for(client, library, role)
    response = client.get(reverse("publishing:issue_cover", kwargs=kwargs(library.issues[key])))
    if role in VIEWERS[key]:
        # Made once, then a static file (public, immutable: its name is keyed on the PDF).
        assert response.status_code == 302 and response["Location"].startswith("/covers/")
        cover = client.get(response["Location"])
        assert cover.status_code == 200 and "immutable" in cover["Cache-Control"]
        assert b"".join(cover.streaming_content).startswith(b"\x89PNG")
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_search_results_only_show_what_the_user_may_read(client, library, role):
    client = client_for(client, library, role)
    for key in ISSUES:
        response = client.get(reverse("publishing:search"), {"q": MARKERS[key]})
        assert response.status_code == 200
        found = f"article-{key}" in response.content.decode()
        expected = role in READERS[key] and key != "unpublished"
        assert found == expected, (role, key)
