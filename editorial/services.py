"""Writes to editorial content. Views, commands and other apps change content only through here."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from editorial.images import inspect_image
from editorial.models import Article, Asset, Issue
from editorial.slugs import slug_from_text, unique_slug


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


def article_slug_for(title: str, *, preferred: str = "", exclude_pk: int | None = None) -> str:
    """A unique slug: the preferred one if given (bundle file name), else pinyin of the title."""
    base = preferred or slug_from_text(title)
    queryset = Article.objects.all()
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return unique_slug(base, exists=lambda s: queryset.filter(slug=s).exists())


@transaction.atomic
def issue_set_article_order(*, issue: Issue, articles: list[Article]) -> None:
    """Give ``articles`` positions 0..n-1 in ``issue``; others of the issue follow in their
    old order. Positions are unique per issue, so everything moves out of the way first."""
    locked = list(Article.objects.select_for_update().filter(issue=issue).order_by("position"))
    wanted = [a.pk for a in articles]
    rest = [a.pk for a in locked if a.pk not in set(wanted)]
    offset = 1_000_000
    for index, pk in enumerate(wanted + rest):
        Article.objects.filter(pk=pk).update(position=offset + index)
    for index, pk in enumerate(wanted + rest):
        Article.objects.filter(pk=pk).update(position=index)
