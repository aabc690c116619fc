"""Stored images: validated, content-addressed, and removed again when a write fails."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from editorial.images import inspect_image
from editorial.models import (
    Asset,
)
from editorial.permissions import require


def asset_store(*, data: bytes, original_name: str, user=None,
                written: list[str] | None = None) -> Asset:
    """Validate ``data`` as an image and store it under a random name; identical bytes reuse
    the existing asset. Names of files written are appended to ``written`` so a caller whose
    transaction fails can remove them (file writes are not rolled back by the database)."""
    info = inspect_image(data)
    digest = hashlib.sha256(data).hexdigest()
    existing = Asset.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing
    name = default_storage.save(f"images/{uuid.uuid4().hex}.{info.extension}", ContentFile(data))
    if written is not None:
        written.append(name)
    asset = Asset(original_name=original_name[:255], sha256=digest, created_by=user)
    asset.file.name = name
    asset.width, asset.height = info.width, info.height
    asset.save()
    return asset


def remove_files(names: Iterable[str]) -> None:
    """Undo file writes of a failed transaction."""
    for name in names:
        default_storage.delete(name)


@transaction.atomic
def asset_update_text(*, user, asset_id: int, alt_text: str, caption: str) -> Asset:
    """Change what the media library offers with an image: its alt text and default caption.
    Articles that already hold the image keep the text they were written with."""
    asset = Asset.objects.select_for_update().get(pk=asset_id)
    require(user, "editorial.change_asset", asset, _("只有编辑可以修改图片说明。"))
    asset.alt_text = " ".join(alt_text.split())[:300]
    asset.caption = " ".join(caption.split())[:300]
    asset.save(update_fields=["alt_text", "caption"])
    return asset
