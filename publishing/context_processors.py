"""Template context for every page: editors always see overdue scheduled issues."""

from __future__ import annotations

from django.http import HttpRequest

from publishing.releases.selectors import issues_overdue


def production_alerts(request: HttpRequest) -> dict:
    """An issue past its release time and not published is shown on every editor page:
    scheduled publishing must never miss silently."""
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("publishing.manage_issues"):
        return {}
    return {"overdue_issues": issues_overdue()}
