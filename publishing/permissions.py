"""Compatibility façade: ``publishing.library.permissions`` under its old import path."""

from publishing.library.permissions import (
    editor_required,
    issue_access,
    issue_is_public,
    user_is_member,
    user_membership,
    user_membership_expired_on,
)

__all__ = [
    "editor_required", "issue_access", "issue_is_public", "user_is_member", "user_membership",
    "user_membership_expired_on",
]
