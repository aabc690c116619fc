"""Public pages: the archive, issue and article pages, PDFs, covers, search; and the members list."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from editorial.models import Asset, Issue
from editorial.permissions import PermissionRefused
from publishing import filestore
from publishing.filestore import StoredFile
from publishing.library import download_links, member_imports, permissions, selectors, services
from publishing.library import members as member_services
from publishing.library.caching import anonymous_page, archive_list_html, search_results_html
from publishing.library.downloads import counts_as_download, file_response
from publishing.library.forms import IssueAccessForm, MemberCSVForm, MemberForm, SearchForm, form_errors
from publishing.library.permissions import editor_required

# The HTML edition is our own static HTML: it needs its stylesheet and images, nothing else.
EDITION_CSP = ("default-src 'none'; img-src 'self'; style-src 'self'; base-uri 'none'; "
               "form-action 'none'; frame-ancestors 'self'")
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp"}


def _viewable_issue(request: HttpRequest, publication_slug: str, number: int) -> Issue:
    """The issue if this user may see it at all; otherwise 404, never a hint it exists."""
    issue = selectors.issue_with_contents(publication_slug=publication_slug, number=number)
    if issue is None or not request.user.has_perm("publishing.view_issue", issue):
        raise Http404
    return issue


def _refuse_reading(request: HttpRequest, issue: Issue) -> HttpResponse:
    """Anonymous readers go to the login page; signed-in ones are told why they can't read."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    context = {"issue": issue, "expired_on": permissions.user_membership_expired_on(request.user)}
    return render(request, "publishing/no_access.html", context, status=403)


def issue_archive(request: HttpRequest) -> HttpResponse:
    stamp = selectors.published_stamp()

    def page(extra: dict) -> HttpResponse:
        archive_html = archive_list_html(stamp=stamp, page=request.GET.get("page"))
        return render(request, "publishing/archive.html", {"archive_html": archive_html, **extra})

    return anonymous_page(request, stamp=f"archive:{stamp}", render=page)


def issue_detail(request: HttpRequest, publication_slug: str, number: int) -> HttpResponse:
    # Before anything that reads who may read: the generations its signed PDF links carry.
    links = download_links.page_links(request, publication_slug=publication_slug, number=number)
    issue = _viewable_issue(request, publication_slug, number)

    def page(extra: dict) -> HttpResponse:
        context = selectors.issue_page_context(issue=issue, user=request.user)
        return render(request, "publishing/issue_detail.html", {**context, **extra})

    response = anonymous_page(request, stamp=f"issue:{issue.pk}:{issue.updated_at.timestamp()}",
                              render=page)
    if links is None:
        return response
    return links.sign(response, issue=issue, user=request.user,
                      editions=lambda: list(issue.editions.order_by("-version")))


def article_detail(request: HttpRequest, publication_slug: str, number: int,
                   slug: str) -> HttpResponse:
    issue = _viewable_issue(request, publication_slug, number)
    context = selectors.article_page_context(issue=issue, slug=slug, user=request.user)
    if context is None:
        raise Http404
    response = render(request, "publishing/article_detail.html", context)
    if context["can_read"]:  # a teaser for someone who may not read it is not a reading
        services.read_record(issue=issue, slug=slug, user=request.user)
    return response


def issue_pdf(request: HttpRequest, publication_slug: str, number: int,
              version: int | None = None) -> HttpResponse:
    permissions.reader_load(request.user)
    issue, edition = selectors.issue_for_download(publication_slug=publication_slug,
                                                  number=number, version=version)
    if issue is None or not request.user.has_perm("publishing.view_issue", issue):
        raise Http404
    if not request.user.has_perm("publishing.read_issue", issue):
        return _refuse_reading(request, issue)
    if edition is None:
        raise Http404
    response = file_response(request, selectors.edition_pdf_file(edition),
                             filename=selectors.issue_pdf_filename(issue, edition),
                             content_type="application/pdf",
                             private=not permissions.issue_is_public(issue))
    if counts_as_download(response):
        services.download_record(issue=issue, user=request.user)
    return response


def issue_cover(request: HttpRequest, publication_slug: str, number: int) -> HttpResponse:
    """The cover thumbnail (made now if publishing did not): a redirect to its static file."""
    issue = _viewable_issue(request, publication_slug, number)
    edition = selectors.issue_current_edition(issue)
    thumbnail = edition and services.issue_cover_thumbnail(issue=issue, edition=edition)
    if not thumbnail:
        raise Http404
    return redirect(settings.COVERS_URL + selectors.issue_cover_name(issue, edition))


