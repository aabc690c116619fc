"""WeasyPrint reads only the project's static and media files and data: URLs, nothing else."""

from __future__ import annotations

import base64
import http.server
import threading
import zlib
from pathlib import Path

import pytest
from django.conf import settings

from editorial.models import ArticleState
from editorial.services import asset_store
from publishing.rendering import RestrictedURLFetcher, issue_pdf_bytes, url_fetcher
from tests.factories import ArticleFactory, IssueFactory, SectionFactory, png_bytes
from tests.publishing.print_fixtures import decoded_streams, read_pdf

pytestmark = pytest.mark.django_db

PASSWD = Path("/etc/passwd")
HOSTNAME = Path("/etc/hostname")


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        body = png_bytes(20, 20, "#00ff00")
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def http_server():
    """A local web server that serves an image and records every request it gets."""
    _Recorder.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.requests
    server.shutdown()
    server.server_close()


@pytest.fixture
def local_secret(tmp_path) -> Path:
    """A file outside media and static whose bytes must never reach a PDF."""
    path = tmp_path / "secret.css"
    path.write_text("/* SECRET-LOCAL-CSS-7f3a */ body { color: red }")
    return path


@pytest.mark.slow
def test_hostile_body_gets_no_file_no_attachment_and_no_request(http_server, local_secret):
    """Bodies are sanitised on the way in; if one ever slipped through, the fetcher still holds."""
    base, requests = http_server
    issue = IssueFactory(number=5)
    section = SectionFactory(publication=issue.publication, name="国际资讯")
    allowed = asset_store(data=png_bytes(60, 40, "#123456"), original_name="ok.png")
    hostile = (
        '<p>正文开始。</p>'
        '<img src="file:///etc/passwd" alt="passwd">'
        '<link rel="attachment" href="file:///etc/hostname">'
        f'<link rel="attachment" href="{local_secret.as_uri()}">'
        '<a rel="attachment" href="file:///etc/hostname">附件</a>'
        f'<link rel="stylesheet" href="{local_secret.as_uri()}">'
        '<p style="background: url(file:///etc/passwd)">背景图。</p>'
        f'<style>@import url("{local_secret.as_uri()}"); '
        f'@font-face {{ font-family: x; src: url({local_secret.as_uri()}); }}</style>'
        f'<img src="{base}/tracker.png" alt="tracker">'
        f'<img src="{settings.MEDIA_URL}{allowed.file.name}" alt="ok">'
        '<p>正文结束。</p>'
    )
    ArticleFactory(issue=issue, section=section, title="恶意正文测试", body=hostile,
                   state=ArticleState.APPROVED)

    pdf = issue_pdf_bytes(issue)

    read = read_pdf(pdf)
    catalog = read.reader.trailer["/Root"]
    assert "/Names" not in catalog or "/EmbeddedFiles" not in catalog["/Names"]
    for page in read.reader.pages:
        for annotation in page.get("/Annots") or []:
            assert annotation.get_object()["/Subtype"] != "/FileAttachment"
    everything = pdf + b"".join(decoded_streams(read.reader))
    passwd = PASSWD.read_bytes()
    needles = [passwd[:24], zlib.compress(passwd)[:16], b"SECRET-LOCAL-CSS"]
    hostname = HOSTNAME.read_bytes().strip()
    if len(hostname) >= 8:  # a two-letter host name would match anywhere
        needles.append(hostname)
    for needle in needles:
        assert needle not in everything
    assert requests == []
    # The stored image is the only one embedded: the fetcher lets the project's media through.
    images = [obj for obj in (read.reader.get_object(n)
                              for n in range(1, int(read.reader.trailer["/Size"])))
              if obj is not None and hasattr(obj, "get") and obj.get("/Subtype") == "/Image"]
    assert len(images) == 1 and images[0]["/Width"] == 60


def test_fetcher_reads_media_static_and_data_urls(settings, tmp_path):
    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    image = Path(settings.MEDIA_ROOT) / "images" / "a.png"
    image.parent.mkdir(parents=True)
    image.write_bytes(png_bytes())
    fetcher = url_fetcher()
    assert fetcher.fetch(image.as_uri()).read() == png_bytes()
    css = fetcher.fetch((Path(settings.BASE_DIR) / "static/publishing/print.css").as_uri())
    assert b"@page" in css.read()
    data = "data:text/plain;base64," + base64.b64encode("数据".encode()).decode()
    assert fetcher.fetch(data).read() == "数据".encode()


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "file://localhost/etc/hostname",
    "file://otherhost/etc/passwd",
    "ftp://127.0.0.1/x.png",
    "https://example.org/x.png",
    "javascript:alert(1)",
])
def test_fetcher_refuses_anything_else(url):
    with pytest.raises(ValueError, match="may not read"):
        url_fetcher().fetch(url)


def test_fetcher_refuses_the_network_without_connecting(http_server):
    base, requests = http_server
    with pytest.raises(ValueError):
        url_fetcher().fetch(f"{base}/image.png")
    assert requests == []


def test_fetcher_refuses_escapes_from_its_roots(tmp_path):
    root = tmp_path / "media"
    (root / "images").mkdir(parents=True)
    (root / "images" / "ok.png").write_bytes(png_bytes())
    (tmp_path / "outside.txt").write_text("outside")
    (root / "images" / "link.png").symlink_to(HOSTNAME)
    fetcher = RestrictedURLFetcher([root])
    assert fetcher.fetch((root / "images" / "ok.png").as_uri()).read() == png_bytes()
    for url in (f"file://{root}/../outside.txt", f"file://{root}/images/%2e%2e/../outside.txt",
                (root / "images" / "link.png").as_uri(), f"file://{root}/images/missing.png",
                f"file://{root}"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
