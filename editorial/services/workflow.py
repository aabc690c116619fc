"""The article workflow, declared once: every state change of an article goes through
``_move`` and is checked against ``WORKFLOW``; views never assign ``Article.state``.

Submitting, withdrawing and reopening are here; reviewers' decisions are in ``reviews``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from editorial.models import (
    Article,
    ArticleState,
    ReviewAssignment,
    Revision,
    Transition,
)
from editorial.permissions import (
    WITHDRAWABLE_STATES,
    is_own_article,
    user_can_be_reviewer,
    user_can_reopen_article,
    user_can_submit_article,
    user_can_withdraw_article,
)
from editorial.services.issues import issue_touch

WORKFLOW: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({ArticleState.DRAFT}), ArticleState.IN_REVIEW),
    "approve": (frozenset({ArticleState.IN_REVIEW}), ArticleState.APPROVED),
    "request_changes": (frozenset({ArticleState.IN_REVIEW}), ArticleState.CHANGES_REQUESTED),
    "revise": (frozenset({ArticleState.CHANGES_REQUESTED}), ArticleState.DRAFT),
    "edit_approved": (frozenset({ArticleState.APPROVED}), ArticleState.DRAFT),
    "withdraw": (frozenset(WITHDRAWABLE_STATES), ArticleState.WITHDRAWN),
    "reopen": (frozenset({ArticleState.WITHDRAWN}), ArticleState.DRAFT),
}


class WorkflowRefused(PermissionDenied):
    """The user may not make this change to this article now; the message says why."""


def _locked(article_id: int) -> Article:
    return Article.objects.select_for_update().get(pk=article_id)


def _refuse(message: str) -> None:
    raise WorkflowRefused(message)


def _move(*, article: Article, action: str, user, comment: str = "",
          revision: Revision | None = None) -> Transition:
    allowed_from, to_state = WORKFLOW[action]
    if article.state not in allowed_from:
        _refuse(_("文章当前状态为“%(state)s”，不能执行此操作。")
                % {"state": article.get_state_display()})
    transition = Transition.objects.create(
        article=article, from_state=article.state, to_state=to_state, by=user,
        comment=comment, revision=revision,
    )
    article.state = to_state
    Article.objects.filter(pk=article.pk).update(state=to_state)
    issue_touch(issue_id=article.issue_id)  # what its issue prints may have changed
    transaction.on_commit(lambda: _after_transition(transition.pk))
    return transition


def _after_transition(transition_id: int) -> None:
    from editorial import notifications, signals

    transition = Transition.objects.select_related("article", "by").get(pk=transition_id)
    signals.article_transitioned.send(sender=Article, transition=transition)
    notifications.notify_transition(transition)


@transaction.atomic
def article_submit(*, user, article_id: int, reviewers: Iterable, due_date: date,
                   comment: str = "") -> Article:
    """Send a draft to one or more named reviewers, each with the due date."""
    article = _locked(article_id)
    if not user_can_submit_article(user, article):
        _refuse(_("你不能提交这篇文章审稿（状态：%(state)s）。")
                % {"state": article.get_state_display()})
    reviewers = list(reviewers)
    if not reviewers:
        _refuse(_("请至少指定一位审稿人。"))
    for reviewer in reviewers:
        if not user_can_be_reviewer(reviewer):
            _refuse(_("%(name)s 不是审稿人。") % {"name": reviewer.get_username()})
        if reviewer.pk == user.pk or is_own_article(reviewer, article):
            _refuse(_("%(name)s 是本文作者，不能审自己的文章。")
                    % {"name": reviewer.get_username()})
    if due_date < timezone.localdate():
        _refuse(_("截止日期不能早于今天。"))
    ReviewAssignment.objects.filter(
        article=article, decision=ReviewAssignment.Decision.PENDING
    ).update(decision=ReviewAssignment.Decision.CANCELLED, decided_at=timezone.now())
    for reviewer in reviewers:
        ReviewAssignment.objects.create(
            article=article, reviewer=reviewer, due_date=due_date, assigned_by=user
        )
    revision = article.revisions.filter(number=article.version).first()
    _move(article=article, action="submit", user=user, comment=comment.strip(),
          revision=revision)
    return article


@transaction.atomic
def article_withdraw(*, user, article_id: int, comment: str = "") -> Article:
    """Take an article out of the workflow; pending reviews are cancelled."""
    article = _locked(article_id)
    if not user_can_withdraw_article(user, article):
        _refuse(_("你不能撤回这篇文章。"))
    ReviewAssignment.objects.filter(
        article=article, decision=ReviewAssignment.Decision.PENDING
    ).update(decision=ReviewAssignment.Decision.CANCELLED, decided_at=timezone.now())
    _move(article=article, action="withdraw", user=user, comment=comment.strip())
    return article


@transaction.atomic
def article_reopen(*, user, article_id: int) -> Article:
    """A withdrawn article becomes a draft again."""
    article = _locked(article_id)
    if not user_can_reopen_article(user, article):
        _refuse(_("你不能重新启用这篇文章。"))
    _move(article=article, action="reopen", user=user)
    return article
