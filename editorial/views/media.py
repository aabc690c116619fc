"""The media library's views: browse and search stored images, edit their alt text and
caption, see where each is used, and the picker the article editor reuses images from."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from editorial import selectors, services
from editorial.forms import AssetTextForm, MediaSearchForm
from editorial.models import Asset
from editorial.views.access import _check, workspace_view

PAGE_SIZE = 24
PICKER_PAGE_SIZE = 12


def _search(request: HttpRequest) -> tuple[MediaSearchForm, str]:
    form = MediaSearchForm(request.GET or None)
    return form, (form.cleaned_data["q"] if form.is_valid() else "")


@require_GET
@workspace_view
def media_library(request: HttpRequest) -> HttpResponse:
    _check(request, "editorial.browse_media", message=_("只有编辑可以使用图片库。"))
    form, q = _search(request)
    page = Paginator(selectors.media_library(q=q), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "editorial/media_library.html", {"form": form, "q": q, "page": page})


@require_http_methods(["GET", "POST"])
@workspace_view
def media_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _check(request, "editorial.browse_media", message=_("只有编辑可以使用图片库。"))
    asset = get_object_or_404(Asset.objects.select_related("created_by"), pk=pk)
    initial = {"alt_text": asset.alt_text, "caption": asset.caption}
    form = AssetTextForm(request.POST or None, initial=initial)
    if request.method == "POST":
        _check(request, "editorial.change_asset", asset, _("只有编辑可以修改图片说明。"))
        if form.is_valid():
            services.asset_update_text(user=request.user, asset_id=asset.pk, **form.cleaned_data)
            messages.success(request, _("图片说明已保存。"))
            return redirect("editorial:media_detail", asset.pk)
    return render(request, "editorial/media_detail.html", {
        "asset": asset, "form": form, "usage": selectors.asset_usage(asset),
    }, status=400 if request.method == "POST" else 200)


@require_GET
@workspace_view
def media_picker(request: HttpRequest) -> JsonResponse:
    """Images for the editor's "from the media library" dialog, as JSON."""
    _check(request, "editorial.browse_media", message=_("只有编辑可以使用图片库。"))
    _form, q = _search(request)
    page = Paginator(selectors.media_library(q=q), PICKER_PAGE_SIZE).get_page(
        request.GET.get("page"))
    return JsonResponse({
        "images": [{"id": a.pk, "url": a.file.url, "name": a.original_name, "alt": a.alt_text,
                    "caption": a.caption, "width": a.width, "height": a.height}
                   for a in page.object_list],
        "page": page.number, "pages": page.paginator.num_pages,
        "next": page.next_page_number() if page.has_next() else None,
    })