def cover_file(request: HttpRequest, path: str) -> HttpResponse:
    """A cover thumbnail from ``COVERS_ROOT`` where no web server serves them: public, and
    immutable under its name (keyed on the PDF). No database query."""
    parts = path.split("/")
    if any(part in {"", ".", ".."} or part.startswith(".") or "\\" in part or "\x00" in part
           for part in parts) or not path.endswith(".png"):
        raise Http404
    if filestore.on_object_storage("covers"):
        file = StoredFile("covers", path)
        if not file.storage.exists(path):
            raise Http404
    else:
        root = Path(settings.COVERS_ROOT).resolve()
        file = root.joinpath(*parts).resolve()
        if not file.is_relative_to(root) or not file.is_file():
            raise Http404
    response = file_response(request, file, filename=None, content_type="image/png",
                             private=False)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def media_file(request: HttpRequest, path: str) -> HttpResponse:
    asset = Asset.objects.filter(file=path).first()
    if asset is None or not request.user.has_perm("publishing.view_asset", asset):
        raise Http404
    content_type = IMAGE_TYPES.get(Path(asset.file.name).suffix, "application/octet-stream")
    if filestore.on_object_storage("default"):  # streamed from the bucket after the check
        return file_response(request, StoredFile("default", asset.file.name), filename=None,
                             content_type=content_type, private=True)
    return file_response(request, Path(asset.file.path), filename=None,
                         content_type=content_type, private=True)


def search(request: HttpRequest) -> HttpResponse:
    permissions.reader_load(request.user)
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    results_html = (search_results_html(query=query, user=request.user,
                                        page=form.cleaned_data["page"] or 1) if query else "")
    return render(request, "publishing/search.html",
                  {"form": form, "query": query, "results_html": results_html})


@editor_required
def members(request: HttpRequest) -> HttpResponse:
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = member_services.member_add(added_by=request.user, **form.cleaned_data)
        except member_services.MemberImportError as exc:
            for problem in exc.problems:
                form.add_error(None, problem)
        else:
            if membership.user.has_usable_password():
                messages.success(request, _("已为现有账号 %(email)s 开通会籍。")
                                 % {"email": membership.user.email})
            else:
                messages.success(request, _("已添加会员，邀请邮件正在后台发送。"))
            return redirect("publishing:members")
    context = {"form": form, "csv_form": MemberCSVForm(),
               **selectors.member_list_context(request.GET.get("page"))}
    return render(request, "publishing/members.html", context)


@editor_required
@require_POST
def members_import(request: HttpRequest) -> HttpResponse:
    """Check the file whole here, then off to the task: the answer is its progress page."""
    csv_form = MemberCSVForm(request.POST, request.FILES)
    problems: list[str] = []
    if csv_form.is_valid():
        upload = csv_form.cleaned_data["file"]
        try:
            started = member_imports.member_import_start(
                data=upload.read(), actor=request.user, file_name=upload.name or "")
        except member_services.MemberImportError as exc:
            problems = exc.problems
        else:
            if not started.new:
                messages.info(request, _("这个文件已经导入过（或正在导入），没有再导入一次。"))
            return redirect("publishing:member_import", import_id=started.member_import.pk)
    context = {"form": MemberForm(), "csv_form": csv_form, "problems": problems,
               **selectors.member_list_context()}
    return render(request, "publishing/members.html", context, status=400)


@editor_required
def member_import_progress(request: HttpRequest, import_id: int) -> HttpResponse:
    context = member_imports.member_import_page_context(import_id=import_id)
    if context is None:
        raise Http404
    return render(request, "publishing/member_import.html", context)


@require_POST
def issue_access(request: HttpRequest, publication_slug: str, number: int) -> HttpResponse:
    issue = _viewable_issue(request, publication_slug, number)
    if not request.user.has_perm("publishing.manage_issues"):
        raise PermissionRefused
    form = IssueAccessForm(request.POST)
    if form.is_valid():
        services.issue_set_access(issue=issue, level=form.cleaned_data["level"],
                                          embargo_months=form.cleaned_data["embargo_months"] or 0,
                                          actor=request.user)
        messages.success(request, _("访问权限已更新。"))
    else:
        messages.error(request, form_errors(form))
    return redirect(issue.get_absolute_url())


def issue_html(request: HttpRequest, publication_slug: str, number: int,
               path: str = "index.html") -> HttpResponse:
    """A file of the issue's HTML edition (index, article pages, stylesheet, images)."""
    issue = _viewable_issue(request, publication_slug, number)
    if not request.user.has_perm("publishing.read_issue", issue):
        return _refuse_reading(request, issue)
    file = selectors.issue_edition_html_file(issue, path)
    if file is None:
        raise Http404
    response = file_response(request, file, filename=None,
                             content_type=selectors.edition_file_content_type(file),
                             private=not permissions.issue_is_public(issue))
    response["Content-Security-Policy"] = EDITION_CSP
    if response.status_code == 200 and file.suffix == ".html" and "/" not in path:
        services.read_record(issue=issue, slug="" if file.stem == "index" else file.stem,
                             user=request.user)
    return response
