"""Who may do what in the editorial workspace, as ``rules`` predicates.

Roles are the groups created by migration 0003: 编辑 (Editor, the secretariat), 审稿人
(Reviewer), 会员 (Member). Superusers administer users and may do what editors do. Members
have accounts but see nothing of the workspace: drafts never leave it.
"""

from __future__ import annotations

import rules

from editorial.models import Article, ArticleState, Comment, ReviewAssignment

EDITOR_GROUP = "编辑"
REVIEWER_GROUP = "审稿人"
MEMBER_GROUP = "会员"

EDITABLE_STATES = {ArticleState.DRAFT, ArticleState.CHANGES_REQUESTED, ArticleState.APPROVED}
WITHDRAWABLE_STATES = {
    ArticleState.DRAFT, ArticleState.IN_REVIEW, ArticleState.CHANGES_REQUESTED,
    ArticleState.APPROVED,
}

is_editor = rules.is_superuser | rules.is_group_member(EDITOR_GROUP)
is_reviewer = rules.is_group_member(REVIEWER_GROUP)


@rules.predicate
def is_assigned_reviewer(user, article: Article) -> bool:
    """Asked to review this article at some point (past decisions stay readable)."""
    return ReviewAssignment.objects.filter(article=article, reviewer=user).exists()


@rules.predicate
def has_pending_review(user, article: Article) -> bool:
    return ReviewAssignment.objects.filter(
        article=article, reviewer=user, decision=ReviewAssignment.Decision.PENDING
    ).exists()


@rules.predicate
def is_own_article(user, article: Article) -> bool:
    """Created it or wrote any revision of it: one cannot judge one's own words."""
    if user.pk is None:
        return False
    return article.created_by_id == user.pk or article.revisions.filter(created_by=user).exists()


@rules.predicate
def in_review(user, article: Article) -> bool:
    return article.state == ArticleState.IN_REVIEW


@rules.predicate
def is_editable_state(user, article: Article) -> bool:
    return article.state in EDITABLE_STATES


@rules.predicate
def is_submittable_state(user, article: Article) -> bool:
    return article.state == ArticleState.DRAFT


@rules.predicate
def is_withdrawable_state(user, article: Article) -> bool:
    return article.state in WITHDRAWABLE_STATES


@rules.predicate
def is_withdrawn(user, article: Article) -> bool:
    return article.state == ArticleState.WITHDRAWN


@rules.predicate
def is_comment_author(user, comment: Comment) -> bool:
    return comment.author_id == user.pk


@rules.predicate
def can_see_comment_article(user, comment: Comment) -> bool:
    return user_can_view_article(user, comment.article)


can_use_workspace = rules.is_authenticated & (is_editor | is_reviewer)
can_view_article = rules.is_authenticated & (is_editor | (is_reviewer & is_assigned_reviewer))
can_decide = (
    rules.is_authenticated & is_reviewer & has_pending_review & in_review & ~is_own_article
)

rules.add_rule("editorial.use_workspace", can_use_workspace)
rules.add_rule("editorial.view_article", can_view_article)
rules.add_rule("editorial.create_article", rules.is_authenticated & is_editor)
rules.add_rule("editorial.edit_article", rules.is_authenticated & is_editor & is_editable_state)
rules.add_rule("editorial.submit_article", rules.is_authenticated & is_editor & is_submittable_state)
rules.add_rule("editorial.decide_article", can_decide)
rules.add_rule(
    "editorial.withdraw_article", rules.is_authenticated & is_editor & is_withdrawable_state
)
rules.add_rule("editorial.reopen_article", rules.is_authenticated & is_editor & is_withdrawn)
rules.add_rule("editorial.comment_article", can_view_article)
rules.add_rule(
    "editorial.resolve_comment",
    rules.is_authenticated & can_see_comment_article & (is_editor | is_comment_author),
)
rules.add_rule("editorial.upload_image", rules.is_authenticated & is_editor)
rules.add_rule("editorial.change_publication", rules.is_authenticated & is_editor)
# Also as Django permissions, so templates can ask {% if perms.editorial.create_article %}.
rules.add_perm("editorial.create_article", rules.is_authenticated & is_editor)


def user_can_use_workspace(user) -> bool:
    """Editors, reviewers and superusers work here; members and anonymous visitors do not."""
    return rules.test_rule("editorial.use_workspace", user)


def user_can_view_article(user, article: Article) -> bool:
    """Editors see every article; a reviewer only those they were asked to review."""
    return rules.test_rule("editorial.view_article", user, article)


def user_can_create_article(user) -> bool:
    return rules.test_rule("editorial.create_article", user)


def user_can_edit_article(user, article: Article) -> bool:
    """Editors edit drafts, articles sent back, and approved ones (which then need re-approval);
    an article under review is frozen so reviewers judge what they were sent."""
    return rules.test_rule("editorial.edit_article", user, article)


def user_can_submit_article(user, article: Article) -> bool:
    return rules.test_rule("editorial.submit_article", user, article)


def user_can_approve_article(user, article: Article) -> bool:
    """Only a reviewer with a pending assignment, never on an article they wrote."""
    return rules.test_rule("editorial.decide_article", user, article)


def user_can_request_changes(user, article: Article) -> bool:
    return rules.test_rule("editorial.decide_article", user, article)


def user_can_withdraw_article(user, article: Article) -> bool:
    return rules.test_rule("editorial.withdraw_article", user, article)


def user_can_reopen_article(user, article: Article) -> bool:
    return rules.test_rule("editorial.reopen_article", user, article)


def user_can_comment_article(user, article: Article) -> bool:
    return rules.test_rule("editorial.comment_article", user, article)


def user_can_resolve_comment(user, comment: Comment) -> bool:
    return rules.test_rule("editorial.resolve_comment", user, comment)


def user_can_change_publication(user) -> bool:
    return rules.test_rule("editorial.change_publication", user)


def user_can_upload_image(user) -> bool:
    return rules.test_rule("editorial.upload_image", user)


def user_can_be_reviewer(user) -> bool:
    return user.is_active and user.groups.filter(name=REVIEWER_GROUP).exists()
