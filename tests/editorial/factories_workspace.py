"""Articles made the way the workspace makes them: through the services, with revisions."""

from __future__ import annotations

import datetime

from django.utils import timezone

from editorial import services
from editorial.models import Article, ArticleState
from tests.factories import SectionFactory


def draft_article(*, by, title: str = "数字贸易发展新优势", body: str | None = None,
                  section=None, **content) -> Article:
    """A draft created the way the workspace creates one: through the service."""
    section = section or SectionFactory()
    return services.article_create(user=by, content=services.ArticleContent(
        title=title, section=section,
        body=body if body is not None else "<h2>数字技术激发新动能</h2><p>当前，数字技术快速发展。</p>",
        **content,
    ))


def in_review_article(*, by, reviewers, due: datetime.date | None = None, **kw) -> Article:
    article = draft_article(by=by, **kw)
    services.article_submit(user=by, article_id=article.pk, reviewers=reviewers,
                            due_date=due or timezone.localdate() + datetime.timedelta(days=7))
    article.refresh_from_db()
    assert article.state == ArticleState.IN_REVIEW
    return article


