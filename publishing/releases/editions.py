"""The files and records of a release: a verified PDF rendered into a new version folder, the
Edition row that points at it, and the issue's event log.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from editorial.models import Issue
from publishing import filestore
from publishing.library.selectors import issue_edition_key, issue_edition_root
from publishing.models import (
    Edition,
    IssueEvent,
    Proof,
    ProofStatus,
)
from publishing.releases.claims import remove_unrecorded
from publishing.rendering.services import issue_render


class PublishError(Exception):
    """Publishing could not complete; the message says why in words an editor understands."""


def _event(issue: Issue, kind: str, actor=None, message: str = "") -> IssueEvent:
    return IssueEvent.objects.create(issue=issue, kind=kind, actor=actor, message=message)


def _version_dir(issue: Issue, version: int) -> Path:
    return issue_edition_root(issue) / f"v{version}"


def _verify_pdf(path: Path) -> int:
    """A PDF we will hand to members: it must parse and have pages."""
    # Imported here: pypdf (and the fontTools it loads) costs every web worker and command
    # 0.15 s and ~15 MB at start-up, and only publishing needs it.
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(path))
        pages = len(reader.pages)
    except Exception as exc:
        raise PublishError(_("生成的 PDF 无法读取：%(error)s") % {"error": exc}) from exc
    if pages < 1:
        raise PublishError(_("生成的 PDF 没有页面。"))
    return pages


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _copy_proof_pdf(proof: Proof, target: Path) -> bool:
    if filestore.on_object_storage("proofs"):
        store, name = filestore.storage("proofs"), f"{proof.directory}/proof.pdf"
        if not proof.directory or not store.exists(name):
            return False
        filestore.download_to(store, name, target)
        return True
    if not proof.pdf_path.is_file():
        return False
    shutil.copyfile(proof.pdf_path, target)
    return True


def _render_staging(issue: Issue, staging: Path, content_hash: str) -> str:
    """Fill ``staging`` with issue.pdf and html/. Ships the proof's PDF when it was made from
    exactly this content, so what editors looked at is what members get."""
    proof = (
        Proof.objects.filter(issue=issue, status=ProofStatus.READY, content_hash=content_hash)
        .order_by("-finished_at").first()
    )
    if proof is not None and _copy_proof_pdf(proof, staging / "issue.pdf"):
        issue_render(issue=issue, pdf_path=None, html_dir=staging / "html")
        return "proof"
    issue_render(issue=issue, pdf_path=staging / "issue.pdf", html_dir=staging / "html")
    return "render"


@dataclass(frozen=True)
class StoredVersion:
    """A version uploaded to object storage under ``directory`` (a key prefix of the editions
    storage) and not recorded yet: no reader knows the prefix until its Edition row commits."""

    directory: str
    pdf_sha256: str
    pdf_size: int


def _upload_new_version(issue: Issue, version: int,
                        content_hash: str) -> tuple[StoredVersion, int, str]:
    """Object storage: render into a local temporary folder, verify, then upload every file
    under a fresh, never-reused prefix ``v<N>-<token>`` (``publishing.filestore``)."""
    with tempfile.TemporaryDirectory(prefix="bulletin-publish-") as local:
        staging = Path(local)
        source = _render_staging(issue, staging, content_hash)
        pdf = staging / "issue.pdf"
        pages = _verify_pdf(pdf)
        directory = f"{issue_edition_key(issue)}/v{version}-{secrets.token_hex(6)}"
        stored = StoredVersion(directory, _sha256(pdf), pdf.stat().st_size)
        try:
            filestore.upload_tree(filestore.storage("editions"), staging, directory)
        except BaseException:
            filestore.delete_prefix(filestore.storage("editions"), directory)
            raise
    return stored, pages, source


def _render_new_version(issue: Issue, version: int,
                        content_hash: str) -> tuple[Path | StoredVersion, int, str]:
    """Render into staging and rename into the version folder; returns (folder, pages, how).
    Called only by the holder of the issue's edition claim (``claims``). On object storage the
    "folder" is a ``StoredVersion``."""
    if filestore.on_object_storage("editions"):
        return _upload_new_version(issue, version, content_hash)
    root = issue_edition_root(issue)
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root))
    try:
        source = _render_staging(issue, staging, content_hash)
        pages = _verify_pdf(staging / "issue.pdf")
        target = _version_dir(issue, version)
        # mkdtemp made it owner-only: the web server (nginx's own user, handed the PDF with
        # X-Accel-Redirect) must be able to read the edition.
        staging.chmod(0o755)
        if target.exists():  # left by a run that died between rename and commit
            remove_unrecorded(issue, target)
        if target.exists():
            raise PublishError(_("版本目录 %(name)s 已被已出版的版本使用。") % {"name": target.name})
        os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target, pages, source


def _relative(path: Path) -> str:
    return str(path.relative_to(Path(settings.EDITIONS_ROOT)))


def _record_edition(*, issue: Issue, version: int, target: Path | StoredVersion, pages: int,
                    content_hash: str, actor, **extra) -> Edition:
    """The Edition row for files already in their version folder (inside the caller's
    transaction; on failure the caller removes the folder)."""
    if isinstance(target, StoredVersion):
        return Edition.objects.create(
            issue=issue, version=version, directory=target.directory,
            pdf_sha256=target.pdf_sha256, pdf_size=target.pdf_size, page_count=pages,
            content_hash=content_hash, published_by=actor, **extra,
        )
    pdf = target / "issue.pdf"
    return Edition.objects.create(
        issue=issue, version=version, directory=_relative(target), pdf_sha256=_sha256(pdf),
        pdf_size=pdf.stat().st_size, page_count=pages, content_hash=content_hash,
        published_by=actor, **extra,
    )
