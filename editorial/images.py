"""Image validation: every image is decoded by Pillow before it is stored or printed."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, UnidentifiedImageError

# Format Pillow reports → the extension we store it under. Nothing else is accepted.
ALLOWED_FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}


class ImageRejected(ValueError):
    """The bytes are not an image we accept; the message says why, in plain words."""


@dataclass(frozen=True)
class ImageInfo:
    format: str
    extension: str
    width: int
    height: int


def inspect_image(data: bytes) -> ImageInfo:
    """Check size, format, pixel count, then decode fully: header lies and truncation fail here."""
    max_bytes = settings.BULLETIN_IMAGE_MAX_BYTES
    max_pixels = settings.BULLETIN_IMAGE_MAX_PIXELS
    if len(data) > max_bytes:
        raise ImageRejected(
            f"file is {len(data) / 1048576:.1f} MB; the limit is {max_bytes / 1048576:.0f} MB"
        )
    if not data:
        raise ImageRejected("file is empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                fmt = probe.format or ""
                width, height = probe.size
                if fmt not in ALLOWED_FORMATS:
                    raise ImageRejected(
                        f"{fmt or 'unknown'} images are not accepted "
                        f"(allowed: {', '.join(sorted(ALLOWED_FORMATS))})"
                    )
                if width * height > max_pixels:
                    raise ImageRejected(
                        f"image is {width}×{height} pixels; the limit is "
                        f"{max_pixels / 1e6:.0f} megapixels"
                    )
                probe.verify()
            with Image.open(io.BytesIO(data)) as full:
                full.load()
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRejected(
            f"image has too many pixels; the limit is {max_pixels / 1e6:.0f} megapixels"
        ) from exc
    except UnidentifiedImageError as exc:
        raise ImageRejected("not a readable image (PNG, JPEG, GIF or WebP)") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageRejected(f"image is damaged or truncated ({exc})") from exc
    return ImageInfo(fmt, ALLOWED_FORMATS[fmt], width, height)


# Markup that makes image bytes double as a web page or script (a polyglot). Real image data
# practically never contains these byte strings; a file that does is refused, not cleaned.
_MARKUP_SIGNS = (b"<script", b"<html", b"<svg", b"<iframe", b"<body", b"<?php", b"<!doctype",
                 b"javascript:", b"<object", b"<embed", b"onload=", b"onerror=")


def find_embedded_markup(data: bytes) -> str | None:
    """The first web markup found inside image bytes, or None."""
    lowered = data.lower()
    for sign in _MARKUP_SIGNS:
        if sign in lowered:
            return sign.decode()
    return None
