"""Public pages: the archive, issue and article pages, PDFs, covers, search, members."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from editorial import services as editorial_services
from editorial.images import ImageRejected
from editorial.models import Article, Asset, Issue
from editorial.richtext import markdown_to_html
from publishing import permissions, selectors, services
from publishing.caching import anonymous_page
from publishing.downloads import file_response
from publishing.errors import RenderError
from publishing.forms import (
    CorrectionForm,
    IssueAccessForm,
    IssueCreateForm,
    IssueFrontForm,
    MemberCSVForm,
    MemberForm,
    ScheduleForm,
    SearchForm,
)
from publishing.models import Proof

# The HTML edition is our own static HTML: it needs its stylesheet and images, nothing else.
EDITION_CSP = ("default-src 'none'; img-src 'self'; style-src 'self'; base-uri 'none'; "
               "form-action 'none'; frame-ancestors 'self'")
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp"}


def editor_required(view: Callable) -> Callable:
    """Anonymous visitors log in; signed-in non-editors get 403 and see nothing."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not permissions.user_is_editor(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _form_errors(form) -> str:
    return "；".join(error for errors in form.errors.values() for error in errors)


def _viewable_issue(request: HttpRequest, publication_slug: str, number: int) -> Issue:
    """The issue if this user may see it at all; otherwise 404, never a hint it exists."""
    issue = selectors.issue_with_contents(publication_slug=publication_slug, number=number)
    if issue is None or not permissions.user_can_view_issue(request.user, issue):
        raise Http404
    return issue


def _refuse_reading(request: HttpRequest, issue: Issue) -> HttpResponse:
    """Anonymous readers go to the login page; signed-in ones are told why they can't read."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    context = {"issue": issue, "expired_on": permissions.user_membership_expired_on(request.user)}
    return render(request, "publishing/no_access.html", context, status=403)


def issue_archive(request: HttpRequest) -> HttpResponse:
    return render(request, "publishing/archive.html", {"years": selectors.issue_archive_by_year()})


def issue_detail(request: HttpRequest, publication_slug: str, number: int) -> HttpResponse:
    issue = _viewable_issue(request, publication_slug, number)

    def page(extra: dict) -> HttpResponse:
        context = selectors.issue_page_context(issue=issue, user=request.user)
        return render(request, "publishing/issue_detail.html", {**context, **extra})

    return anonymous_page(request, stamp=f"issue:{issue.pk}:{issue.updated_at.timestamp()}",
                          render=page)


def article_detail(request: HttpRequest, publication_slug: str, number: int,
                   slug: str) -> HttpResponse:
    issue = _viewable_issue(request, publication_slug, number)
    context = selectors.article_page_context(issue=issue, slug=slug, user=request.user)
    if context is None:
        raise Http404
    return render(request, "publishing/article_detail.html", context)


def issue_pdf(request: HttpRequest, publication_slug: str, number: int,
              version: int | None = None) -> HttpResponse:
    issue = _viewable_issue(request, publication_slug, number)
    if not permissions.user_can_read_issue(request.user, issue):
        return _refuse_reading(request, issue)
    edition = selectors.issue_edition_for_download(issue, version)
    if edition is None:
        raise Http404
    response = file_response(request, edition.pdf_path,
                             filename=selectors.issue_pdf_filename(issue, edition),
                             content_type="application/pdf",
                             private=not permissions.issue_is_public(issue))
    if response.status_code == 200 or response.get("Content-Range", "").startswith("bytes 0-"):
        services.download_record(issue=issue, user=request.user)
    return response


def issue_cover(request: HttpRequest, publication_slug: str, number: int) -> HttpResponse:
    issue = _viewable_issue(request, publication_slug, number)
    pdf = selectors.issue_published_pdf(issue)
    thumbnail = pdf and services.issue_cover_thumbnail(issue=issue, pdf_path=pdf)
    if thumbnail is None:
        raise Http404
    return file_response(request, thumbnail, filename=None, content_type="image/png",
                         private=issue.status != "published")


def media_file(request: HttpRequest, path: str) -> HttpResponse:
    asset = Asset.objects.filter(file=path).first()
    if asset is None or not permissions.user_can_view_asset(request.user, asset):
        raise Http404
    try:
        full_path = asset.file.path
    except NotImplementedError as exc:  # remote storage serves its own URLs
        raise Http404 from exc
    return file_response(request, Path(full_path), filename=None,
                         content_type=IMAGE_TYPES.get(Path(full_path).suffix, "application/octet-stream"),
                         private=True)


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    hits = selectors.article_search_for(user=request.user, query=query) if query else []
    return render(request, "publishing/search.html", {"form": form, "query": query, "hits": hits})


@editor_required
def members(request: HttpRequest) -> HttpResponse:
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_add(added_by=request.user, **form.cleaned_data)
        except services.MemberImportError as exc:
            for problem in exc.problems:
                form.add_error(None, problem)
        else:
            messages.success(request, _("已添加会员并发送邀请邮件。"))
            return redirect("publishing:members")
    context = {"form": form, "csv_form": MemberCSVForm(), **selectors.member_list_context()}
    return render(request, "publishing/members.html", context)


@editor_required
@require_POST
def members_import(request: HttpRequest) -> HttpResponse:
    csv_form = MemberCSVForm(request.POST, request.FILES)
    problems: list[str] = []
    if csv_form.is_valid():
        try:
            result = services.members_import_csv(
                data=csv_form.cleaned_data["file"].read(), added_by=request.user
            )
        except services.MemberImportError as exc:
            problems = exc.problems
        else:
            messages.success(request, _("已导入 %(count)s 位会员并发送邀请邮件。")
                             % {"count": len(result.created)})
            return redirect("publishing:members")
    context = {"form": MemberForm(), "csv_form": csv_form, "problems": problems,
               **selectors.member_list_context()}
    return render(request, "publishing/members.html", context, status=400)


@require_POST
def issue_access(request: HttpRequest, publication_slug: str, number: int) -> HttpResponse:
    issue = _viewable_issue(request, publication_slug, number)
    if not permissions.user_is_editor(request.user):
        raise PermissionDenied
    form = IssueAccessForm(request.POST)
    if form.is_valid():
        services.issue_set_access(issue=issue, level=form.cleaned_data["level"],
                                          embargo_months=form.cleaned_data["embargo_months"] or 0)
        messages.success(request, _("访问权限已更新。"))
    else:
        messages.error(request, _form_errors(form))
    return redirect(issue.get_absolute_url())


def issue_html(request: HttpRequest, publication_slug: str, number: int,
               path: str = "index.html") -> HttpResponse:
    """A file of the issue's HTML edition (index, article pages, stylesheet, images)."""
    issue = _viewable_issue(request, publication_slug, number)
    if not permissions.user_can_read_issue(request.user, issue):
        return _refuse_reading(request, issue)
    file = selectors.issue_edition_html_file(issue, path)
    if file is None:
        raise Http404
    response = file_response(request, file, filename=None,
                             content_type=selectors.edition_file_content_type(file),
                             private=not permissions.issue_is_public(issue))
    response["Content-Security-Policy"] = EDITION_CSP
    return response


