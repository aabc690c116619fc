"""Reads for the members' library: only published issues ever leave through here, and edition
files only from inside their folders.

Split by what is read: ``archive`` (published issues, the archive and the feed), ``search``,
``editions`` (edition files and downloads) and ``pages`` (the issue, article and members
pages); every public name stays importable from ``publishing.library.selectors``.
"""

from __future__ import annotations

from publishing.library.selectors.archive import (
    ARCHIVE_PAGE_SIZE,
    issue_archive_page,
    issue_cover_name,
    issue_feed_items,
    issue_list_published,
    issue_with_contents,
    published_stamp,
)
from publishing.library.selectors.editions import (
    edition_file_content_type,
    edition_pdf_file,
    issue_current_edition,
    issue_download_counts,
    issue_edition_for_download,
    issue_edition_html_file,
    issue_edition_key,
    issue_edition_root,
    issue_for_download,
    issue_pdf_filename,
    issue_published_pdf,
)
from publishing.library.selectors.pages import (
    MEMBERS_PAGE_SIZE,
    article_page_context,
    issue_page_context,
    member_list_context,
)
from publishing.library.selectors.search import (
    SEARCH_PAGE_SIZE,
    SearchHit,
    SearchResults,
    article_search,
    search_terms,
)

__all__ = [
    "ARCHIVE_PAGE_SIZE", "MEMBERS_PAGE_SIZE", "SEARCH_PAGE_SIZE", "SearchHit", "SearchResults",
    "article_page_context", "article_search", "edition_file_content_type", "edition_pdf_file",
    "issue_archive_page", "issue_cover_name", "issue_current_edition", "issue_download_counts",
    "issue_edition_for_download", "issue_edition_html_file", "issue_edition_key",
    "issue_edition_root", "issue_feed_items", "issue_for_download", "issue_list_published",
    "issue_page_context", "issue_pdf_filename", "issue_published_pdf", "issue_with_contents",
    "member_list_context", "published_stamp", "search_terms",
]
