"""Tests: fast hashing, in-memory e-mail, media in a temporary folder per run."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import env, filesystem_storages

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
_tmp = Path(tempfile.mkdtemp(prefix="bulletin-test-"))
MEDIA_ROOT = env.path("MEDIA_ROOT", default=_tmp / "media")
EDITIONS_ROOT = _tmp / "editions"
COVERS_ROOT = _tmp / "covers"
STATIC_ROOT = _tmp / "static"
STATIC_ROOT.mkdir()
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory: concurrency tests need SQLite's real locking.
    # Tables made from the models, not by replaying every migration (3.5 s of CPU per test
    # process): on SQLite the migrations hold no schema the models lack, and the one row they
    # made, the role groups, post_migrate makes too. `make test` checks models against
    # migrations (makemigrations --check), a test migrates a fresh database (test_structure),
    # and the PostgreSQL pass migrates (its GIN index lives only in a migration).
    DATABASES["default"]["TEST"] = {"NAME": str(_tmp / "test.sqlite3"), "MIGRATE": False}  # noqa: F405
STORAGES = filesystem_storages("django.contrib.staticfiles.storage.StaticFilesStorage")
