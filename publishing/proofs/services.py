"""Proofs: a full-issue PDF rendered in the background, with a thumbnail of every page."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from editorial.models import Issue
from editorial.permissions import require
from publishing import filestore
from publishing.library.selectors import issue_edition_key
from publishing.models import (
    EventKind,
    Proof,
    ProofStatus,
)
from publishing.releases.editions import _event, _verify_pdf
from publishing.rendering.selectors import issue_content_hash
from publishing.rendering.services import issue_render


@transaction.atomic
def proof_request(*, issue: Issue, actor) -> Proof:
    """Queue a full-issue PDF proof; the page shows its progress and then its thumbnails."""
    require(actor, "publishing.manage_issues")
    proof = Proof.objects.create(issue=issue, requested_by=actor)
    _event(issue, EventKind.PROOF, actor, _("申请校样"))
    proof_id = proof.pk
    transaction.on_commit(lambda: _enqueue_proof(proof_id))
    return proof


def _enqueue_proof(proof_id: int) -> None:
    render_proof_task.enqueue(proof_id)


def _proof_progress(proof: Proof, status: str, progress: int, **fields) -> None:
    Proof.objects.filter(pk=proof.pk).update(status=status, progress=progress, **fields)


def _render_into(issue: Issue, proof: Proof, directory: Path) -> int:
    directory.mkdir(parents=True, exist_ok=True)
    issue_render(issue=issue, pdf_path=directory / "proof.pdf", html_dir=None)
    _proof_progress(proof, ProofStatus.RENDERING, 70)
    pages = _verify_pdf(directory / "proof.pdf")
    pdf_page_thumbnails(pdf_path=directory / "proof.pdf", directory=directory / "pages")
    return pages


def proof_render(*, proof: Proof) -> Proof:
    """Render the proof PDF and its page thumbnails; records the content hash it was made from.

    On object storage they are rendered into a local temporary folder and uploaded under the
    proof's own prefix; the row says READY (and names the prefix) only once every file is up."""
    issue = proof.issue
    content_hash = issue_content_hash(issue)
    relative = f"{issue_edition_key(issue)}/proofs/{proof.pk}-{content_hash[:12]}"
    _proof_progress(proof, ProofStatus.RENDERING, 10, content_hash=content_hash)
    stored = filestore.on_object_storage("proofs")
    try:
        if stored:
            with tempfile.TemporaryDirectory(prefix="bulletin-proof-") as local:
                pages = _render_into(issue, proof, Path(local))
                filestore.upload_tree(filestore.storage("proofs"), Path(local), relative)
        else:
            pages = _render_into(issue, proof, Path(settings.EDITIONS_ROOT) / relative)
    except Exception as exc:
        if stored:
            filestore.delete_prefix(filestore.storage("proofs"), relative)
        _proof_progress(proof, ProofStatus.FAILED, 100, error=str(exc) or exc.__class__.__name__,
                        finished_at=timezone.now())
        raise
    _proof_progress(proof, ProofStatus.READY, 100, page_count=pages, finished_at=timezone.now(),
                    directory=relative)
    proof.refresh_from_db()
    return proof


def pdf_page_thumbnails(*, pdf_path: Path, directory: Path, width: int = 200) -> list[Path]:
    """One small PNG per page (page-1.png …) for editors to look over a proof."""
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-scale-to-x", str(width), "-scale-to-y", "-1", str(pdf_path),
         str(directory / "page")],
        check=True, capture_output=True, timeout=300,
    )
    pages = sorted(directory.glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    for index, page in enumerate(pages, start=1):
        page.rename(directory / f"page-{index}.png")
    return [directory / f"page-{i}.png" for i in range(1, len(pages) + 1)]


# --------------------------------------------------------------------------- tasks


@task()
def render_proof_task(proof_id: int) -> int:
    proof = Proof.objects.select_related("issue__publication").get(pk=proof_id)
    return proof_render(proof=proof).page_count
