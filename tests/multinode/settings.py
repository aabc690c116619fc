"""The production settings as the multi-node test runs them: unchanged but for static files,
which the nodes serve from the source folders (whitenoise's finders) instead of a collected,
compressed manifest: ``collectstatic`` would cost the test a minute on a busy two-core machine
and static files are not what it proves."""

from bulletin.settings.production import *  # noqa: F403
from bulletin.settings.production import STORAGES

STORAGES = {**STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
