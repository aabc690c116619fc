"""Reads of editorial content shared by the workspace, bundles and publishing. Every query a
reviewer runs in the workspace is narrowed to what they were asked to review, so drafts never
reach someone who may not see them.

Split by what is read: ``articles`` (visibility, the article list, issue order),
``dashboard``, ``article_page``, ``notifications`` and ``media``; every public name stays
importable from ``editorial.selectors``.
"""

from __future__ import annotations

from editorial.selectors.article_page import (
    NEXT_ACTION_ORDER,
    ReviewStatus,
    article_comments,
    article_revisions,
    article_timeline,
    autosave_for,
    next_actions,
    others_editing,
    pending_review_for,
    review_status,
    unresolved_comments,
)
from editorial.selectors.articles import (
    ARTICLE_SORTS,
    ArticleFilters,
    article_list,
    article_list_page,
    article_visible_to,
    articles_in_issue_order,
    issue_sections_in_order,
)
from editorial.selectors.dashboard import (
    DASHBOARD_LIST,
    Activity,
    Dashboard,
    Panel,
    dashboard_for,
    recent_activity,
)
from editorial.selectors.media import AssetUsage, asset_usage, asset_visible_in_workspace, media_library
from editorial.selectors.notifications import (
    NOTIFICATIONS_PAGE,
    notifications_for,
    notifications_unread_count,
)

__all__ = [
    "ARTICLE_SORTS", "DASHBOARD_LIST", "NEXT_ACTION_ORDER", "NOTIFICATIONS_PAGE", "Activity",
    "ArticleFilters", "AssetUsage", "Dashboard", "Panel", "ReviewStatus", "article_comments",
    "article_list", "article_list_page", "article_revisions", "article_timeline",
    "article_visible_to", "articles_in_issue_order", "asset_usage", "asset_visible_in_workspace",
    "autosave_for", "dashboard_for", "issue_sections_in_order", "media_library", "next_actions",
    "notifications_for", "notifications_unread_count", "others_editing", "pending_review_for",
    "recent_activity", "review_status", "unresolved_comments",
]
