"""Edition, proof, cover and media files through Django's named storages (``STORAGES``,
``bulletin/storages.py``): folders on one machine, an S3-compatible bucket on many.

On a filesystem the callers keep their atomic ``rename()`` of a finished folder. Object storage
has no rename: a version is uploaded file by file under a prefix no reader knows yet
(``<publication>/<number>/v<N>-<token>/``) and becomes visible only when the database row that
names the prefix is committed. That prefix is the version's home for good (immutable, no copy
to a "final" key: a copy would double the writes and still not be atomic). A publisher killed
between upload and record leaves only an unreferenced prefix, which ``delete_prefix`` removes
during the issue's next claimed run (``releases.claims.sweep_leftovers``).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages

from bulletin.storages import is_object_storage


@dataclass(frozen=True)
class StoredFile:
    """A file in a bucket that a view may serve after its access check: the counterpart of a
    local ``Path`` (``suffix`` and ``stem`` answer the same)."""

    storage_name: str
    name: str
    size: int | None = None

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.name).suffix

    @property
    def stem(self) -> str:
        return PurePosixPath(self.name).stem

    @property
    def storage(self) -> Storage:
        return storages[self.storage_name]


def read_stream(file: StoredFile, chunk: int = 64 * 1024) -> tuple[Iterator[bytes], int]:
    """The object's bytes as they arrive from the bucket, and its length: a proxied download
    never holds the whole file in memory or on this node's disk (``S3File`` would spool it).
    Raises ``FileNotFoundError`` for a missing object."""
    store = file.storage
    if hasattr(store, "bucket"):  # django-storages' S3Storage
        from botocore.exceptions import ClientError
        from storages.utils import clean_name

        try:
            got = store.bucket.Object(store._normalize_name(clean_name(file.name))).get()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
                raise FileNotFoundError(file.name) from exc
            raise
        return got["Body"].iter_chunks(chunk), got["ContentLength"]
    handle = store.open(file.name, "rb")
    return handle.chunks(chunk), store.size(file.name)


def storage(name: str) -> Storage:
    return storages[name]


def on_object_storage(name: str = "editions") -> bool:
    """Whether the named storage is a bucket (no local path, no rename, no X-Accel)."""
    return is_object_storage(storages[name])


def upload_tree(store: Storage, folder: Path, prefix: str) -> list[str]:
    """Upload every file below ``folder`` to ``prefix/<relative path>``; returns the keys."""
    keys = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        key = f"{prefix}/{path.relative_to(folder).as_posix()}"
        with path.open("rb") as handle:
            saved = store.save(key, File(handle, name=path.name))
        if saved != key:  # a storage that renames on a clash would break the version's links
            raise OSError(f"storage stored {key} as {saved}")
        keys.append(key)
    return keys


def walk(store: Storage, prefix: str) -> Iterator[str]:
    """Every file name below ``prefix``."""
    try:
        folders, files = store.listdir(prefix)
    except FileNotFoundError:
        return
    for file in files:
        yield f"{prefix}/{file}"
    for folder in folders:
        yield from walk(store, f"{prefix}/{folder}")


def delete_prefix(store: Storage, prefix: str) -> int:
    """Delete every file below ``prefix``; returns how many."""
    names = list(walk(store, prefix.rstrip("/")))
    for name in names:
        store.delete(name)
    return len(names)


def subfolders(store: Storage, prefix: str) -> list[str]:
    try:
        return store.listdir(prefix)[0]
    except FileNotFoundError:
        return []


def download_to(store: Storage, name: str, target: Path) -> Path:
    """Copy a stored file to a local path, whole or not at all."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=f".{target.name}-", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out, store.open(name, "rb") as source:
            for chunk in source.chunks():
                out.write(chunk)
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return target


def local_media_file(name: str) -> Path | None:
    """The local file of an upload for the renderer (WeasyPrint reads files). On a bucket,
    ``MEDIA_ROOT`` is this node's read-through cache: upload names never change content (a
    clash gets a new name), so a cached copy is never stale."""
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root):
        return None
    if path.is_file():
        return path
    if not on_object_storage("default"):
        return None
    store = storages["default"]
    if not store.exists(name):
        return None
    return download_to(store, name, path)
