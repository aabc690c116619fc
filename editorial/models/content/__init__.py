"""The content of a periodical: publications, their sections and issues, articles and images.

Workflow state lives on the models but is only ever assigned by ``editorial.services``.

Split by what is stored: ``publications`` (publications, sections), ``assets`` (images),
``issues``, ``articles`` (articles, contributors, credits); every name stays importable from
``editorial.models.content`` and ``editorial.models``.
"""

from __future__ import annotations

from editorial.models.content.articles import (
    Article,
    ArticleContributor,
    ArticleState,
    Contributor,
    group_bylines,
)
from editorial.models.content.assets import Asset
from editorial.models.content.issues import Issue, IssueStatus
from editorial.models.content.publications import (
    PageSize,
    Publication,
    Section,
    SectionLayout,
    issn_validator,
)

__all__ = [
    "Article", "ArticleContributor", "ArticleState", "Asset", "Contributor", "Issue", "IssueStatus",
    "PageSize", "Publication", "Section", "SectionLayout", "group_bylines", "issn_validator",
]
