"""Writes to editorial content. Views, commands and other apps change content only through here.

One module per sub-domain (as Zulip's ``zerver/actions/``): ``articles`` (content, revisions,
autosave), ``workflow`` (the state table and submit/withdraw/reopen), ``reviews``, ``comments``,
``issues`` (assembly, front matter, status), ``publications`` (masthead and section layout
settings), ``assets`` (stored images) and ``docx`` (Word import). The names below are the
package's public API, importable as before the split (``from editorial.services import
article_create``); patch the defining module in tests.
"""

from editorial.services.articles import (
    EditConflict,
    SlugPlan,
    article_create,
    article_import,
    article_slug_for,
    article_slugs_taken,
    article_update,
    autosave_discard,
    autosave_store,
    presence_touch,
    revision_restore,
)
from editorial.services.assets import asset_store, asset_update_text, remove_files
from editorial.services.bulk import (
    BulkRefused,
    articles_add_to_issue,
    articles_archive,
    articles_assign_reviewer,
    articles_restore,
)
from editorial.services.comments import (
    comment_add,
    comment_set_resolved,
    unresolved_comment_count,
)
from editorial.services.docx import ImportRefused, article_import_docx
from editorial.services.issues import (
    AssemblyError,
    IssueFrozen,
    issue_add_article,
    issue_arrange,
    issue_create,
    issue_remove_article,
    issue_require_open,
    issue_set_article_order,
    issue_set_status,
    issue_touch,
    issue_update,
)
from editorial.services.notifications import notification_mark_read, notifications_mark_all_read
from editorial.services.publications import publication_update_settings
from editorial.services.reviews import (
    UnresolvedComments,
    article_approve,
    article_request_changes,
    send_review_reminders,
)
from editorial.services.workflow import (
    WORKFLOW,
    WorkflowRefused,
    article_reopen,
    article_submit,
    article_withdraw,
)
from editorial.snapshots import ArticleContent, CreditLine

__all__ = [
    "WORKFLOW",
    "ArticleContent",
    "AssemblyError",
    "BulkRefused",
    "CreditLine",
    "EditConflict",
    "ImportRefused",
    "IssueFrozen",
    "SlugPlan",
    "UnresolvedComments",
    "WorkflowRefused",
    "article_approve",
    "article_create",
    "article_import",
    "article_import_docx",
    "article_reopen",
    "article_request_changes",
    "article_slug_for",
    "article_slugs_taken",
    "article_submit",
    "article_update",
    "article_withdraw",
    "articles_add_to_issue",
    "articles_archive",
    "articles_assign_reviewer",
    "articles_restore",
    "asset_store",
    "asset_update_text",
    "autosave_discard",
    "autosave_store",
    "comment_add",
    "comment_set_resolved",
    "issue_add_article",
    "issue_arrange",
    "issue_create",
    "issue_remove_article",
    "issue_require_open",
    "issue_set_article_order",
    "issue_set_status",
    "issue_touch",
    "issue_update",
    "notification_mark_read",
    "notifications_mark_all_read",
    "presence_touch",
    "publication_update_settings",
    "remove_files",
    "revision_restore",
    "send_review_reminders",
    "unresolved_comment_count",
]
