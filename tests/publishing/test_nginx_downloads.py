"""The shipped nginx configuration (deploy/nginx/) in front of the real Django: a member's PDF
comes from nginx after Django's access check, byte for byte, with Django's headers, ranges and
revalidation; the internal location cannot be fetched directly.

Needs nginx (Debian nginx-light, `make bench-setup`); skipped without it.
"""

from __future__ import annotations

import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from publishing.models import Download
from tests.processes.nginx import free_port, nginx_command
from tests.publishing.library_fixtures import build_library

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed"),
]

@pytest.fixture
def nginx(live_server, settings, tmp_path):
    """nginx started from deploy/nginx/bulletin.conf, its paths pointed at this test's."""
    settings.DOWNLOADS_ACCEL_REDIRECT_PREFIX = "/_editions/"
    upstream = urlsplit(live_server.url).netloc
    port = free_port()
    replaced = {"server web:8000;": f"server {upstream};",
                "listen 80;": f"listen 127.0.0.1:{port};",
                "/app/var/staticfiles/": f"{django_settings.STATIC_ROOT}/",
                "/data/editions/": f"{Path(settings.EDITIONS_ROOT).resolve()}/",
                "/etc/nginx/bulletin-proxy.conf": str(tmp_path / "bulletin-proxy.conf"),
                # Marks what the internal location sent (the test's addition to the file).
                "internal;": 'internal;\n        add_header X-Test-Served-By "internal location" always;'}
    command = nginx_command(tmp_path, replaced, daemon=True)
    # nginx binds its port before it returns (daemon on), so it is ready when this returns.
    subprocess.run(command, check=True, capture_output=True)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        subprocess.run([*command, "-s", "stop"], check=False, capture_output=True)


def _get(url: str, *, cookie: str | None = None, headers: dict | None = None):
    assert url.startswith("http://127.0.0.1:")
    request = urllib.request.Request(url, headers={  # noqa: S310 - our own nginx, checked above
        **(headers or {}), **({"Cookie": cookie} if cookie else {})})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    name = django_settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}"


def test_nginx_sends_the_member_pdf_after_djangos_check(nginx):
    library = build_library()
    issue = library.issues["members"]
    pdf = issue.editions.get().pdf_path.read_bytes()
    url = nginx + reverse("publishing:issue_pdf", kwargs={
        "publication_slug": issue.publication.slug, "number": issue.number})
    member = _session_cookie(library.users["member"])

    status, headers, body = _get(url, cookie=member)
    assert status == 200 and body == pdf
    assert headers["X-Test-Served-By"] == "internal location"  # not streamed by Django
    assert headers["Content-Type"] == "application/pdf"
    name = f"《{issue.publication.name}》第{issue.number}期.pdf"
    assert headers["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(name)}"
    assert "private" in headers["Cache-Control"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "X-Accel-Redirect" not in headers
    repeated = [name for name in dict.fromkeys(headers.keys()) if len(headers.get_all(name)) > 1]
    assert repeated == [], headers.items()  # Django's headers and nginx's, each said once
    assert headers["Accept-Ranges"] == "bytes"

    status, headers, body = _get(url, cookie=member, headers={"Range": "bytes=10-99"})
    assert status == 206 and body == pdf[10:100]
    assert headers["X-Test-Served-By"] == "internal location"
    assert headers["Content-Range"] == f"bytes 10-99/{len(pdf)}"
    assert all(len(headers.get_all(name)) == 1 for name in headers), headers.items()

    etag = _get(url, cookie=member)[1]["ETag"]
    assert _get(url, cookie=member, headers={"If-None-Match": etag})[0] == 304

    # Logged: the two whole downloads, not the resumed part nor the revalidation.
    assert Download.objects.filter(issue=issue, user=library.users["member"]).count() == 2

    # Refused before anything is handed over; the internal location is not reachable.
    status, headers, body = _get(url)
    assert status == 302 and not body.startswith(b"%PDF")
    status, _headers, body = _get(url, cookie=_session_cookie(library.users["expired"]))
    assert status == 403 and not body.startswith(b"%PDF")
    direct = nginx + "/_editions/" + str(issue.editions.get().directory) + "/issue.pdf"
    assert _get(direct)[0] == 404


def test_the_issue_pages_signed_link_is_sent_by_nginx_and_refused_elsewhere(nginx, settings):
    """The signed link (``download_links``) through the shipped configuration: nginx's
    internal location sends the bytes; another browser is sent to the canonical URL."""
    import re

    settings.BULLETIN_DOWNLOAD_LINK_SECONDS = 300
    library = build_library()
    issue = library.issues["members"]
    pdf = issue.editions.get().pdf_path.read_bytes()
    kwargs = {"publication_slug": issue.publication.slug, "number": issue.number}
    member = _session_cookie(library.users["member"])
    status, _headers, page = _get(nginx + reverse("publishing:issue_detail", kwargs=kwargs),
                                  cookie=member)
    assert status == 200
    link = re.search(rb'href="(/dl/[^"]+)"', page).group(1).decode()

    status, headers, body = _get(nginx + link, cookie=member)
    assert status == 200 and body == pdf
    assert headers["X-Test-Served-By"] == "internal location"
    assert "X-Accel-Redirect" not in headers
    assert Download.objects.filter(issue=issue, user=library.users["member"]).count() == 1

    status, headers, body = _get(nginx + link)  # no session: the canonical URL decides
    assert status == 302 and headers["Location"] == reverse("publishing:issue_pdf", kwargs=kwargs)
    assert not body.startswith(b"%PDF")
