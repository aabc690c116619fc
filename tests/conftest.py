"""Project-wide test fixtures."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path_factory):
    """Each test gets its own MEDIA_ROOT and EDITIONS_ROOT, so file assertions are exact."""
    root = tmp_path_factory.mktemp("files")
    settings.MEDIA_ROOT = str(root / "media")
    settings.EDITIONS_ROOT = str(root / "editions")
