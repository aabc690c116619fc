"""Views of the editorial workspace: bind input, call one service or selector, render."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from editorial import selectors, services, workflow
from editorial.diffing import three_way_merge, versions_diff
from editorial.forms import (
    SNAPSHOT_LABELS,
    ArticleFilterForm,
    ArticleForm,
    BulkActionForm,
    CommentForm,
    DecisionForm,
    DocxImportForm,
    ImageUploadForm,
    PublicationSettingsForm,
    SectionSettingsForm,
    SubmitForm,
    posted_integer,
    snapshot_for_display,
    snapshot_from_article,
    snapshot_from_form,
    snapshot_from_revision,
)
from editorial.models import Article, Comment, Publication
from editorial.permissions import PermissionRefused


def _check(request: HttpRequest, perm: str, obj=None, message: str = "",
           action: str | None = None) -> None:
    """403 with ``message`` unless the user has ``perm`` (and the article's state allows
    ``action``); the services check the same again."""
    if not request.user.has_perm(perm, obj) or (action and not workflow.allows(obj, action)):
        raise PermissionRefused(message)


def workspace_view(view):
    """Anonymous visitors go to the login page; members and others get 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        _check(request, "editorial.use_workspace", message=_("你的账号没有使用编辑部工作台的权限。"))
        return view(request, *args, **kwargs)

    return wrapper


def _article(request: HttpRequest, pk: int) -> Article:
    article = get_object_or_404(Article.objects.select_related("section", "issue"), pk=pk)
    _check(request, "editorial.view_article", article, _("你没有查看这篇文章的权限。"))
    return article


@require_GET
@workspace_view
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "editorial/dashboard.html",
                  {"board": selectors.dashboard_for(request.user)})


@require_GET
@workspace_view
def article_list(request: HttpRequest) -> HttpResponse:
    form = ArticleFilterForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.ArticleFilters(
        state=data.get("state") or "", q=data.get("q") or "", tag=data.get("tag") or "",
        section=getattr(data.get("section"), "pk", None),
        issue=getattr(data.get("issue"), "pk", None),
        author=getattr(data.get("author"), "pk", None),
        archived=data.get("archived") or "", sort=data.get("sort") or "",
    )
    page = Paginator(selectors.article_list_page(user=request.user, filters=filters),
                     25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    bulk = BulkActionForm(auto_id="bulk-%s") if request.user.has_perm("editorial.archive_article") else None
    return render(request, "editorial/article_list.html",
                  {"form": form, "page": page, "query": query.urlencode(), "bulk": bulk,
                   "archived_view": filters.archived})


BULK_ACTIONS = {
    "archive": (services.articles_archive, gettext_lazy("已归档 %(n)s 篇文章。")),
    "restore": (services.articles_restore, gettext_lazy("已恢复 %(n)s 篇文章。")),
    "add_to_issue": (services.articles_add_to_issue, gettext_lazy("已把 %(n)s 篇文章编入期刊。")),
    "assign_reviewer": (services.articles_assign_reviewer, gettext_lazy("已为 %(n)s 篇文章指派审稿人。")),
}


@require_POST
@workspace_view
def article_bulk(request: HttpRequest) -> HttpResponse:
    """The list's bulk actions: all or nothing, then back to the list as it was filtered."""
    _check(request, "editorial.archive_article", message=_("只有编辑可以批量处理文章。"))
    form = BulkActionForm(request.POST)
    back = f"{reverse('editorial:article_list')}?{_list_query(request.POST.get('query', ''))}"
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)
    data = form.cleaned_data
    act, said = BULK_ACTIONS[data["action"]]
    params = {"archive": {}, "restore": {}, "add_to_issue": {"issue": data["issue"]},
              "assign_reviewer": {"reviewer": data["reviewer"], "due_date": data["due_date"]},
              }[data["action"]]
    try:
        count = act(user=request.user, article_ids=data["articles"], **params)
    except services.BulkRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, str(said) % {"n": count})
    return redirect(back)


def _list_query(raw: str) -> str:
    """The list's own filters, re-encoded: only known keys go back into the redirect."""
    kept = QueryDict(raw[:2000], mutable=True)
    for key in list(kept):
        if key not in ArticleFilterForm.base_fields and key != "page":
            del kept[key]
    return kept.urlencode()


def _lead_image(request: HttpRequest, form: ArticleForm):
    """The lead image the form asks for: an upload, none ("remove"), or the one it showed."""
    if getattr(form, "lead_image_data", None):
        return services.asset_store(
            data=form.lead_image_data, original_name=form.cleaned_data["lead_image_upload"].name,
            user=request.user,
        )
    if form.cleaned_data.get("remove_lead_image"):
        return None
    return form.cleaned_data.get("lead_image")


