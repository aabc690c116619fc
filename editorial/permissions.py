"""Who may do what, as django-rules predicates registered as Django permissions.

Roles are the groups created by migration 0003: 编辑 (Editor, the secretariat), 审稿人
(Reviewer), 会员 (Member). Superusers administer users and may do what editors do. Members
have accounts but see nothing of the workspace: drafts never leave it.

One mechanism, used alike everywhere:
- views ask ``request.user.has_perm("editorial.edit_article", article)``;
- templates ``{% has_perm "editorial.edit_article" user article as may_edit %}`` or
  ``perms.editorial.create_article``;
- services are the enforcement point: ``require(user, perm, obj, message)`` raises
  ``PermissionRefused``, the one exception type of a refusal (workflow refusals included),
  which Django's 403 handler turns into the 403 page (``templates/403.html``) with its message.

A permission says *who* may act on an object; *when* (in which states) comes from the workflow
table (``editorial.workflow.allows``), and both are checked. ``require`` evaluates the rule
itself: Django's ``User.has_perm`` grants an active superuser every permission, but a
superuser who is not an assigned reviewer still may not approve, and nobody judges their own
article, whatever the UI offered.
"""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from editorial.models import Article, Comment, ReviewAssignment

EDITOR_GROUP = "编辑"
REVIEWER_GROUP = "审稿人"
MEMBER_GROUP = "会员"


class PermissionRefused(PermissionDenied):
    """This user may not do this (now); the message says why. The one refusal type of both
    apps' services; the 403 page shows the message."""


def require(user, perm: str, obj=None, message: str = "") -> None:
    """Raise ``PermissionRefused`` unless the rule registered as ``perm`` holds."""
    if user is None or not rules.has_perm(perm, user, obj):
        raise PermissionRefused(message or _("你没有执行此操作的权限。"))


# --------------------------------------------------------------------------- predicates

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
def is_comment_author(user, comment: Comment) -> bool:
    return comment.author_id == user.pk


can_use_workspace = rules.is_authenticated & (is_editor | is_reviewer)
can_view_article = rules.is_authenticated & (is_editor | (is_reviewer & is_assigned_reviewer))
is_signed_in_editor = rules.is_authenticated & is_editor


@rules.predicate
def can_see_comment_article(user, comment: Comment) -> bool:
    return can_view_article(user, comment.article)


# --------------------------------------------------------------------------- permissions

rules.add_perm("editorial.use_workspace", can_use_workspace)
rules.add_perm("editorial.view_article", can_view_article)
rules.add_perm("editorial.create_article", is_signed_in_editor)  # new, or imported from Word
rules.add_perm("editorial.edit_article", is_signed_in_editor)  # when: workflow "edit"
rules.add_perm("editorial.submit_article", is_signed_in_editor)  # when: workflow "submit"
rules.add_perm(  # approve or request changes; when: workflow "approve"
    "editorial.decide_article",
    rules.is_authenticated & is_reviewer & has_pending_review & ~is_own_article,
)
rules.add_perm("editorial.withdraw_article", is_signed_in_editor)  # when: workflow "withdraw"
rules.add_perm("editorial.reopen_article", is_signed_in_editor)  # when: workflow "reopen"
rules.add_perm("editorial.comment_article", can_view_article)
rules.add_perm(
    "editorial.resolve_comment",
    rules.is_authenticated & can_see_comment_article & (is_editor | is_comment_author),
)
rules.add_perm("editorial.upload_image", is_signed_in_editor)
# The media library: browse, search and reuse stored images, edit their alt text and captions.
rules.add_perm("editorial.browse_media", is_signed_in_editor)
rules.add_perm("editorial.change_asset", is_signed_in_editor)
# Whether a user may be named as a reviewer at all (an active member of the reviewers' group).
rules.add_perm("editorial.be_reviewer", rules.is_active & is_reviewer)
rules.add_perm("editorial.change_publication", is_signed_in_editor)  # 刊物设置
# An issue's contents, order and front matter (the planning board).
rules.add_perm("editorial.assemble_issue", is_signed_in_editor)

# The permission behind each workflow action (and "edit"): who may take it. When it may be
# taken is the workflow table's answer (``editorial.workflow``); pages offer an action only
# when both agree (``selectors.next_actions``).
ACTION_PERMISSIONS: dict[str, str] = {
    "edit": "editorial.edit_article",
    "revise": "editorial.edit_article",
    "edit_approved": "editorial.edit_article",
    "submit": "editorial.submit_article",
    "approve": "editorial.decide_article",
    "request_changes": "editorial.decide_article",
    "withdraw": "editorial.withdraw_article",
    "reopen": "editorial.reopen_article",
}
rules.add_perm("editorial.archive_article", is_signed_in_editor)  # archive and restore
rules.add_perm("editorial.assign_reviewer", is_signed_in_editor)
