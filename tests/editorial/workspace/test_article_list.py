"""The article list: search, filters, sort, pagination, archive instead of delete, and bulk
actions that are all or nothing, per role."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from editorial.models import Article, ArticleState, IssueStatus, ReviewAssignment
from tests.factories import (
    ArticleFactory,
    EditorFactory,
    IssueFactory,
    MemberFactory,
    ReviewerFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("editorial:article_list")
BULK = reverse("editorial:article_bulk")


@pytest.fixture
def editor(client):
    user = EditorFactory()
    client.force_login(user)
    return user


def _titles(response) -> list[str]:
    return [a.title for a in response.context["page"].object_list]


def _bulk(client, action, articles, **extra):
    return client.post(BULK, {"action": action, "articles": [a.pk for a in articles],
                              "query": "archived=only", **extra}, follow=True)


def test_archived_articles_are_hidden_by_default_and_shown_by_the_filter(client, editor):
    kept = ArticleFactory(issue=None, title="保留的文章")
    gone = ArticleFactory(issue=None, title="归档的文章", state=ArticleState.DRAFT)
    response = _bulk(client, "archive", [gone])
    assert "已归档 1 篇文章。" in response.content.decode()
    gone.refresh_from_db()
    assert gone.archived_at is not None and gone.archived_by == editor
    assert Article.objects.filter(pk=gone.pk).exists()  # archived, never deleted

    assert _titles(client.get(LIST)) == ["保留的文章"]
    gone.created_by = editor
    gone.save()
    assert "归档的文章" not in client.get(reverse("editorial:dashboard")).content.decode()
    only = client.get(LIST, {"archived": "only"})
    assert _titles(only) == ["归档的文章"] and "正在查看已归档的文章" in only.content.decode()
    assert set(_titles(client.get(LIST, {"archived": "all"}))) == {"保留的文章", "归档的文章"}

    _bulk(client, "restore", [gone])
    gone.refresh_from_db()
    assert gone.archived_at is None
    assert set(_titles(client.get(LIST))) == {kept.title, gone.title}


def test_search_filter_sort_and_pagination(client, editor):
    section = SectionFactory(name="国际资讯")
    for n in range(27):
        ArticleFactory(issue=None, section=section, title=f"跨境电商报道 {n:02d}")
    ArticleFactory(issue=None, title="数据出境安全评估", state=ArticleState.DRAFT)
    found = client.get(LIST, {"q": "出境"})
    assert _titles(found) == ["数据出境安全评估"]
    assert _titles(client.get(LIST, {"state": "draft"})) == ["数据出境安全评估"]
    by_title = client.get(LIST, {"sort": "title", "section": section.pk})
    assert _titles(by_title)[:3] == ["跨境电商报道 00", "跨境电商报道 01", "跨境电商报道 02"]
    assert by_title.context["page"].paginator.num_pages == 2
    second = client.get(LIST, {"sort": "title", "section": section.pk, "page": 2})
    assert _titles(second) == ["跨境电商报道 25", "跨境电商报道 26"]
    assert "sort=title" in second.content.decode()  # the pager keeps the filters


def test_the_list_costs_the_same_queries_for_5_or_40_articles(client, editor):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST, {"archived": "all"}).status_code == 200
        return len(queries)

    issue = IssueFactory()
    for _n in range(5):
        ArticleFactory(issue=issue)
    few = count()
    for _n in range(35):
        ArticleFactory(issue=IssueFactory())
    assert count() == few
    assert not any("DISTINCT" in q["sql"] for q in connection.queries[-few:])


def test_add_to_issue_is_all_or_nothing_and_names_the_refused(client, editor):
    issue = IssueFactory(status=IssueStatus.PLANNING)
    a = ArticleFactory(issue=None, section=SectionFactory(publication=issue.publication))
    b = ArticleFactory(issue=None, section=a.section)
    draft = ArticleFactory(issue=None, section=a.section, title="未审稿件", state=ArticleState.DRAFT)
    response = _bulk(client, "add_to_issue", [a, draft, b], issue=issue.pk)
    page = response.content.decode()
    assert "没有做任何改动" in page and "《未审稿件》尚未审定" in page
    assert not issue.articles.exists()

    response = _bulk(client, "add_to_issue", [a, b], issue=issue.pk)
    assert "已把 2 篇文章编入期刊。" in response.content.decode()
    assert set(issue.articles.values_list("pk", flat=True)) == {a.pk, b.pk}


def test_an_article_in_an_issue_or_in_review_is_not_archived(client, editor):
    placed = ArticleFactory(title="已编入")
    waiting = ArticleFactory(issue=None, title="审稿中", state=ArticleState.IN_REVIEW)
    response = _bulk(client, "archive", [placed, waiting])
    page = response.content.decode()
    assert "《已编入》已编入期刊" in page and "《审稿中》正在审稿" in page
    assert not Article.objects.filter(archived_at__isnull=False).exists()


def test_assign_reviewer_sends_drafts_to_review_and_adds_to_those_in_review(
        client, editor, django_capture_on_commit_callbacks):
    reviewer = ReviewerFactory(email="shen@example.org")
    draft = ArticleFactory(issue=None, state=ArticleState.DRAFT, created_by=editor)
    waiting = ArticleFactory(issue=None, state=ArticleState.IN_REVIEW, created_by=editor)
    due = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        response = _bulk(client, "assign_reviewer", [draft, waiting], reviewer=reviewer.pk,
                         due_date=due)
    assert "已为 2 篇文章指派审稿人。" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == ArticleState.IN_REVIEW
    for article in (draft, waiting):
        assert ReviewAssignment.objects.filter(article=article, reviewer=reviewer,
                                               decision="pending").exists()
    assert sorted(m.to[0] for m in mail.outbox) == ["shen@example.org", "shen@example.org"]


def test_assign_reviewer_needs_a_reviewer_and_a_date(client, editor):
    draft = ArticleFactory(issue=None, state=ArticleState.DRAFT)
    response = _bulk(client, "assign_reviewer", [draft])
    assert "需要选择审稿人和截止日期" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == ArticleState.DRAFT


@pytest.mark.parametrize("role", ["anonymous", "member", "reviewer"])
def test_bulk_actions_are_refused_to_everyone_but_editors(client, role):
    article = ArticleFactory(issue=None, state=ArticleState.DRAFT)
    users = {"member": MemberFactory, "reviewer": ReviewerFactory}
    if role != "anonymous":
        client.force_login(users[role]())
    for action in ("archive", "restore", "add_to_issue", "assign_reviewer"):
        response = client.post(BULK, {"action": action, "articles": [article.pk],
                                      "issue": IssueFactory().pk})
        if role == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == 403, action
    article.refresh_from_db()
    assert article.archived_at is None and article.issue_id is None


def test_reviewers_see_no_bulk_bar(client):
    reviewer = ReviewerFactory()
    article = ArticleFactory(issue=None, state=ArticleState.IN_REVIEW)
    ReviewAssignment.objects.create(article=article, reviewer=reviewer,
                                    due_date=timezone.localdate())
    client.force_login(reviewer)
    page = client.get(LIST).content.decode()
    assert article.title in page and 'id="bulk"' not in page


def test_the_redirect_keeps_only_the_lists_own_filters(client, editor):
    article = ArticleFactory(issue=None, state=ArticleState.DRAFT)
    response = client.post(BULK, {"action": "archive", "articles": [article.pk],
                                  "query": "archived=only&next=https://evil.example/&q=x"})
    assert response["Location"] == f"{LIST}?archived=only&q=x"
