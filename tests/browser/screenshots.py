"""Screenshots of the browser tests: pictures for a person to look at, not assertions.

They cost a page relayout and a PNG encode each (a full-page shot of a workspace page takes
about as long as loading it), so the tests take them only when asked: ``make screenshots``
(or ``BULLETIN_SCREENSHOTS=1`` in the environment) runs the browser tests and writes them to
test-artifacts/. Every check a browser test makes is made either way."""

from __future__ import annotations

import os
from pathlib import Path

from tests.conftest import ARTIFACTS

ENVIRONMENT = "BULLETIN_SCREENSHOTS"


def wanted() -> bool:
    return os.environ.get(ENVIRONMENT, "") not in ("", "0")


def screenshot(page, name: str | Path, *, full_page: bool = True) -> None:
    """``page`` as a PNG at test-artifacts/``name``.png, when screenshots were asked for."""
    if not wanted():
        return
    path = ARTIFACTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=full_page)
