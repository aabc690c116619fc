"""Serving an edition file: streamed, with validators (ETag, Last-Modified) and byte ranges,
so a member on a slow line can resume a large PDF and a browser can revalidate cheaply."""

from __future__ import annotations

import os
import re
from pathlib import Path

from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.http import http_date, parse_http_date_safe, quote_etag

_RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


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
    return quote_etag(f"{stat.st_mtime_ns:x}-{stat.st_size:x}")


def _parse_range(header: str, size: int) -> tuple[int, int] | bool | None:
    """(start, end) inclusive; None when the header should be ignored; False if unsatisfiable."""
    match = _RANGE_RE.match(header.strip())
    if not match:
        return None  # multi-range or malformed: RFC 9110 lets us send the whole file
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:
        suffix = int(last)
        if suffix == 0:
            return False
        return max(size - suffix, 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        return False
    return start, end


def file_response(request: HttpRequest, path: Path, *, filename: str | None,
                  content_type: str, private: bool) -> HttpResponse:
    """Stream ``path``, as an attachment named ``filename`` if given (RFC 6266 ``filename*``
    for non-ASCII names) or inline, answering conditional and Range requests."""
    stat = path.stat()
    etag = _etag(stat)
    last_modified = http_date(stat.st_mtime)
    cache_control = "private, max-age=0, must-revalidate" if private else "public, max-age=3600"

    if_none_match = request.headers.get("If-None-Match")
    if_modified_since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    if (if_none_match and etag in [t.strip() for t in if_none_match.split(",")]) or (
        not if_none_match and if_modified_since and int(stat.st_mtime) <= if_modified_since
    ):
        response = HttpResponseNotModified()
        response["ETag"] = etag
        response["Cache-Control"] = cache_control
        return response

    wanted = None
    range_header = request.headers.get("Range")
    if_range = request.headers.get("If-Range")
    if range_header and (not if_range or if_range.strip() in {etag, last_modified}):
        wanted = _parse_range(range_header, stat.st_size)
        if wanted is False:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{stat.st_size}"
            return response

    if wanted:
        start, end = wanted
        response = FileResponse(
            _RangeFile(path, start, end - start + 1), as_attachment=bool(filename),
            filename=filename or "",
            content_type=content_type, status=206,
        )
        response["Content-Range"] = f"bytes {start}-{end}/{stat.st_size}"
        response["Content-Length"] = str(end - start + 1)
    else:
        response = FileResponse(
            path.open("rb"), as_attachment=bool(filename), filename=filename or "",
            content_type=content_type,
        )
        response["Content-Length"] = str(stat.st_size)
    response.block_size = CHUNK
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Last-Modified"] = last_modified
    response["Cache-Control"] = cache_control
    response["X-Content-Type-Options"] = "nosniff"
    return response
