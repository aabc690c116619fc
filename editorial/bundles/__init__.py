"""Issue bundles (docs/issue-bundle.md): a folder with issue.yaml, articles/*.md and images/.

``reading`` parses and validates the whole bundle before anything is written; ``importing``
then writes in one transaction, removing stored files again if it fails; ``exporting`` writes
into a temporary folder and renames it into place, so a reader never sees half a bundle.
The Markdown conversion both ways is ``editorial.richtext.markdown``.
"""

from editorial.bundles.exporting import bundle_export
from editorial.bundles.importing import ImportResult, bundle_import
from editorial.bundles.reading import (
    ARTICLE_KEYS,
    ISSUE_KEYS,
    BundleError,
    BundleImage,
    BundleProblem,
    ParsedArticle,
    ParsedBundle,
    bundle_read,
)

__all__ = [
    "ARTICLE_KEYS", "ISSUE_KEYS", "BundleError", "BundleImage", "BundleProblem", "ImportResult",
    "ParsedArticle", "ParsedBundle", "bundle_export", "bundle_import", "bundle_read",
]
