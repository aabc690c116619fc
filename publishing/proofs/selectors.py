"""Reads of proofs: progress, page thumbnails and files by exact name."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from publishing import filestore
from publishing.filestore import StoredFile
from publishing.models import (
    Proof,
    ProofStatus,
)


def proof_pages(proof: Proof | None) -> list[str]:
    if proof is None or proof.status != ProofStatus.READY or not proof.directory:
        return []
    if filestore.on_object_storage("proofs"):  # READY only once every page was uploaded
        return [f"page-{n}.png" for n in range(1, proof.page_count + 1)]
    folder = Path(settings.EDITIONS_ROOT) / proof.directory / "pages"
    return [f"page-{n}.png" for n in range(1, proof.page_count + 1)
            if (folder / f"page-{n}.png").is_file()]


def proof_status(proof: Proof) -> dict:
    return {"status": proof.status, "label": str(proof.get_status_display()),
            "progress": proof.progress, "pages": proof.page_count, "error": proof.error}


def proof_file(proof: Proof, name: str) -> Path | StoredFile | None:
    """A proof's PDF or one of its page images, by exact name only (no paths)."""
    if proof.status != ProofStatus.READY or not proof.directory:
        return None
    if name == "proof.pdf":
        relative = name
    elif re.fullmatch(r"page-\d{1,4}\.png", name):
        relative = f"pages/{name}"
    else:
        return None
    if filestore.on_object_storage("proofs"):
        stored = StoredFile("proofs", f"{proof.directory}/{relative}")
        return stored if stored.storage.exists(stored.name) else None
    path = Path(settings.EDITIONS_ROOT) / proof.directory / relative
    return path if path.is_file() else None
