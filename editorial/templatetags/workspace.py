"""Workspace template filters that depend on who is looking."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from editorial.models import IssueStatus
from editorial.permissions import is_editor

register = template.Library()


@register.filter
def issue_seen_by(issue, user) -> str:
    """An article's issue as ``user`` may see it: editors see every title; a reviewer sees
    published issues' titles, and only that an issue is in planning otherwise."""
    if issue is None:
        return "—"
    if issue.status == IssueStatus.PUBLISHED or is_editor(user):
        return str(issue)
    return _("（筹备中的一期）")
