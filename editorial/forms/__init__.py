"""Forms of the editorial workspace. They validate input and turn it into service arguments;
they never save anything themselves.

Split by what they are for (``fields``: shared inputs; ``articles``; ``review``; ``lists``;
``compare``: snapshots for merges and diffs; ``publications``; ``media``); every public name
stays importable from ``editorial.forms``.
"""

from __future__ import annotations

from editorial.forms.articles import (
    MAX_DOCX_BYTES,
    ArticleForm,
    DocxImportForm,
    ImageUploadForm,
    read_image_upload,
)
from editorial.forms.compare import (
    SNAPSHOT_LABELS,
    snapshot_for_display,
    snapshot_from_article,
    snapshot_from_form,
    snapshot_from_revision,
)
from editorial.forms.fields import (
    MAX_DB_INTEGER,
    PROSE_EXTENSIONS,
    ISODateField,
    ISODateInput,
    ISODateTimeField,
    ISODateTimeInput,
    posted_integer,
)
from editorial.forms.lists import ArticleFilterForm, BulkActionForm
from editorial.forms.media import AssetTextForm, MediaSearchForm
from editorial.forms.publications import PublicationSettingsForm, SectionSettingsForm
from editorial.forms.review import CommentForm, DecisionForm, SubmitForm

__all__ = [
    "MAX_DB_INTEGER", "MAX_DOCX_BYTES", "PROSE_EXTENSIONS", "SNAPSHOT_LABELS", "ArticleFilterForm",
    "ArticleForm", "AssetTextForm", "BulkActionForm", "CommentForm", "DecisionForm",
    "DocxImportForm", "ISODateField", "ISODateInput", "ISODateTimeField", "ISODateTimeInput",
    "ImageUploadForm", "MediaSearchForm", "PublicationSettingsForm", "SectionSettingsForm",
    "SubmitForm", "posted_integer", "read_image_upload", "snapshot_for_display",
    "snapshot_from_article", "snapshot_from_form", "snapshot_from_revision",
]
