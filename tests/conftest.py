"""Project-wide test fixtures."""

from __future__ import annotations

import asyncio
import copy
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from django.db import transaction
from django.test import override_settings

T = TypeVar("T")


@pytest.fixture(autouse=True)
def _default_language():
    """A page fetched in English leaves English active in this thread (LocaleMiddleware
    activates, nothing deactivates): a later test calling a service in the same process
    would get English messages. Each test starts from the default language."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path_factory):
    """Each test gets its own MEDIA_ROOT and EDITIONS_ROOT, so file assertions are exact."""
    root = tmp_path_factory.mktemp("files")
    settings.MEDIA_ROOT = str(root / "media")
    settings.EDITIONS_ROOT = str(root / "editions")


# --------------------------------------------------------------------------- shared rows

FILE_SETTINGS = ("MEDIA_ROOT", "EDITIONS_ROOT")
_SHARED_ROWS: dict[str, str] = {}  # module -> the module-scoped fixture whose rows are in the database


@pytest.fixture(autouse=True)
def _no_test_sees_rows_it_did_not_ask_for(request):
    """A database test of a module with shared rows must ask for them: otherwise it would see
    them or not depending on the order the tests ran in."""
    owner = _SHARED_ROWS.get(request.module.__name__)
    if owner and owner not in request.fixturenames and (
            request.node.get_closest_marker("django_db") or "db" in request.fixturenames):
        pytest.fail(f"{request.node.name} uses the database while {owner}'s rows are in it: "
                    f"ask for them, or move the test to a module without shared rows")


def rows_for_the_module(build: Callable[[], T], *, request, django_db_blocker, tmp_path_factory
                        ) -> Iterator[Callable[[object], T]]:
    """Rows built once for a whole module, rolled back after its last test.

    For a module-scoped fixture (``yield from``) that a function-scoped fixture depending on
    ``db`` calls with ``settings``: each test then runs in its own savepoint inside this
    transaction, as in Django's ``TestCase.setUpTestData``, so what a test writes is gone
    before the next one; it gets its own deep copy of the built objects and its own copy of
    the files the build wrote. Not for modules with ``transaction=True`` tests or threads.
    """
    root = tmp_path_factory.mktemp("module-files")
    folders = {name: root / name.lower() for name in FILE_SETTINGS}
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic._from_testcase = True  # durable blocks in product code nest as in a TestCase
        atomic.__enter__()
    try:
        with django_db_blocker.unblock(), \
                override_settings(**{name: str(path) for name, path in folders.items()}):
            built = build()
        _SHARED_ROWS[request.module.__name__] = request.fixturename

        def for_one_test(settings) -> T:
            for name, path in folders.items():
                if path.exists():
                    shutil.copytree(path, getattr(settings, name), dirs_exist_ok=True)
            return copy.deepcopy(built)

        yield for_one_test
    finally:
        _SHARED_ROWS.pop(request.module.__name__, None)
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


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
