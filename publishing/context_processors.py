"""Template context for every page: editors always see overdue scheduled issues."""

from __future__ import annotations

import rules
from django.http import HttpRequest

from publishing.releases.selectors import issues_overdue


def production_alerts(request: HttpRequest) -> dict:
    """An issue past its release time and not published is shown on every editor page:
    scheduled publishing must never miss silently."""
    user = getattr(request, "user", None)
    # The rule itself: no model permission is named publishing.*, so ModelBackend, asked after
    # rules says no, would only cost a member's every page two queries to say no again.
    if user is None or not rules.has_perm("publishing.manage_issues", user):
        return {}
    return {"overdue_issues": issues_overdue()}
