"""Actions on many articles at once, from the article list: assign a reviewer, add to an issue,
archive, restore. Each is all or nothing: every article is tried, and if any is refused
nothing changes and ``BulkRefused`` names each refused article and why."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

import rules
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from editorial.models import Article, ArticleState, Issue, ReviewAssignment
from editorial.permissions import PermissionRefused, is_own_article, require
from editorial.services.issues import AssemblyError, issue_add_article
from editorial.services.workflow import article_submit

MAX_BULK = 200


class BulkRefused(PermissionRefused):
    """Some articles could not take the action; ``problems`` says which and why."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(_("没有做任何改动：") + "；".join(problems))


def _each(article_ids: Iterable[int], act: Callable[[Article], None]) -> int:
    ids = list(dict.fromkeys(article_ids))
    if not ids:
        raise BulkRefused([_("请先勾选文章。")])
    if len(ids) > MAX_BULK:
        raise BulkRefused([_("一次最多处理 %(n)s 篇文章。") % {"n": MAX_BULK}])
    articles = list(Article.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    problems = [_("编号 %(id)s 的文章不存在。") % {"id": pk}
                for pk in sorted(set(ids) - {a.pk for a in articles})]
    for article in articles:
        try:
            with transaction.atomic():
                act(article)
        except (PermissionRefused, AssemblyError) as exc:
            problems.append(f"《{article.title}》{exc}")
    if problems:
        raise BulkRefused(problems)
    return len(articles)


@transaction.atomic
def articles_archive(*, user, article_ids: Iterable[int]) -> int:
    """Archive instead of delete: out of the way, nothing lost. An article placed in an issue
    or waiting for review is refused (remove it from the issue or withdraw it first)."""
    require(user, "editorial.archive_article", message=_("只有编辑可以归档文章。"))
    now = timezone.now()

    def archive(article: Article) -> None:
        if article.archived_at is not None:
            raise AssemblyError(_("已归档。"))
        if article.issue_id is not None:
            raise AssemblyError(_("已编入期刊，请先在期刊排版中移出。"))
        if article.state == ArticleState.IN_REVIEW:
            raise AssemblyError(_("正在审稿，请先撤回。"))
        Article.objects.filter(pk=article.pk).update(archived_at=now, archived_by=user)

    return _each(article_ids, archive)


@transaction.atomic
def articles_restore(*, user, article_ids: Iterable[int]) -> int:
    require(user, "editorial.archive_article", message=_("只有编辑可以恢复文章。"))

    def restore(article: Article) -> None:
        if article.archived_at is None:
            raise AssemblyError(_("未归档。"))
        Article.objects.filter(pk=article.pk).update(archived_at=None, archived_by=None)

    return _each(article_ids, restore)


@transaction.atomic
def articles_add_to_issue(*, user, article_ids: Iterable[int], issue: Issue) -> int:
    """Each at the end of its section in ``issue``, through ``issue_add_article``."""
    require(user, "editorial.assemble_issue", message=_("只有编辑可以编排期刊。"))

    def add(article: Article) -> None:
        if article.archived_at is not None:
            raise AssemblyError(_("已归档，请先恢复。"))
        if article.state != ArticleState.APPROVED:
            raise AssemblyError(_("尚未审定（%(state)s），只有已审定的文章可以编入期刊。")
                                % {"state": article.get_state_display()})
        if article.issue_id is not None:
            raise AssemblyError(_("已在 %(issue)s 中。") % {"issue": article.issue})
        if article.section.publication_id != issue.publication_id:
            raise AssemblyError(_("所属栏目不属于该期刊的刊物。"))
        issue_add_article(user=user, issue=issue, article=article)

    return _each(article_ids, add)


@transaction.atomic
def articles_assign_reviewer(*, user, article_ids: Iterable[int], reviewer,
                             due_date: date) -> int:
    """A draft is sent to review with this reviewer (as "submit" does, with its mail); an
    article already in review gets the reviewer added, who is told by mail. Others refuse."""
    require(user, "editorial.assign_reviewer", message=_("只有编辑可以指派审稿人。"))
    if not rules.has_perm("editorial.be_reviewer", reviewer):
        raise BulkRefused([_("%(name)s 不是审稿人。") % {"name": reviewer.get_username()}])
    if due_date < timezone.localdate():
        raise BulkRefused([_("截止日期不能早于今天。")])

    def assign(article: Article) -> None:
        if article.archived_at is not None:
            raise AssemblyError(_("已归档，请先恢复。"))
        if article.state == ArticleState.DRAFT:
            article_submit(user=user, article_id=article.pk, reviewers=[reviewer],
                           due_date=due_date)
        elif article.state == ArticleState.IN_REVIEW:
            _add_reviewer(user=user, article=article, reviewer=reviewer, due_date=due_date)
        else:
            raise AssemblyError(_("状态为“%(state)s”，只有草稿和审稿中的文章可以指派审稿人。")
                                % {"state": article.get_state_display()})

    return _each(article_ids, assign)


def _add_reviewer(*, user, article: Article, reviewer, due_date: date) -> None:
    from editorial.notifications import notify_assignment

    if article.assignments.filter(reviewer=reviewer,
                                  decision=ReviewAssignment.Decision.PENDING).exists():
        raise AssemblyError(_("%(name)s 已在审这篇文章。") % {"name": reviewer.get_username()})
    if reviewer.pk == user.pk or is_own_article(reviewer, article):
        raise AssemblyError(_("%(name)s 是本文作者，不能审自己的文章。")
                            % {"name": reviewer.get_username()})
    assignment = ReviewAssignment.objects.create(article=article, reviewer=reviewer,
                                                 due_date=due_date, assigned_by=user)
    transaction.on_commit(lambda: notify_assignment(assignment))
