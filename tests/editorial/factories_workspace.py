"""Factories for the editorial workspace tests: users in each role, articles with revisions."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Group
from django.utils import timezone

from editorial import services
from editorial.models import Article, ArticleState
from editorial.permissions import EDITOR_GROUP, MEMBER_GROUP, REVIEWER_GROUP
from tests.factories import SectionFactory, UserFactory

PASSWORD = "correct-horse-battery"


def user_in(group: str | None, username: str, **extra):
    user = UserFactory(username=username, **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def editor(username: str = "editor", **extra):
    return user_in(EDITOR_GROUP, username, first_name=extra.pop("first_name", "编辑甲"), **extra)


def reviewer(username: str = "reviewer", **extra):
    return user_in(REVIEWER_GROUP, username, first_name=extra.pop("first_name", "审稿乙"), **extra)


def member(username: str = "member", **extra):
    return user_in(MEMBER_GROUP, username, **extra)


def superuser(username: str = "admin"):
    return UserFactory(username=username, is_superuser=True, is_staff=True)


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


