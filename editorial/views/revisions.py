"""An article's revisions: list, one revision, compare, restore."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from editorial import selectors, services, workflow
from editorial.diffing import versions_diff
from editorial.forms import SNAPSHOT_LABELS, posted_integer, snapshot_for_display, snapshot_from_revision
from editorial.views.access import _article, workspace_view


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
