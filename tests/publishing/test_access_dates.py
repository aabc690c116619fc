"""When an embargoed issue opens to everyone: months added on the calendar, clamped to month ends."""

from __future__ import annotations

import datetime as dt

import pytest

from publishing.models import AccessLevel, IssueAccess
from tests.factories import IssueFactory


@pytest.mark.django_db
@pytest.mark.parametrize(("cover", "months", "opens"), [
    (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),   # leap year: the last day of February
    (dt.date(2023, 1, 31), 1, dt.date(2023, 2, 28)),
    (dt.date(2024, 8, 31), 6, dt.date(2025, 2, 28)),   # across the year end
    (dt.date(2024, 6, 30), 12, dt.date(2025, 6, 30)),
])
def test_embargo_opens_the_same_day_months_later_or_at_the_month_end(cover, months, opens):
    issue = IssueFactory(cover_date=cover)
    access = IssueAccess(issue=issue, level=AccessLevel.EMBARGO, embargo_months=months)
    assert access.public_from() == opens
