"""The issue planning board, under /editorial/issues/: it changes an issue's contents through
editorial's services; releases and proofs have their own views.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from editorial import services as editorial_services
from editorial.forms import posted_integer
from editorial.images import ImageRejected
from editorial.models import Article, Issue, Section
from editorial.richtext import html_to_markdown, markdown_to_html
from publishing.board import selectors
from publishing.board.forms import (
    BoardAccessForm,
    IssueCreateForm,
    IssueFrontForm,
    layout_from_json,
)
from publishing.errors import RenderError
from publishing.library import services as library_services
from publishing.library.downloads import file_response
from publishing.library.forms import form_errors
from publishing.library.permissions import editor_required
from publishing.models import IssueAccess
from publishing.releases.forms import CorrectionForm, ScheduleForm


@editor_required
def board(request: HttpRequest) -> HttpResponse:
    form = IssueCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issue = editorial_services.issue_create(user=request.user, **form.cleaned_data)
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
    access = IssueAccess.objects.filter(issue=issue).first() or IssueAccess(issue=issue)
    context.update({
        "access": access,
        "access_form": BoardAccessForm(issue=issue, initial={
            "level": access.level, "embargo_months": access.embargo_months or ""}),
        "confirm": _stale_confirmation(request, context),
        "front_form": IssueFrontForm(initial={
            "title": issue.title, "cover_date": issue.cover_date,
            "editor_note": html_to_markdown(issue.editor_note) if issue.editor_note else "",
        }),
        "schedule_form": ScheduleForm(),
        "correction_form": CorrectionForm(),
    })
    return render(request, "publishing/board/issue.html", context)


def _stale_confirmation(request: HttpRequest, context: dict) -> dict | None:
    """The question the page asks when a release was refused for a stale proof (the release
    views redirect here with ``?confirm=``): asked only while the proof is still stale."""
    action = request.GET.get("confirm")
    if action not in {"schedule", "publish-now"} or not context["proof_is_stale"]:
        return None
    return {"action": action, "release_at": request.GET.get("release_at", "")[:40]}


@editor_required
@require_POST
def board_access(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(Issue, pk=pk)
    form = BoardAccessForm(request.POST, issue=issue)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        access = library_services.issue_set_access(
            issue=issue, level=form.cleaned_data["level"],
            embargo_months=form.cleaned_data["embargo_months"] or 0, actor=request.user)
        messages.success(request, _("访问权限已设为“%(level)s”。") % {
            "level": access.get_level_display()})
    return redirect(f"{reverse('publishing:board_issue', args=[pk])}#access-panel")


@editor_required
@require_POST
def board_section_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a whole section one place earlier or later in this issue."""
    issue = get_object_or_404(Issue, pk=pk)
    section_id = posted_integer(request.POST.get("section"), field=_("栏目编号"))
    layout = selectors.layout_with_section_move(
        issue=issue, section_id=section_id, direction=request.POST.get("direction", ""))
    if layout is None:
        raise BadRequest(_("这个栏目不在本期中，或已在最前或最后；方向应为 up 或 down。"))
    try:
        editorial_services.issue_arrange(user=request.user, issue=issue, layout=layout)
    except editorial_services.AssemblyError as exc:
        messages.error(request, str(exc))
    return redirect(f"{reverse('publishing:board_issue', args=[pk])}#section-{section_id}")


@editor_required
@require_POST
def board_move_to_section(request: HttpRequest, pk: int) -> HttpResponse:
    """The one way an article changes section on the board: chosen, never a side effect."""
    issue = get_object_or_404(Issue, pk=pk)
    article_id = posted_integer(request.POST.get("article"), field=_("文章编号"))
    section_id = posted_integer(request.POST.get("section"), field=_("栏目编号"))
    section = get_object_or_404(Section, pk=section_id, publication_id=issue.publication_id)
    move = selectors.layout_with_article_in_section(issue=issue, article_id=article_id,
                                                    section=section)
    if move is None:
        raise BadRequest(_("这篇文章不在本期中，或已在该栏目。"))
    try:
        editorial_services.issue_arrange(user=request.user, issue=issue, layout=move.layout)
    except editorial_services.AssemblyError as exc:
        messages.error(request, str(exc))
    else:
        title = Article.objects.values_list("title", flat=True).get(pk=article_id)
        messages.success(request, _("《%(title)s》已从栏目“%(old)s”移入“%(new)s”。") % {
            "title": title, "old": move.crossed[0].name, "new": move.crossed[1].name})
    return redirect(f"{reverse('publishing:board_issue', args=[pk])}#article-{article_id}")


@editor_required
@require_POST
def board_front(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(Issue, pk=pk)
    form = IssueFrontForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, form_errors(form))
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
    editorial_services.issue_update(
        user=request.user, issue=issue, title=form.cleaned_data["title"],
        cover_date=form.cleaned_data["cover_date"],
        editor_note_html=_editor_note_html(issue, form.cleaned_data["editor_note"]),
        cover_image=cover,
    )
    messages.success(request, _("已保存。"))
    return redirect("publishing:board_issue", pk=pk)


