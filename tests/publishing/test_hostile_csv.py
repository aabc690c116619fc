"""Member CSV files from tests/hostile/csv/: each bad row is reported by line and what is wrong
with it, nothing is imported, on SQLite and PostgreSQL alike (no 500 from a column limit, a
NUL byte or a login name already taken)."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from publishing.models import Membership
from publishing.services import MemberImportError, members_import_csv
from tests.factories import EditorFactory, UserFactory
from tests.hostile.corpus import HERE, cases

pytestmark = pytest.mark.django_db

EXPECTED = json.loads((HERE / "csv" / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture
def clash(db):
    """An account whose login name is an e-mail address but whose e-mail is another."""
    return UserFactory(username="clash@example.cn", email="other@example.cn")


@pytest.mark.parametrize("path", cases("csv", "*.csv"))
def test_hostile_csv_row_is_reported_by_line_and_nothing_is_imported(path, clash):
    expected = EXPECTED[path.name]
    users_before = get_user_model().objects.count()
    with pytest.raises(MemberImportError) as excinfo:
        members_import_csv(data=path.read_bytes(), send_invitations=False)
    text = "\n".join(excinfo.value.problems)
    for needle in expected["problems_contain"]:
        assert needle in text, (expected["why"], text)
    assert "\x00" not in text and "\x1b" not in text
    assert get_user_model().objects.count() == users_before
    assert Membership.objects.count() == 0


@pytest.mark.parametrize("path", cases("csv", "*.csv"))
def test_hostile_csv_upload_answers_400_with_the_report(client, path, clash):
    client.force_login(EditorFactory())
    with path.open("rb") as handle:
        response = client.post(reverse("publishing:members_import"), {"file": handle})
    assert response.status_code == 400
    assert "第 2 行" in response.content.decode()
    assert Membership.objects.count() == 0
