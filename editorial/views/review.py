"""An article's page and its workflow: submit, approve, request changes, withdraw, reopen,
comments.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from editorial import selectors, services, workflow
from editorial.forms import CommentForm, DecisionForm, SubmitForm
from editorial.models import Article, Comment
from editorial.views.access import _article, _check, workspace_view


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
