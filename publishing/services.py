"""Compatibility façade: the writes of publishing under their old import path.

The services live in the sub-packages (``publishing.rendering.services``, ``publishing.library``,
``publishing.releases``, ``publishing.proofs``); code inside the app imports from there. This
module keeps ``from publishing import services`` working for code written before the split.
Patch the defining module, not this one, in tests.
"""

from publishing.library.mailing import MAIL_BATCH
from publishing.library.members import (
    CSV_HEADERS,
    MAX_CSV_ROWS,
    MemberImportError,
    MemberImportResult,
    MemberRow,
    member_add,
    members_import_csv,
    members_send_invitations,
)
from publishing.library.services import (
    download_record,
    issue_announce,
    issue_cover_thumbnail,
    issue_set_access,
    search_index_issue,
)
from publishing.proofs.services import pdf_page_thumbnails, proof_render, proof_request
from publishing.releases.editions import PublishError
from publishing.releases.services import (
    PublishOutcome,
    edition_correct,
    issue_after_publish,
    issue_publish,
    issue_publish_due,
    issue_publish_failed_mail,
    issue_publish_now,
    issue_schedule,
    issue_unschedule,
)
from publishing.rendering.services import RenderResult, RenderTimeout, issue_render

__all__ = [
    "CSV_HEADERS", "MAIL_BATCH", "MAX_CSV_ROWS", "MemberImportError", "MemberImportResult",
    "MemberRow", "PublishError", "PublishOutcome", "RenderResult", "RenderTimeout",
    "download_record", "edition_correct", "issue_after_publish", "issue_announce",
    "issue_cover_thumbnail", "issue_publish", "issue_publish_due", "issue_publish_failed_mail",
    "issue_publish_now", "issue_render", "issue_schedule", "issue_set_access", "issue_unschedule",
    "member_add", "members_import_csv", "members_send_invitations", "pdf_page_thumbnails",
    "proof_render", "proof_request", "search_index_issue",
]
