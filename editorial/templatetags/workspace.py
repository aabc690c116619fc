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


@register.simple_tag
def icon(name: str, label: str = "") -> str:
    """An icon from the vendored Lucide sprite. Decorative (hidden from screen readers)
    unless ``label`` names it."""
    from django.templatetags.static import static
    from django.utils.html import format_html

    if label:
        return format_html('<svg class="icon" role="img" aria-label="{}"><use href="{}#{}"></use></svg>',
                           label, static("vendor/lucide/sprite.svg"), name)
    return format_html('<svg class="icon" aria-hidden="true" focusable="false">'
                       '<use href="{}#{}"></use></svg>', static("vendor/lucide/sprite.svg"), name)


@register.simple_tag
def workspace_publications():
    """The publications whose settings the sidebar links to."""
    from editorial.models import Publication

    return list(Publication.objects.order_by("name").only("name", "slug"))
