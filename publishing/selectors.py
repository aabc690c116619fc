"""Compatibility façade: the reads of publishing under their old import path.

The selectors live in the sub-packages; code inside the app imports from there. This module
keeps ``from publishing.selectors import ...`` working for code written before the split.
"""

from publishing.board.selectors import board_issue_context, board_list_context, layout_with_move
from publishing.library.selectors import (
    SearchHit,
    SearchResults,
    article_page_context,
    article_search,
    edition_file_content_type,
    issue_archive_page,
    issue_cover_name,
    issue_current_edition,
    issue_download_counts,
    issue_edition_for_download,
    issue_edition_html_file,
    issue_edition_root,
    issue_feed_items,
    issue_list_published,
    issue_page_context,
    issue_pdf_filename,
    issue_published_pdf,
    issue_with_contents,
    member_list_context,
    published_stamp,
    search_terms,
)
from publishing.proofs.selectors import proof_file, proof_pages, proof_status
from publishing.releases.selectors import (
    ReadinessItem,
    board_url,
    issue_readiness,
    issues_overdue,
)
from publishing.rendering.selectors import issue_articles_for_print, issue_content_hash

__all__ = [
    "ReadinessItem",
    "SearchHit",
    "SearchResults",
    "article_page_context",
    "article_search",
    "board_issue_context",
    "board_list_context",
    "board_url",
    "edition_file_content_type",
    "issue_archive_page",
    "issue_articles_for_print",
    "issue_content_hash",
    "issue_cover_name",
    "issue_current_edition",
    "issue_download_counts",
    "issue_edition_for_download",
    "issue_edition_html_file",
    "issue_edition_root",
    "issue_feed_items",
    "issue_list_published",
    "issue_page_context",
    "issue_pdf_filename",
    "issue_published_pdf",
    "issue_readiness",
    "issue_with_contents",
    "issues_overdue",
    "layout_with_move",
    "member_list_context",
    "proof_file",
    "proof_pages",
    "proof_status",
    "published_stamp",
    "search_terms",
]
