"""Project-wide test fixtures."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path_factory):
    """Each test gets its own MEDIA_ROOT and EDITIONS_ROOT, so file assertions are exact."""
    root = tmp_path_factory.mktemp("files")
    settings.MEDIA_ROOT = str(root / "media")
    settings.EDITIONS_ROOT = str(root / "editions")


# --------------------------------------------------------------------------- browser tests

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
# As root in a sandbox without a network: no sandbox, no GPU, no calls home.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


class _Chromium:
    """Playwright's driver and one Chromium, kept for a whole test process."""

    def __init__(self) -> None:
        from playwright.sync_api import sync_playwright

        self.playwright = sync_playwright().start()
        try:
            self.browser = self._launch()
        finally:
            self.loop = asyncio.events._get_running_loop()
            self.park()

    def _launch(self):
        return self.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                               headless=True)

    def unpark(self):
        """Playwright's loop back as the running loop; a browser that died is launched again."""
        asyncio.events._set_running_loop(self.loop)
        if not self.browser.is_connected():
            self.browser = self._launch()
        return self.browser

    @staticmethod
    def park() -> None:
        asyncio.events._set_running_loop(None)

    def stop(self) -> None:
        asyncio.events._set_running_loop(self.loop)
        self.browser.close()
        self.playwright.stop()


@pytest.fixture(scope="session")
def _chromium():
    """One Chromium per test process, launched by the first browser test: starting Playwright's
    driver and a browser costs seconds on a loaded machine, and each test gets its own fresh
    contexts (cookies, storage, pages) anyway.

    Playwright's sync API leaves its event loop registered as this thread's running loop.
    Between browser tests it is parked (unregistered), so the tests that run in between see no
    running loop: Django's ORM does not take them for async code, and asyncio.run works."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make setup` installs Debian's chromium")
    ARTIFACTS.mkdir(exist_ok=True)
    chromium = _Chromium()
    yield chromium
    chromium.stop()


@pytest.fixture
def browser(monkeypatch, _chromium):
    """Debian's Chromium driven by Playwright (its own browser download does not work here);
    the test opens its own contexts, which are all closed after it."""
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the
    # test body are still synchronous and safe. Set only for the test using it, so it never
    # leaks into other tests (check --deploy rightly refuses it).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    try:
        instance = _chromium.unpark()
        yield instance
        for context in instance.contexts:
            context.close()
    finally:
        _chromium.park()


@pytest.fixture
def immediate_tasks(settings):
    """Tasks run as they are enqueued (on commit), as a worker would run them at once."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "QUEUES": []}}
