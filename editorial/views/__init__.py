"""Views of the editorial workspace: bind input, call one service or selector, render.

Split by what the page is for; every view stays importable from ``editorial.views``:

- ``access``: ``workspace_view`` (the workspace's gate) and the permission check views share
- ``lists``: the dashboard, the article list and its bulk actions
- ``editing``: create, edit, autosave, presence, Word import, image upload
- ``review``: an article's page, its workflow actions and comments
- ``revisions``: list, show, compare and restore revisions
- ``publications``: 刊物设置
- ``media``: the media library and the editor's image picker
- ``notifications``: the notifications page and marking read
"""

from __future__ import annotations

from editorial.views.access import workspace_view
from editorial.views.editing import (
    article_autosave,
    article_autosave_discard,
    article_create,
    article_edit,
    article_import,
    article_presence,
    image_upload,
)
from editorial.views.lists import BULK_ACTIONS, article_bulk, article_list, dashboard
from editorial.views.media import media_detail, media_library, media_picker
from editorial.views.notifications import (
    notification_list,
    notification_open,
    notification_read,
    notifications_read_all,
)
from editorial.views.publications import publication_settings
from editorial.views.review import (
    article_approve,
    article_detail,
    article_reopen,
    article_request_changes,
    article_submit,
    article_withdraw,
    comment_create,
    comment_resolve,
)
from editorial.views.revisions import revision_compare, revision_detail, revision_list, revision_restore

__all__ = [
    "BULK_ACTIONS", "article_approve", "article_autosave", "article_autosave_discard",
    "article_bulk", "article_create", "article_detail", "article_edit", "article_import",
    "article_list", "article_presence", "article_reopen", "article_request_changes",
    "article_submit", "article_withdraw", "comment_create", "comment_resolve", "dashboard",
    "image_upload", "media_detail", "media_library", "media_picker", "notification_list",
    "notification_open", "notification_read", "notifications_read_all", "publication_settings",
    "revision_compare", "revision_detail", "revision_list",
    "revision_restore", "workspace_view",
]
