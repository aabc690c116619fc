"""The article workflow's steps: every state change of an article goes through ``_move`` and
is checked against the table in ``editorial.workflow``; views never assign ``Article.state``.

Submitting, withdrawing and reopening are here; reviewers' decisions are in ``reviews``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import rules
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from editorial.models import (
    Article,
    ReviewAssignment,
    Revision,
    Transition,
)
from editorial.permissions import PermissionRefused, is_own_article, require
from editorial.services.issues import issue_touch
from editorial.workflow import WORKFLOW, allows

# The name services and tests used before there was one refusal type for everything.
WorkflowRefused = PermissionRefused


def _locked(article_id: int) -> Article:
    return Article.objects.select_for_update().get(pk=article_id)


def _refuse(message: str) -> None:
    raise PermissionRefused(message)


def _require_now(user, perm: str, article: Article, action: str, message: str) -> None:
    """Who (the permission) and when (the workflow table) in one check, one message."""
    require(user, perm, article, message)
    if not allows(article, action):
        _refuse(message)


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
    _require_now(user, "editorial.submit_article", article, "submit",
                 _("你不能提交这篇文章审稿（状态：%(state)s）。")
                 % {"state": article.get_state_display()})
    reviewers = list(reviewers)
    if not reviewers:
        _refuse(_("请至少指定一位审稿人。"))
    for reviewer in reviewers:
        if not rules.has_perm("editorial.be_reviewer", reviewer):
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
    _require_now(user, "editorial.withdraw_article", article, "withdraw", _("你不能撤回这篇文章。"))
    ReviewAssignment.objects.filter(
        article=article, decision=ReviewAssignment.Decision.PENDING
    ).update(decision=ReviewAssignment.Decision.CANCELLED, decided_at=timezone.now())
    _move(article=article, action="withdraw", user=user, comment=comment.strip())
    return article


@transaction.atomic
def article_reopen(*, user, article_id: int) -> Article:
    """A withdrawn article becomes a draft again."""
    article = _locked(article_id)
    _require_now(user, "editorial.reopen_article", article, "reopen", _("你不能重新启用这篇文章。"))
    _move(article=article, action="reopen", user=user)
    return article