# --------------------------------------------------------------------------- planning board
# Under /editorial/issues/: it drives proofs and releases, and changes an issue's contents
# through editorial's services.

def _errors(exc: ValidationError) -> str:
    return "；".join(exc.messages)


@editor_required
def board(request: HttpRequest) -> HttpResponse:
    form = IssueCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issue = editorial_services.issue_create(**form.cleaned_data)
        except editorial_services.AssemblyError:
            form.add_error("number", _("该刊物已有这一期。"))
        else:
            return redirect("publishing:board_issue", pk=issue.pk)
    return render(request, "publishing/board/list.html",
                  {"form": form, **selectors.board_list_context()})


@editor_required
def board_issue(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(Issue.objects.select_related("publication", "cover_image"), pk=pk)
    context = selectors.board_issue_context(issue=issue)
    context.update({
        "front_form": IssueFrontForm(initial={"title": issue.title, "cover_date": issue.cover_date}),
        "schedule_form": ScheduleForm(),
        "correction_form": CorrectionForm(),
    })
    return render(request, "publishing/board/issue.html", context)


@editor_required
@require_POST
def board_front(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(Issue, pk=pk)
    form = IssueFrontForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("publishing:board_issue", pk=pk)
    cover = None
    upload = form.cleaned_data["cover_image"]
    try:
        if upload:
            cover = editorial_services.asset_store(data=upload.read(), original_name=upload.name,
                                                   user=request.user)
    except ImageRejected as exc:
        messages.error(request, _("封面图片无法使用：%(error)s") % {"error": exc})
        return redirect("publishing:board_issue", pk=pk)
    note = form.cleaned_data["editor_note"]
    editorial_services.issue_update(
        issue=issue, title=form.cleaned_data["title"], cover_date=form.cleaned_data["cover_date"],
        editor_note_html=markdown_to_html(note) if note else issue.editor_note, cover_image=cover,
    )
    messages.success(request, _("已保存。"))
    return redirect("publishing:board_issue", pk=pk)


@editor_required
@require_POST
def board_add(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(Issue, pk=pk)
    article = get_object_or_404(Article, pk=request.POST.get("article"))
    try:
        editorial_services.issue_add_article(issue=issue, article=article)
    except editorial_services.AssemblyError as exc:
        messages.error(request, str(exc))
    return redirect("publishing:board_issue", pk=pk)


@editor_required
@require_POST
def board_remove(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(Issue, pk=pk)
    article = get_object_or_404(Article, pk=request.POST.get("article"), issue=issue)
    editorial_services.issue_remove_article(issue=issue, article=article)
    return redirect("publishing:board_issue", pk=pk)


@editor_required
@require_POST
def board_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Keyboard-accessible reordering: one article up or down, across section borders."""
    issue = get_object_or_404(Issue, pk=pk)
    layout = selectors.layout_with_move(
        issue=issue, article_id=int(request.POST.get("article", 0)),
        direction=request.POST.get("direction", ""),
    )
    if layout is None:
        raise Http404
    editorial_services.issue_arrange(issue=issue, layout=layout)
    return redirect(f"{request.path.rsplit('/move', 1)[0]}/#article-{request.POST.get('article')}")


@editor_required
@require_POST
def board_arrange(request: HttpRequest, pk: int) -> JsonResponse:
    """Drag and drop posts the whole new layout as JSON: [[section_id, [article_id…]]…]."""
    issue = get_object_or_404(Issue, pk=pk)
    try:
        layout = [(int(s), [int(a) for a in pks]) for s, pks in json.loads(request.body)]
        editorial_services.issue_arrange(issue=issue, layout=layout)
    except (ValueError, TypeError, editorial_services.AssemblyError) as exc:
        return JsonResponse({"ok": False, "error": str(exc)}, status=400)
    return JsonResponse({"ok": True})


@editor_required
@require_POST
def board_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(Issue, pk=pk)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            services.issue_schedule(issue=issue, release_at=form.cleaned_data["release_at"],
                                            actor=request.user)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("已排期。"))
    else:
        messages.error(request, _form_errors(form))
    return redirect("publishing:board_issue", pk=pk)


@editor_required
@require_POST
def board_unschedule(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(Issue, pk=pk)
    try:
        services.issue_unschedule(issue=issue, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("已取消排期。"))
    return redirect("publishing:board_issue", pk=pk)


@editor_required
@require_POST
def board_correct(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(Issue, pk=pk)
    form = CorrectionForm(request.POST)
    # WeasyPrint is imported only where a render happens: web workers start light.
    from publishing.rendering import RenderError

    if form.is_valid():
        try:
            edition = services.edition_correct(
                issue=issue, erratum=form.cleaned_data["erratum"], actor=request.user
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        except (services.PublishError, RenderError) as exc:
            messages.error(request, _("更正版生成失败：%(error)s") % {"error": exc})
        else:
            messages.success(request, _("已发布第 %(v)s 版。") % {"v": edition.version})
    return redirect("publishing:board_issue", pk=pk)


@editor_required
@require_POST
def board_proof(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(Issue, pk=pk)
    services.proof_request(issue=issue, actor=request.user)
    return redirect("publishing:board_issue", pk=pk)


@editor_required
def board_print_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The print-shop PDF for the printer: PDF/X-4, CMYK, bleed and marks, 4n pages."""
    issue = get_object_or_404(Issue.objects.select_related("publication"), pk=pk)
    try:
        path = services.issue_print_file(issue=issue)
    except RenderError as exc:
        messages.error(request, _("印刷版 PDF 未能生成：%(error)s") % {"error": exc})
        return redirect("publishing:board_issue", pk=pk)
    return file_response(request, path,
                         filename=f"{issue.publication.slug}-{issue.number}-print.pdf",
                         content_type="application/pdf", private=True)


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


# --------------------------------------------------------------------------- article previews

# A preview is our own HTML with an inline stylesheet: no scripts, no foreign anything.
PREVIEW_CSP = ("default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; "
               "form-action 'none'; frame-ancestors 'self'")


def _previewable(request: HttpRequest, pk: int) -> Article:
    """Only those who may see the draft in the workspace may preview it."""
    from editorial.permissions import user_can_view_article

    article = get_object_or_404(
        Article.objects.select_related("section__publication", "issue__publication", "lead_image"),
        pk=pk,
    )
    if not user_can_view_article(request.user, article):
        raise PermissionDenied
    return article


def article_preview(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    from publishing import rendering

    article = _previewable(request, pk)
    response = HttpResponse(rendering.article_preview_html(article))
    response["Content-Security-Policy"] = PREVIEW_CSP
    response["Cache-Control"] = "private, no-store"
    return response


def article_preview_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    from publishing import rendering

    article = _previewable(request, pk)
    try:
        pdf = rendering.article_preview_pdf(article)
    except rendering.MissingGlyphsError as exc:
        return render(request, "publishing/preview_error.html",
                      {"article": article, "error": str(exc)}, status=422)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    return response
