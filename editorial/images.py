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
