"""The article workflow table, written once: which action takes an article from which states to
which. Services move articles only along it (``services.workflow._move``); the permission rules
(``editorial.permissions``), the views and the templates ask it whether an action is possible
in the article's state now (``allows``), so no list of states is written anywhere else.
"""

from __future__ import annotations

from editorial.models import Article, ArticleState

# action → (the states it starts from, the state it leads to)
WORKFLOW: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({ArticleState.DRAFT}), ArticleState.IN_REVIEW),
    "approve": (frozenset({ArticleState.IN_REVIEW}), ArticleState.APPROVED),
    "request_changes": (frozenset({ArticleState.IN_REVIEW}), ArticleState.CHANGES_REQUESTED),
    "revise": (frozenset({ArticleState.CHANGES_REQUESTED}), ArticleState.DRAFT),
    "edit_approved": (frozenset({ArticleState.APPROVED}), ArticleState.DRAFT),
    "withdraw": (
        frozenset({ArticleState.DRAFT, ArticleState.IN_REVIEW, ArticleState.CHANGES_REQUESTED,
                   ArticleState.APPROVED}),
        ArticleState.WITHDRAWN,
    ),
    "reopen": (frozenset({ArticleState.WITHDRAWN}), ArticleState.DRAFT),
}

# Editing keeps a draft a draft, and takes an article sent back ("revise") or an approved one
# ("edit_approved", it then needs re-approval) back to draft. An article under review is
# frozen, so reviewers judge what they were sent.
EDITABLE_STATES: frozenset[str] = (
    frozenset({ArticleState.DRAFT}) | WORKFLOW["revise"][0] | WORKFLOW["edit_approved"][0]
)


def states_allowing(action: str) -> frozenset[str]:
    """The states in which ``action`` (a WORKFLOW action, or "edit") is possible."""
    if action == "edit":
        return EDITABLE_STATES
    return WORKFLOW[action][0]


def allows(article: Article, action: str) -> bool:
    """Whether the article's state permits ``action`` now (who may do it is a permission)."""
    return article.state in states_allowing(action)


def allowed_actions(article: Article) -> frozenset[str]:
    """Every action the article's state permits now, for pages that offer them."""
    return frozenset(a for a in (*WORKFLOW, "edit") if allows(article, a))
