"""Proofs on the planning board: request one, follow its progress, view its pages."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from editorial.models import Issue
from publishing.library.downloads import file_response
from publishing.library.permissions import editor_required
from publishing.models import Proof
from publishing.proofs import selectors, services


@editor_required
@require_POST
def board_proof(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(Issue, pk=pk)
    services.proof_request(issue=issue, actor=request.user)
    return redirect("publishing:board_issue", pk=pk)


@editor_required
def board_proof_status(request: HttpRequest, pk: int, proof_id: int) -> JsonResponse:
    proof = get_object_or_404(Proof, pk=proof_id, issue_id=pk)
    return JsonResponse(selectors.proof_status(proof))


@editor_required
def board_proof_file(request: HttpRequest, pk: int, proof_id: int, name: str) -> HttpResponse:
    proof = get_object_or_404(Proof, pk=proof_id, issue_id=pk)
    path = selectors.proof_file(proof, name)
    if path is None:
        raise Http404
    is_pdf = name == "proof.pdf"
    return file_response(request, path, filename=None,
                         content_type="application/pdf" if is_pdf else "image/png", private=True)
