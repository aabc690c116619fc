"""Article previews: publishing views the editorial workspace links to by URL name.

The HTML preview needs no WeasyPrint; the PDF preview imports it when it renders.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from editorial.models import Article
from editorial.permissions import PermissionRefused

# A preview is our own HTML with an inline stylesheet: no scripts, no foreign anything.
PREVIEW_CSP = ("default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; "
               "form-action 'none'; frame-ancestors 'self'")


def _previewable(request: HttpRequest, pk: int) -> Article:
    """Only those who may see the draft in the workspace may preview it."""
    article = get_object_or_404(
        Article.objects.select_related("section__publication", "issue__publication", "lead_image"),
        pk=pk,
    )
    if not request.user.has_perm("editorial.view_article", article):
        raise PermissionRefused
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


def _render_failure(article: Article, error: Exception) -> str:
    from publishing import rendering

    title = article.title[:80]
    if isinstance(error, rendering.RenderOutOfMemory):
        return _("《%(title)s》的 PDF 预览超出了排版进程的内存上限，已被停止。请检查文章中是否有"
                 "跨越极多行列的表格或层层嵌套的引用。") % {"title": title}
    if isinstance(error, rendering.RenderTimeout):
        return _("《%(title)s》的 PDF 预览超出了排版时限，已被停止。请检查文章中是否有超大的表格"
                 "或层层嵌套的内容。") % {"title": title}
    return _("《%(title)s》的 PDF 预览无法生成：%(reason)s") % {
        "title": title, "reason": str(error)[:300]}


def article_preview_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    from publishing import rendering

    article = _previewable(request, pk)
    try:
        pdf = rendering.article_preview_pdf(article)
    except rendering.MissingGlyphsError as exc:
        return render(request, "publishing/preview_error.html",
                      {"article": article, "error": str(exc), "glyphs": True}, status=422)
    except rendering.RenderError as exc:  # time limit, memory cap, a crashed renderer
        return render(request, "publishing/preview_error.html",
                      {"article": article, "error": _render_failure(article, exc)}, status=422)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    return response
