"""Editorial's models: ``content`` (publications, sections, issues, articles, images) and
``workspace`` (revisions, transitions, reviews, comments, autosaves, presence) and
``notifications`` (the bell's in-app copies of e-mails).

Importing this package registers every model with the ``editorial`` app (app label and table
names are those of the former single module); ``from editorial.models import Article`` works
as before.
"""

from editorial.models.content import (
    Article,
    ArticleContributor,
    ArticleState,
    Asset,
    Contributor,
    Issue,
    IssueStatus,
    PageSize,
    Publication,
    Section,
    SectionLayout,
    issn_validator,
)
from editorial.models.notifications import Notification, NotificationKind
from editorial.models.workspace import (
    AutosavedDraft,
    Comment,
    EditingPresence,
    ReviewAssignment,
    Revision,
    Transition,
)

__all__ = [
    "Article", "ArticleContributor", "ArticleState", "Asset", "AutosavedDraft", "Comment",
    "Contributor", "EditingPresence", "Issue", "IssueStatus", "Notification", "NotificationKind",
    "PageSize", "Publication",
    "ReviewAssignment", "Revision", "Section", "SectionLayout", "Transition", "issn_validator",
]
