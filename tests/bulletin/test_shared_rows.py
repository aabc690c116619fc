"""The per-module shared rows (tests/conftest.py ``rows_for_the_module``) isolate tests as
Django's ``setUpTestData`` does: what one test writes, to the rows, the objects or the files,
is gone for the next."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from tests.conftest import rows_for_the_module


def _build() -> dict:
    folder = Path(settings.EDITIONS_ROOT) / "shared"
    folder.mkdir(parents=True)
    (folder / "note.txt").write_text("built", encoding="utf-8")
    return {"user": get_user_model().objects.create_user("shared-reader"), "file": "shared/note.txt"}


@pytest.fixture(scope="module")
def _shared_rows(request, django_db_setup, django_db_blocker, tmp_path_factory):
    yield from rows_for_the_module(_build, request=request, django_db_blocker=django_db_blocker,
                                   tmp_path_factory=tmp_path_factory)


@pytest.fixture
def shared(_shared_rows, db, settings):
    return _shared_rows(settings)


@pytest.mark.parametrize("turn", [1, 2])
def test_each_test_sees_the_built_rows_objects_and_files_as_built(shared, turn):
    user = shared["user"]
    assert user.first_name == "" and get_user_model().objects.get(pk=user.pk).first_name == ""
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["shared-reader"]
    note = Path(settings.EDITIONS_ROOT) / shared["file"]
    assert note.read_text(encoding="utf-8") == "built"
    # Change all three: the other turn (the same worker or another) must not see any of it.
    user.first_name = f"改{turn}"
    user.save()
    get_user_model().objects.create_user(f"extra-{turn}")
    note.write_text(f"changed {turn}", encoding="utf-8")


def test_the_files_of_each_test_are_its_own_copy(shared):
    assert "module-files" not in settings.EDITIONS_ROOT
