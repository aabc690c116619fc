"""Project-wide test fixtures."""

from __future__ import annotations

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


@pytest.fixture
def browser(monkeypatch):
    """Debian's Chromium driven by Playwright (its own browser download does not work here)."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the
    # test body are still synchronous and safe. Set only for the test using it, so it never
    # leaks into other tests (check --deploy rightly refuses it).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make setup` installs Debian's chromium")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                              headless=True)
        yield instance
        instance.close()


@pytest.fixture
def immediate_tasks(settings):
    """Tasks run as they are enqueued (on commit), as a worker would run them at once."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "QUEUES": []}}