def _save_article(request: HttpRequest, form: ArticleForm, article: Article | None):
    form.chosen_lead_image = _lead_image(request, form)
    content = form.content(lead_image=form.chosen_lead_image)
    if article is None:
        return services.article_create(user=request.user, content=content)
    return services.article_update(user=request.user, article_id=article.pk,
                                   base_version=form.cleaned_data["base_version"],
                                   content=content)


@require_http_methods(["GET", "POST"])
@workspace_view
def article_create(request: HttpRequest) -> HttpResponse:
    _check(request, "editorial.create_article", message=_("只有编辑可以新建文章。"))
    form = ArticleForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            article = _save_article(request, form, None)
        except services.IssueFrozen as exc:
            form.add_error("issue", str(exc))
            status = 400
        else:
            messages.success(request, _("文章已保存。"))
            return redirect("editorial:article_edit", article.pk)
    return render(request, "editorial/article_form.html", {"form": form, "article": None},
                  status=status)


@require_http_methods(["GET", "POST"])
@workspace_view
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(request, pk)
    _check(request, "editorial.edit_article", article, _("这篇文章现在不能修改（状态：%(state)s）。")
           % {"state": article.get_state_display()}, action="edit")
    form = ArticleForm(request.POST or None, request.FILES or None,
                       initial=ArticleForm.initial_for(article))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            _save_article(request, form, article)
        except services.EditConflict as conflict:
            return _conflict(request, form, conflict)
        except services.IssueFrozen as exc:
            form.add_error("issue", str(exc))
            status = 400
        else:
            messages.success(request, _("文章已保存为新的修订版。"))
            return redirect("editorial:article_edit", article.pk)
    services.presence_touch(user=request.user, article_id=article.pk)
    context = {
        "form": form, "article": article,
        "others": selectors.others_editing(article=article, user=request.user),
        "autosave": selectors.autosave_for(article=article, user=request.user),
    }
    return render(request, "editorial/article_form.html", context, status=status)


def _conflict(request: HttpRequest, form: ArticleForm, conflict: services.EditConflict):
    """Nothing was saved: show both versions and a form holding the merge, based on the
    current version, so saving it is a normal, non-conflicting save."""
    current = conflict.article
    base = current.revisions.filter(number=conflict.base_version).first()
    theirs = snapshot_from_article(current)
    mine = snapshot_from_form(form, lead_image=form.chosen_lead_image)
    merge = three_way_merge(base=snapshot_from_revision(base), mine=mine, theirs=theirs)
    values = {k: (v or None) if k in {"section", "issue", "lead_image"} else v
              for k, v in merge.values.items()}
    initial = ArticleForm.initial_for(current) | values | {"base_version": current.version}
    merge_form = ArticleForm(initial=initial)
    context = {
        "article": current, "form": merge_form, "mine": mine, "theirs": theirs,
        "conflicts": [SNAPSHOT_LABELS[k] for k in merge.conflicts],
        "taken": [SNAPSHOT_LABELS[k] for k in merge.taken],
        "diff": versions_diff(snapshot_for_display(theirs), snapshot_for_display(mine),
                              SNAPSHOT_LABELS),
        "latest": current.revisions.select_related("created_by").first(),
    }
    return render(request, "editorial/conflict.html", context, status=409)


@require_POST
@workspace_view
def article_autosave(request: HttpRequest, pk: int) -> JsonResponse:
    article = _article(request, pk)
    try:
        base_version = posted_integer(request.POST.get("base_version"), field="base_version",
                                      minimum=0)
    except BadRequest as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    draft = services.autosave_store(user=request.user, article_id=article.pk,
                                    base_version=base_version, data=request.POST.dict())
    return JsonResponse({"saved_at": draft.saved_at.isoformat(),
                         "stale": base_version != article.version})


@require_POST
@workspace_view
def article_autosave_discard(request: HttpRequest, pk: int) -> HttpResponse:
    """Throw the autosaved copy away; JSON for the editor's script, a redirect without it."""
    article = _article(request, pk)
    discarded = services.autosave_discard(user=request.user, article_id=article.pk)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"discarded": discarded})
    messages.info(request, _("已放弃自动保存的内容。"))
    return redirect("editorial:article_edit", article.pk)


