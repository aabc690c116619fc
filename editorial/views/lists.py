"""The dashboard, the article list and its bulk actions."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from editorial import selectors, services
from editorial.forms import ArticleFilterForm, BulkActionForm
from editorial.views.access import _check, workspace_view


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