def _editor_note_html(issue: Issue, markdown: str) -> str:
    """The note as the editor left it: the stored HTML when the Markdown shown was sent back
    unchanged (no round-trip drift), nothing when it was emptied, else the new Markdown."""
    if not markdown.strip():
        return ""
    if issue.editor_note and _same_text(markdown, html_to_markdown(issue.editor_note)):
        return issue.editor_note
    return markdown_to_html(markdown)


def _same_text(a: str, b: str) -> bool:
    """Equal up to line endings and trailing blank space (a textarea sends CRLF)."""
    def norm(text: str) -> str:
        return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip()

    return norm(a) == norm(b)


@editor_required
@require_POST
def board_add(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(Issue, pk=pk)
    article_id = posted_integer(request.POST.get("article"), field=_("文章编号"))
    article = get_object_or_404(Article, pk=article_id)
    try:
        editorial_services.issue_add_article(user=request.user, issue=issue, article=article)
    except editorial_services.AssemblyError as exc:
        messages.error(request, str(exc))
    return redirect("publishing:board_issue", pk=pk)


@editor_required
@require_POST
def board_remove(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(Issue, pk=pk)
    article_id = posted_integer(request.POST.get("article"), field=_("文章编号"))
    article = get_object_or_404(Article, pk=article_id, issue=issue)
    try:
        editorial_services.issue_remove_article(user=request.user, issue=issue, article=article)
    except editorial_services.IssueFrozen as exc:
        messages.error(request, str(exc))
    return redirect("publishing:board_issue", pk=pk)


@editor_required
@require_POST
def board_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Keyboard-accessible reordering: ↑ ↓ inside a section; moving into the neighbouring
    section is its own button at the section's edge, and the page says it happened."""
    issue = get_object_or_404(Issue, pk=pk)
    article_id = posted_integer(request.POST.get("article"), field=_("文章编号"))
    direction = request.POST.get("direction", "")
    if direction not in selectors.MOVES:
        raise BadRequest(_("移动方向应为 up、down、previous-section 或 next-section。"))
    move = selectors.layout_with_move(issue=issue, article_id=article_id, direction=direction)
    if move is None:
        raise BadRequest(_("这篇文章不在本期中，或已在栏目的最前或最后。"))
    try:
        editorial_services.issue_arrange(user=request.user, issue=issue, layout=move.layout)
    except editorial_services.IssueFrozen as exc:
        messages.error(request, str(exc))
        return redirect("publishing:board_issue", pk=pk)
    if move.crossed:
        title = Article.objects.values_list("title", flat=True).get(pk=article_id)
        messages.success(request, _("《%(title)s》已从栏目“%(old)s”移入“%(new)s”。") % {
            "title": title, "old": move.crossed[0].name, "new": move.crossed[1].name})
    return redirect(f"{request.path.rsplit('/move', 1)[0]}/#article-{article_id}")


@editor_required
@require_POST
def board_arrange(request: HttpRequest, pk: int) -> JsonResponse:
    """Drag and drop posts the whole new layout as JSON: [[section_id, [article_id…]]…]."""
    issue = get_object_or_404(Issue, pk=pk)
    before = {a.pk: a for a in issue.articles.select_related("section")}
    try:
        layout = layout_from_json(request.body)
        editorial_services.issue_arrange(user=request.user, issue=issue, layout=layout)
    except (BadRequest, editorial_services.AssemblyError) as exc:
        return JsonResponse({"ok": False, "error": str(exc)}, status=400)
    # Dragging into another section changes the article's section: say so.
    names = dict(Section.objects.filter(pk__in=[s for s, _a in layout]).values_list("pk", "name"))
    moved = [
        _("《%(title)s》已从栏目“%(old)s”移入“%(new)s”。") % {
            "title": before[pk].title, "old": before[pk].section.name, "new": names[section_id]}
        for section_id, pks in layout for pk in pks if before[pk].section_id != section_id
    ]
    return JsonResponse({"ok": True, "moved": moved})


@editor_required
def board_print_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The print-shop PDF for the printer: PDF/X-4, CMYK, bleed and marks, 4n pages."""
    from publishing.rendering.services import issue_print_file  # renders: loaded on use

    issue = get_object_or_404(Issue.objects.select_related("publication"), pk=pk)
    try:
        path = issue_print_file(issue=issue)
    except RenderError as exc:
        messages.error(request, _("印刷版 PDF 未能生成：%(error)s") % {"error": exc})
        return redirect("publishing:board_issue", pk=pk)
    return file_response(request, path,
                         filename=f"{issue.publication.slug}-{issue.number}-print.pdf",
                         content_type="application/pdf", private=True)
