"""Serving an edition file: streamed, with validators (ETag, Last-Modified) and byte ranges,
so a member on a slow line can resume a large PDF and a browser can revalidate cheaply.

Conditional requests follow RFC 9110 §13.2.2: If-Match, then If-Unmodified-Since (412), then
If-None-Match with weak comparison (``W/"…"`` and ``*`` match: 304), then If-Modified-Since;
If-Range compares strongly, and a Range that fails it gets the whole file. Headers of any
size or shape get an answer (200, 206, 304, 412 or 416), never an error.

With ``settings.DOWNLOADS_ACCEL_REDIRECT_PREFIX`` set (nginx in front, ``deploy/nginx/``), a file
under ``EDITIONS_ROOT`` is not streamed by Python: once the view has checked access and the
answer is the file (200) or a part of it (206), the response carries only the headers and
``X-Accel-Redirect: <prefix><path below EDITIONS_ROOT>``, and nginx sends the bytes from its
``internal`` location, answering the Range itself. Django still answers 304, 412 and 416, and its
validators are nginx's own (ETag ``"<mtime hex>-<size hex>"``, Last-Modified from the same mtime),
so a browser revalidating a copy nginx sent gets the same answer from either side. Without the
setting (development, tests) Django streams the file as before.

Files on object storage (``publishing.filestore.StoredFile``) are never on this machine:
``stored_response`` redirects a download to a short-lived signed URL, or proxies it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, http_date, parse_http_date_safe, quote_etag

from publishing.filestore import StoredFile, read_stream

_RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$", re.ASCII)
CHUNK = 64 * 1024
# More digits than any file size has: such a position is simply "beyond the end" (Python
# refuses to convert integers of more than 4,300 digits, and nothing needs more than 18).
_MAX_DIGITS = 18


class _RangeFile:
    """A file object that yields only ``length`` bytes from ``start``."""

    def __init__(self, path: Path, start: int, length: int) -> None:
        self.handle = path.open("rb")
        self.handle.seek(start)
        self.remaining = length

    def read(self, size: int = -1) -> bytes:
        if self.remaining <= 0:
            return b""
        size = self.remaining if size < 0 else min(size, self.remaining)
        data = self.handle.read(size)
        self.remaining -= len(data)
        return data

    def close(self) -> None:
        self.handle.close()


def _etag(stat: os.stat_result) -> str:
    """nginx's ETag for the same file (``ngx_http_set_etag``): mtime in seconds and size, hex."""
    return quote_etag(f"{int(stat.st_mtime):x}-{stat.st_size:x}")


def accel_location(path: Path) -> str | None:
    """The internal URI nginx serves ``path`` from, or None: the setting is off, or the file is
    not under EDITIONS_ROOT (uploads and everything else are streamed by Django)."""
    prefix = settings.DOWNLOADS_ACCEL_REDIRECT_PREFIX
    if not prefix:
        return None
    try:
        relative = path.resolve().relative_to(Path(settings.EDITIONS_ROOT).resolve())
    except ValueError:
        return None
    return prefix.rstrip("/") + "/" + quote(relative.as_posix())


def counts_as_download(response: HttpResponse) -> bool:
    """Whether the response hands over the file from its first byte: a whole file or the
    first part of a ranged download (a resumed download is not a new one; 304 is no download)."""
    return (response.status_code in {200, 206, 302}
            and getattr(response, "first_byte", None) == 0)


def _parse_range(header: str, size: int) -> tuple[int, int] | bool | None:
    """(start, end) inclusive; None when the header should be ignored; False if unsatisfiable."""
    match = _RANGE_RE.match(header.strip())
    if not match:
        return None  # multi-range or malformed: RFC 9110 lets us send the whole file
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:
        suffix = _position(last, size)
        if suffix == 0:
            return False
        return max(size - suffix, 0), size - 1
    start = _position(first, size)
    end = min(_position(last, size), size - 1) if last else size - 1
    if start >= size or end < start:
        return False
    return start, end


def _position(digits: str, size: int) -> int:
    """A byte position from the header, capped just past the end of the file."""
    digits = digits.lstrip("0") or "0"
    if len(digits) > _MAX_DIGITS:
        return size
    return min(int(digits), size)


def _if_range_passes(if_range: str, etag: str, last_modified: float) -> bool:
    """If-Range: a strong ETag match (a weak validator never matches), or exactly the date."""
    if_range = if_range.strip()
    if if_range.startswith(('"', "W/")):
        return not if_range.startswith("W/") and if_range == etag
    date = parse_http_date_safe(if_range)
    return date is not None and date == int(last_modified)


def _unsatisfiable(size: int) -> HttpResponse:
    response = HttpResponse(render_to_string("416.html"), status=416)
    response["Content-Range"] = f"bytes */{size}"
    return response


