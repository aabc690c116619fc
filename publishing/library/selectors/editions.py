"""Edition files: which edition a download asks for, its PDF and HTML files (only from
inside their folders), download counts.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.conf import settings

from editorial.models import Issue
from publishing import filestore
from publishing.filestore import StoredFile
from publishing.library.selectors.archive import issue_with_contents
from publishing.models import Download, Edition


def issue_download_counts(issue: Issue) -> dict[str, int]:
    downloads = Download.objects.filter(issue=issue)
    return {
        "total": downloads.count(),
        "members": downloads.exclude(user=None).values("user").distinct().count(),
    }


def issue_pdf_filename(issue: Issue, edition: Edition | None = None) -> str:
    """``《大连数字贸易》第9期.pdf`` (``…第9期-第2版.pdf`` for a correction): what a member sees
    in their downloads folder."""
    suffix = f"-第{edition.version}版" if edition and edition.version > 1 else ""
    return f"《{issue.publication.name}》第{issue.number}期{suffix}.pdf"


def issue_for_download(*, publication_slug: str, number: int,
                       version: int | None) -> tuple[Issue | None, Edition | None]:
    """The issue and the edition a PDF link asks for, in one query when that edition exists
    (the download's own cost, issue 13); the issue alone, for the view's refusals, when not."""
    editions = Edition.objects.select_related(
        "issue__publication", "issue__cover_image", "issue__access"
    ).filter(issue__publication__slug=publication_slug, issue__number=number).order_by()
    edition = (editions.filter(version=version) if version is not None
               else editions.filter(superseded_at__isnull=True)).first()
    if edition is None:
        return issue_with_contents(publication_slug=publication_slug, number=number), None
    if edition_pdf_file(edition) is None:
        return edition.issue, None
    return edition.issue, edition


def issue_edition_for_download(issue: Issue, version: int | None) -> Edition | None:
    """The current edition, or an earlier (superseded) one by its version number."""
    editions = issue.editions.all()
    edition = (editions.filter(version=version).first() if version is not None
               else editions.filter(superseded_at__isnull=True).first())
    if edition is None or edition_pdf_file(edition) is None:
        return None
    return edition


def edition_pdf_file(edition: Edition) -> Path | StoredFile | None:
    """The edition's PDF: a local file, or its object in the bucket. The latter is trusted
    without asking the bucket (one request fewer per download): an Edition row is recorded
    only after every file of its version was uploaded (``publishing.filestore``)."""
    if filestore.on_object_storage("editions"):
        return StoredFile("editions", f"{edition.directory}/issue.pdf", edition.pdf_size)
    return edition.pdf_path if edition.pdf_path.is_file() else None


# --------------------------------------------------------------------------- production


def issue_edition_key(issue: Issue) -> str:
    """Where ``issue``'s versions and proofs live inside the editions storage."""
    return f"{issue.publication.slug}/{issue.number}"


def issue_edition_root(issue: Issue) -> Path:
    """Folder holding every version, proof and thumbnail of ``issue`` (on a filesystem)."""
    return Path(settings.EDITIONS_ROOT) / issue_edition_key(issue)


def issue_current_edition(issue: Issue) -> Edition | None:
    return issue.editions.filter(superseded_at__isnull=True).order_by("-version").first()


def issue_published_pdf(issue: Issue) -> Path | StoredFile | None:
    """The PDF members get: the current edition's, if the issue has been published."""
    edition = issue_current_edition(issue)
    if edition is None:
        return None
    return edition_pdf_file(edition)


def issue_edition_html_file(issue: Issue, relative_path: str) -> Path | StoredFile | None:
    """A file of the current edition's HTML folder by its path there, or None.

    Only plain paths inside the folder: no ``..``, no hidden names, nothing a symlink leads
    out to.
    """
    edition = issue_current_edition(issue)
    if edition is None:
        return None
    parts = (relative_path or "index.html").split("/")
    if any(part in {"", ".", ".."} or part.startswith(".") or "\\" in part or "\x00" in part
           for part in parts):
        return None
    if filestore.on_object_storage("editions"):
        name = f"{edition.directory}/html/" + "/".join(parts)
        return StoredFile("editions", name) if filestore.storage("editions").exists(name) else None
    root = edition.html_path.resolve()
    path = root.joinpath(*parts).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def edition_file_content_type(path: Path | StoredFile) -> str:
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return content_type + "; charset=utf-8" if content_type.startswith("text/") else content_type
