"""Public pages: the published issues, their tables of contents and PDFs."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from publishing.selectors import (
    issue_articles_for_print,
    issue_get_published,
    issue_list_published,
    issue_pdf_path,
)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "publishing/home.html", {"issues": issue_list_published()})


def issue_detail(request: HttpRequest, publication_slug: str, number: int) -> HttpResponse:
    issue = issue_get_published(publication_slug=publication_slug, number=number)
    if issue is None:
        raise Http404
    context = {
        "issue": issue,
        "articles": issue_articles_for_print(issue),
        "has_pdf": issue_pdf_path(issue).is_file(),
    }
    return render(request, "publishing/issue_detail.html", context)


def issue_pdf(request: HttpRequest, publication_slug: str, number: int) -> FileResponse:
    issue = issue_get_published(publication_slug=publication_slug, number=number)
    if issue is None or not issue_pdf_path(issue).is_file():
        raise Http404
    filename = f"《{issue.publication.name}》第{issue.number}期.pdf"
    return FileResponse(
        issue_pdf_path(issue).open("rb"), content_type="application/pdf", filename=filename
    )
