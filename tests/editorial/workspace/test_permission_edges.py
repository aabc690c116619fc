"""Roles and self-approval with rows of their own: apart from test_permissions.py, whose tests
share one set of rows (a user named "author" among them)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from editorial.models import Article, ArticleState, ReviewAssignment
from editorial.permissions import EDITOR_GROUP, MEMBER_GROUP, REVIEWER_GROUP
from tests.editorial import factories_workspace as wf
from tests.factories import AdminFactory, EditorFactory, ReviewerFactory


def test_roles_exist_as_groups_after_migrations(db):
    names = set(Group.objects.values_list("name", flat=True))
    assert {EDITOR_GROUP, REVIEWER_GROUP, MEMBER_GROUP} <= names


def test_roles_come_back_after_a_flush_empties_the_tables(db):
    """A transactional test's teardown flushes every table, then emits post_migrate: the
    next test in that process still finds the roles the data migration made."""
    from django.core.management.sql import emit_post_migrate_signal

    Group.objects.all().delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert set(Group.objects.values_list("name", flat=True)) == {
        EDITOR_GROUP, REVIEWER_GROUP, MEMBER_GROUP}


def test_reviewer_assigned_but_author_of_a_revision_cannot_approve(db, client_for):
    author = EditorFactory(username="author")
    both = ReviewerFactory(username="both")
    both.groups.add(Group.objects.get(name=EDITOR_GROUP))
    article = wf.draft_article(by=author)
    from editorial import services
    services.article_update(user=both, article_id=article.pk, base_version=article.version,
                            content=services.ArticleContent(title="改过", section=article.section))
    # the submit form refuses to name an author as reviewer…
    from datetime import date
    with pytest.raises(services.WorkflowRefused):
        services.article_submit(user=author, article_id=article.pk, reviewers=[both],
                                due_date=date(2099, 1, 1))
    # …and a forged approval is refused even if an assignment row were forged too
    Article.objects.filter(pk=article.pk).update(state=ArticleState.IN_REVIEW)
    ReviewAssignment.objects.create(article=article, reviewer=both, due_date=date(2099, 1, 1))
    response = client_for(both).post(reverse("editorial:article_approve", args=[article.pk]))
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.state == ArticleState.IN_REVIEW
    assert article.approved_revision is None


def test_a_superuser_reviewer_still_cannot_approve_their_own_article(db):
    from datetime import date

    from editorial import services
    from editorial.permissions import PermissionRefused

    boss = AdminFactory(username="boss")
    boss.groups.add(Group.objects.get(name=REVIEWER_GROUP))
    article = wf.draft_article(by=boss)
    Article.objects.filter(pk=article.pk).update(state=ArticleState.IN_REVIEW)
    ReviewAssignment.objects.create(article=article, reviewer=boss, due_date=date(2099, 1, 1))
    assert boss.has_perm("editorial.decide_article", article)  # Django: superusers hold all
    with pytest.raises(PermissionRefused):
        services.article_approve(user=boss, article_id=article.pk)
    article.refresh_from_db()
    assert article.state == ArticleState.IN_REVIEW
