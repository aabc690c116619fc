"""Proofs: full-issue PDF proofs with page thumbnails, rendered in the background."""
