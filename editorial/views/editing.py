"""Writing an article: create, edit (with conflicts), autosave, presence, Word import and
image upload.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from editorial import selectors, services
from editorial.diffing import three_way_merge, versions_diff
from editorial.forms import (
    SNAPSHOT_LABELS,
    ArticleForm,
    DocxImportForm,
    ImageUploadForm,
    posted_integer,
    snapshot_for_display,
    snapshot_from_article,
    snapshot_from_form,
    snapshot_from_revision,
)
from editorial.models import Article
from editorial.views.access import _article, _check, workspace_view


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