@require_POST
@workspace_view
def article_presence(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(request, pk)
    services.presence_touch(user=request.user, article_id=article.pk)
    return render(request, "editorial/_presence.html",
                  {"others": selectors.others_editing(article=article, user=request.user),
                   "article": Article.objects.only("version").get(pk=pk)})


@require_GET
@workspace_view
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(request, pk)
    user = request.user
    context = {
        "article": article,
        "timeline": selectors.article_timeline(article),
        "comments": selectors.article_comments(article),
        "assignments": article.assignments.select_related("reviewer").order_by("-assigned_at"),
        "revisions": selectors.article_revisions(article)[:10],
        "submit_form": SubmitForm(article=article, user=user),
        "decision_form": DecisionForm(),
        "comment_form": CommentForm(),
        # What the article's state allows now; the template asks has_perm who may do it.
        "allowed": workflow.allowed_actions(article),
        "my_pending_review": selectors.pending_review_for(article=article, user=user),
        "status": selectors.review_status(article=article, user=user),
    }
    return render(request, "editorial/article_detail.html", context)


@require_POST
@workspace_view
def article_submit(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(request, pk)
    _check(request, "editorial.submit_article", article, _("你不能提交这篇文章审稿。"), action="submit")
    form = SubmitForm(request.POST, article=article, user=request.user)
    if not form.is_valid():
        return _detail_with_errors(request, article, form)
    services.article_submit(user=request.user, article_id=article.pk,
                            reviewers=form.cleaned_data["reviewers"],
                            due_date=form.cleaned_data["due_date"],
                            comment=form.cleaned_data["comment"])
    messages.success(request, _("已提交审稿，审稿人会收到邮件。"))
    return redirect("editorial:article_detail", article.pk)


def _detail_with_errors(request: HttpRequest, article: Article, form) -> HttpResponse:
    messages.error(request, "；".join(
        f"{form.fields[name].label if name in form.fields else ''}：{' '.join(errors)}"
        for name, errors in form.errors.items()
    ))
    return redirect("editorial:article_detail", article.pk)


@require_POST
@workspace_view
def article_approve(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(request, pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    try:
        services.article_approve(
            user=request.user, article_id=article.pk, comment=comment,
            confirm_unresolved=bool(form.cleaned_data.get("confirm_unresolved")))
    except services.UnresolvedComments as question:
        return render(request, "editorial/approve_confirm.html", {
            "article": article, "question": question, "comment": comment,
            "unresolved": selectors.unresolved_comments(article),
        })
    messages.success(request, _("已记录你的审稿结论：通过。"))
    return redirect("editorial:article_detail", article.pk)


@require_POST
@workspace_view
def article_request_changes(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(request, pk)
    _check(request, "editorial.decide_article", article, _("你不能对这篇文章提出修改意见。"),
           action="request_changes")
    form = DecisionForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    if not comment.strip():
        messages.error(request, _("要求修改时必须写明意见。"))
        return redirect("editorial:article_detail", article.pk)
    services.article_request_changes(user=request.user, article_id=article.pk, comment=comment)
    messages.success(request, _("已退回修改，作者会收到邮件。"))
    return redirect("editorial:article_detail", article.pk)


@require_POST
@workspace_view
def article_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(request, pk)
    services.article_withdraw(user=request.user, article_id=article.pk,
                              comment=request.POST.get("comment", ""))
    messages.success(request, _("文章已撤回。"))
    return redirect("editorial:article_detail", article.pk)


@require_POST
@workspace_view
def article_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(request, pk)
    services.article_reopen(user=request.user, article_id=article.pk)
    messages.success(request, _("文章已恢复为草稿。"))
    return redirect("editorial:article_detail", article.pk)


@require_POST
@workspace_view
def comment_create(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(request, pk)
    form = CommentForm(request.POST)
    _check(request, "editorial.comment_article", article, _("你不能评论这篇文章。"))
    if form.is_valid():
        data = form.cleaned_data
        try:
            comment = services.comment_add(
                user=request.user, article_id=article.pk, body=data["body"],
                parent_id=data.get("parent"), quote=data["quote"],
                quote_prefix=data["quote_prefix"], quote_suffix=data["quote_suffix"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            return redirect(reverse("editorial:article_detail", args=[article.pk])
                            + f"#comment-{comment.parent_id or comment.pk}")
    else:
        messages.error(request, _("评论不能为空，且不能超过 10000 字。"))
    return redirect(reverse("editorial:article_detail", args=[article.pk]) + "#comments")


@require_POST
@workspace_view
def comment_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
    _article(request, comment.article_id)
    resolved = request.POST.get("resolved") == "1"
    services.comment_set_resolved(user=request.user, comment_id=comment.pk, resolved=resolved)
    messages.success(request, _("讨论已标记为已解决。") if resolved else _("讨论已重新打开。"))
    return redirect(reverse("editorial:article_detail", args=[comment.article_id])
                    + f"#comment-{comment.pk}")


@require_GET
@workspace_view
def revision_list(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(request, pk)
    return render(request, "editorial/revision_list.html",
                  {"article": article, "revisions": selectors.article_revisions(article)})


@require_GET
@workspace_view
def revision_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    article = _article(request, pk)
    revision = get_object_or_404(article.revisions.select_related("created_by"), number=number)
    return render(request, "editorial/revision_detail.html", {
        "article": article, "revision": revision,
        "can_restore": number != article.version and workflow.allows(article, "edit"),
    })


@require_GET
@workspace_view
def revision_compare(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(request, pk)
    try:
        a, b = int(request.GET.get("a", "")), int(request.GET.get("b", ""))
    except ValueError:
        numbers = list(article.revisions.values_list("number", flat=True)[:2])
        if len(numbers) < 2:
            raise Http404(_("至少需要两个修订版才能比较。")) from None
        b, a = numbers[0], numbers[1]
    old = get_object_or_404(article.revisions, number=a)
    new = get_object_or_404(article.revisions, number=b)
    diff = versions_diff(snapshot_for_display(snapshot_from_revision(old)),
                         snapshot_for_display(snapshot_from_revision(new)), SNAPSHOT_LABELS)
    return render(request, "editorial/revision_compare.html", {
        "article": article, "old": old, "new": new, "diff": diff,
        "revisions": selectors.article_revisions(article),
    })


@require_POST
@workspace_view
def revision_restore(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    article = _article(request, pk)
    base_version = posted_integer(request.POST.get("base_version"), field="base_version",
                                  minimum=0)
    try:
        services.revision_restore(user=request.user, article_id=article.pk, number=number,
                                  base_version=base_version)
    except services.EditConflict:
        messages.error(request, _("文章在你打开后已被他人修改，请刷新后再恢复。"))
        return redirect("editorial:revision_detail", article.pk, number)
    messages.success(request, _("已把第 %(n)d 版恢复为新的修订版。") % {"n": number})
    return redirect("editorial:article_detail", article.pk)


@require_http_methods(["GET", "POST"])
@workspace_view
def article_import(request: HttpRequest) -> HttpResponse:
    _check(request, "editorial.create_article", message=_("只有编辑可以导入文章。"))
    form = DocxImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            article = services.article_import_docx(
                user=request.user, data=form.file_data, file_name=form.file_name,
                section=form.cleaned_data["section"],
            )
        except services.ImportRefused as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, _("已从 Word 文件导入，请检查后保存。"))
            return redirect("editorial:article_edit", article.pk)
    return render(request, "editorial/article_import.html", {"form": form})


@require_http_methods(["GET", "POST"])
@workspace_view
def image_upload(request: HttpRequest) -> HttpResponse:
    """Validated image upload for the editor: JSON for the editor's script, a page otherwise."""
    _check(request, "editorial.upload_image", message=_("只有编辑可以上传图片。"))
    form = ImageUploadForm(request.POST or None, request.FILES or None)
    wants_json = "application/json" in request.headers.get("Accept", "")
    if request.method == "POST" and form.is_valid():
        asset = services.asset_store(data=form.image_data, original_name=form.image_name,
                                     user=request.user)
        caption = form.cleaned_data.get("caption", "").strip()
        if caption and not asset.caption:  # the media library offers it again with its words
            asset = services.asset_update_text(user=request.user, asset_id=asset.pk,
                                               alt_text=asset.alt_text or caption, caption=caption)
        if wants_json:
            return JsonResponse({"url": asset.file.url, "width": asset.width,
                                 "height": asset.height, "name": asset.original_name})
        return render(request, "editorial/image_upload.html", {"form": form, "asset": asset})
    if request.method == "POST" and wants_json:
        errors = [str(e) for errors in form.errors.values() for e in errors]
        return JsonResponse({"error": " ".join(errors)}, status=400)
    return render(request, "editorial/image_upload.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
@workspace_view
def publication_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """刊物设置: what the printed issue says about the publication, and each section's layout."""
    _check(request, "editorial.change_publication", message=_("只有编辑可以修改刊物设置。"))
    publication = get_object_or_404(Publication, slug=slug)
    sections = list(publication.sections.all())
    data = request.POST if request.method == "POST" else None
    form = PublicationSettingsForm(data, instance=publication)
    section_forms = [(section, SectionSettingsForm(data, prefix=f"section-{section.pk}", initial={
        "layout": section.layout, "new_page_per_article": section.new_page_per_article}))
        for section in sections]
    if data is not None and form.is_valid() and all(f.is_valid() for _s, f in section_forms):
        try:
            services.publication_update_settings(
                user=request.user, publication=publication,
                data={name: form.cleaned_data[name] for name in form.Meta.fields},
                section_layouts={s.pk: (f.cleaned_data["layout"],
                                        f.cleaned_data["new_page_per_article"])
                                 for s, f in section_forms})
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("刊物设置已保存，下次排版生效。"))
            return redirect("editorial:publication_settings", slug=publication.slug)
    return render(request, "editorial/publication_settings.html", {
        "publication": publication, "form": form, "section_forms": section_forms,
    }, status=400 if data is not None else 200)