def _range_start(request: HttpRequest) -> int | None:
    """Where a Range asks a redirected download to start: 0 without one, None for a suffix."""
    header = request.headers.get("Range")
    if not header:
        return 0
    match = _RANGE_RE.match(header.strip())
    if not match:
        return 0  # multi-range or malformed: the whole file
    first = match.group(1)
    return _position(first, 10**_MAX_DIGITS) if first else None


def stored_response(request: HttpRequest, file: StoredFile, *, filename: str | None,
                    content_type: str, private: bool) -> HttpResponse:
    """A file in the bucket, after the view's access check. A download (``filename``) answers
    302 to a URL signed for ``BULLETIN_DOWNLOADS_URL_EXPIRE`` seconds that makes the bucket send
    the same Content-Type and Content-Disposition (RFC 5987 ``filename*`` for a Chinese name);
    the bucket answers Range and conditional requests itself. Everything else (the HTML
    edition's pages and images, whose relative links must stay on this site), and every file
    when ``BULLETIN_DOWNLOADS_OBJECT_MODE`` is "proxy", is streamed through Django."""
    store = file.storage
    if filename and settings.BULLETIN_DOWNLOADS_OBJECT_MODE == "redirect":
        parameters = {"ResponseContentType": content_type,
                      "ResponseContentDisposition": content_disposition_header(True, filename)}
        url = store.url(file.name, parameters=parameters,
                        expire=settings.BULLETIN_DOWNLOADS_URL_EXPIRE)
        response = HttpResponseRedirect(url)
        # The signed URL expires: neither the browser nor a proxy may keep the redirect.
        response["Cache-Control"] = "private, no-store"
        response.first_byte = _range_start(request)
        return response
    try:
        chunks, size = read_stream(file, CHUNK)
    except FileNotFoundError as exc:  # a row whose object is gone: not found, not a 500
        raise Http404 from exc
    response = StreamingHttpResponse(chunks, content_type=content_type)
    if filename:
        response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Content-Length"] = str(size)
    response.first_byte = 0
    response["Cache-Control"] = ("private, max-age=0, must-revalidate" if private
                                 else "public, max-age=3600")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def file_response(request: HttpRequest, path: Path | StoredFile, *, filename: str | None,
                  content_type: str, private: bool) -> HttpResponse:
    """Stream ``path``, as an attachment named ``filename`` if given (RFC 6266 ``filename*``
    for non-ASCII names) or inline, answering conditional and Range requests. A file in a
    bucket goes to ``stored_response``."""
    if isinstance(path, StoredFile):
        return stored_response(request, path, filename=filename, content_type=content_type,
                               private=private)
    stat = path.stat()
    etag = _etag(stat)
    last_modified = http_date(stat.st_mtime)
    cache_control = "private, max-age=0, must-revalidate" if private else "public, max-age=3600"

    conditional = get_conditional_response(request, etag=etag, last_modified=int(stat.st_mtime))
    if conditional is not None:  # 304 Not Modified or 412 Precondition Failed
        conditional["ETag"] = etag
        conditional["Cache-Control"] = cache_control
        return conditional

    wanted = None
    range_header = request.headers.get("Range")
    if_range = request.headers.get("If-Range")
    if range_header and request.method in {"GET", "HEAD"} and (
        not if_range or _if_range_passes(if_range, etag, stat.st_mtime)
    ):
        wanted = _parse_range(range_header, stat.st_size)
        if wanted is False:
            return _unsatisfiable(stat.st_size)

    location = accel_location(path)
    if location is not None:
        # nginx sends the bytes (and makes the 206 from the same Range header it is passed).
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = location
        if filename:
            response["Content-Disposition"] = content_disposition_header(True, filename)
        response.first_byte = wanted[0] if wanted else 0
    elif wanted:
        start, end = wanted
        response = FileResponse(
            _RangeFile(path, start, end - start + 1), as_attachment=bool(filename),
            filename=filename or "",
            content_type=content_type, status=206,
        )
        response["Content-Range"] = f"bytes {start}-{end}/{stat.st_size}"
        response["Content-Length"] = str(end - start + 1)
        response.first_byte = start
    else:
        response = FileResponse(
            path.open("rb"), as_attachment=bool(filename), filename=filename or "",
            content_type=content_type,
        )
        response["Content-Length"] = str(stat.st_size)
        response.first_byte = 0
    if location is None:
        # Django answers ranges itself; handed over, nginx says so for the file it sends (a
        # second header from here would be repeated).
        response["Accept-Ranges"] = "bytes"
    response.block_size = CHUNK
    response["ETag"] = etag
    response["Last-Modified"] = last_modified
    response["Cache-Control"] = cache_control
    response["X-Content-Type-Options"] = "nosniff"
    return response
