"""The project's named file storages (``STORAGES``): folders on one machine, one S3-compatible
bucket on many.

Every file the site writes or serves goes through ``django.core.files.storage.storages[name]``:

- ``default``: uploads (editorial images), ``MEDIA_ROOT``;
- ``editions``: rendered editions (PDF, print file, HTML edition), ``EDITIONS_ROOT``;
- ``proofs``: proofs and their page images, also under ``EDITIONS_ROOT`` on a filesystem
  (their rows store paths relative to it);
- ``covers``: public cover thumbnails, ``COVERS_ROOT``, served under ``COVERS_URL``.

The filesystem classes read their folder from the setting each time (not once at start-up), so
``override_settings(EDITIONS_ROOT=…)`` and the tests' per-test folders move them too.
``object_storages`` builds the same four names on one bucket, each under its own key prefix.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.encoding import filepath_to_uri

# The key prefix of each named storage inside the bucket. Proofs share the editions' prefix,
# as they share EDITIONS_ROOT on a filesystem: Proof.directory is relative to it.
OBJECT_PREFIXES = {"default": "media", "editions": "editions", "proofs": "editions", "covers": "covers"}
ADDRESSING_STYLES = ("auto", "path", "virtual")


class _SettingRootStorage(FileSystemStorage):
    """A FileSystemStorage whose folder is a setting, read when used."""

    root_setting = ""
    url_setting = ""

    @property
    def base_location(self):  # type: ignore[override]
        return self._value_or_setting(self._location, getattr(settings, self.root_setting))

    @property
    def location(self):  # type: ignore[override]
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):  # type: ignore[override]
        if not self.url_setting:
            return None
        url = self._value_or_setting(self._base_url, getattr(settings, self.url_setting))
        return url if url.endswith("/") else url + "/"


class EditionsStorage(_SettingRootStorage):
    """Editions and proofs: never linked directly; served by the views after the access check."""

    root_setting = "EDITIONS_ROOT"

    def url(self, name):
        raise ValueError("Edition files have no public URL: they are served after an access check.")


class CoversStorage(_SettingRootStorage):
    """Public cover thumbnails, named by the PDF's hash."""

    root_setting = "COVERS_ROOT"
    url_setting = "COVERS_URL"


def _object_storage_base():
    # Imported on use: boto3 costs start-up time, and one machine never needs it.
    from storages.backends.s3 import S3Storage

    return S3Storage


class _SiteURLMixin:
    """A bucket whose files are linked at this site's own address (``url_setting`` + name),
    where a view checks access (uploads) or proxies (covers); the bucket stays private."""

    url_setting = ""

    def url(self, name, parameters=None, expire=None, http_method=None):
        return getattr(settings, self.url_setting) + filepath_to_uri(name)


def __getattr__(name: str):
    """``MediaS3Storage`` and ``CoversS3Storage``, built when STORAGES first asks for them."""
    if name == "MediaS3Storage":
        cls = type(name, (_SiteURLMixin, _object_storage_base()), {"url_setting": "MEDIA_URL"})
    elif name == "CoversS3Storage":
        cls = type(name, (_SiteURLMixin, _object_storage_base()), {"url_setting": "COVERS_URL"})
    else:
        raise AttributeError(name)
    cls.__module__ = __name__
    globals()[name] = cls
    return cls


def filesystem_storages(staticfiles_backend: str) -> dict:
    """One machine: today's folders."""
    return {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "editions": {"BACKEND": "bulletin.storages.EditionsStorage"},
        "proofs": {"BACKEND": "bulletin.storages.EditionsStorage"},
        "covers": {"BACKEND": "bulletin.storages.CoversStorage"},
        "staticfiles": {"BACKEND": staticfiles_backend},
    }


def object_storages(s3: dict, staticfiles_backend: str) -> dict:
    """Many machines: the four storages on one private bucket (``BULLETIN_S3``), each under its
    own prefix. Nothing is public: reads are signed URLs valid ``BULLETIN_DOWNLOADS_URL_EXPIRE``
    seconds, handed out only after an access check (covers are proxied by Django)."""
    common = {
        "bucket_name": s3["BUCKET"],
        "endpoint_url": s3.get("ENDPOINT_URL") or None,
        "access_key": s3.get("ACCESS_KEY_ID") or None,
        "secret_key": s3.get("SECRET_ACCESS_KEY") or None,
        "region_name": s3.get("REGION") or None,
        "addressing_style": s3.get("ADDRESSING_STYLE") or None,
        "signature_version": s3.get("SIGNATURE_VERSION") or "s3v4",
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": s3.get("URL_EXPIRE", 60),
        # Edition keys are unique (a version prefix per publish): no existence check per file.
        "file_overwrite": True,
    }
    stores = {
        name: {"BACKEND": "storages.backends.s3.S3Storage",
               "OPTIONS": {**common, "location": prefix}}
        for name, prefix in OBJECT_PREFIXES.items()
    }
    # Uploads keep Django's "never overwrite another upload" (a random suffix on a clash), and
    # are linked at MEDIA_URL (bodies store that address; the view checks access). Covers are
    # linked at COVERS_URL, proxied by Django. Editions and proofs sign their URLs.
    stores["default"]["BACKEND"] = "bulletin.storages.MediaS3Storage"
    stores["default"]["OPTIONS"]["file_overwrite"] = False
    stores["covers"]["BACKEND"] = "bulletin.storages.CoversS3Storage"
    stores["staticfiles"] = {"BACKEND": staticfiles_backend}
    return stores


def is_object_storage(storage) -> bool:
    """Whether ``storage`` keeps its files elsewhere (no local path, no X-Accel hand-over)."""
    try:
        storage.path("x")
    except NotImplementedError:
        return True
    return False
