"""The dashboard: my tasks with their due dates, what is overdue, the next issue's copy
deadline and release, and recent activity, in a number of queries that does not grow with
the archive."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from editorial import services
from editorial.models import ReviewAssignment
from publishing.models import Release
from tests.editorial import factories_workspace as wf
from tests.factories import IssueFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


def _page(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("editorial:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_reviewer_sees_the_reviews_waiting_with_due_dates_and_overdue_on_top(
    client, editor_user, reviewer_user
):
    today = timezone.localdate()
    soon = wf.in_review_article(by=editor_user, reviewers=[reviewer_user], title="下周到期的稿件",
                                due=today + datetime.timedelta(days=7))
    late = wf.in_review_article(by=editor_user, reviewers=[reviewer_user], title="已经逾期的稿件")
    ReviewAssignment.objects.filter(article=late).update(due_date=today - datetime.timedelta(days=3))
    wf.in_review_article(by=editor_user, reviewers=[ReviewerFactory(username="other")],
                         title="别人审的稿件")
    page = _page(client, reviewer_user)
    review = page[page.index('id="h-review"'):page.index('id="h-changes"')]
    assert review.index("已经逾期的稿件") < review.index("下周到期的稿件")
    assert (today + datetime.timedelta(days=7)).isoformat() in review and "已逾期" in review
    assert reverse("editorial:article_detail", args=[soon.pk]) in review
    overdue = page[page.index('id="h-overdue"'):]
    assert "已经逾期的稿件" in overdue.split('id="h-drafts"')[0]
    assert "别人审的稿件" not in page  # neither a task nor visible activity


def test_an_author_sees_drafts_sent_back_with_the_reviewers_request(
    client, editor_user, reviewer_user
):
    article = wf.in_review_article(by=editor_user, reviewers=[reviewer_user], title="需要修改的稿件")
    services.article_request_changes(user=reviewer_user, article_id=article.pk, comment="补充来源")
    wf.draft_article(by=editor_user, title="我还在写的草稿")
    page = _page(client, editor_user)
    changes = page[page.index('id="h-changes"'):page.index('id="h-overdue"')]
    assert "需要修改的稿件" in changes
    drafts = page[page.index('id="h-drafts"'):page.index('id="h-activity"')]
    assert "我还在写的草稿" in drafts and "需要修改的稿件" not in drafts
    activity = page[page.index('id="h-activity"'):]
    assert "审稿乙 要求修改" in activity and "编辑甲 提交审稿" in activity


def test_an_editor_sees_every_overdue_review_and_the_next_issue(client, editor_user, reviewer_user):
    today = timezone.localdate()
    late = wf.in_review_article(by=editor_user, reviewers=[reviewer_user], title="逾期未审")
    ReviewAssignment.objects.filter(article=late).update(due_date=today - datetime.timedelta(days=2))
    later = IssueFactory(number=11, copy_deadline=today + datetime.timedelta(days=40))
    nxt = IssueFactory(number=10, copy_deadline=today + datetime.timedelta(days=12))
    Release.objects.create(issue=nxt, release_at=timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=20), datetime.time(9, 0))))
    page = _page(client, editor_user)
    overdue = page[page.index('id="h-overdue"'):]
    assert "逾期未审" in overdue and "审稿乙" in overdue
    panel = page[page.index('id="h-next"'):page.index('id="h-drafts"')]
    assert nxt.display_title in panel.split("其他制作中的期刊")[0]
    assert (today + datetime.timedelta(days=12)).isoformat() in panel and "还有 12 天" in panel
    assert (today + datetime.timedelta(days=20)).isoformat() + " 09:00" in panel
    assert later.display_title in panel.split("其他制作中的期刊")[1]


def test_a_reviewer_sees_no_issue_planning(client, editor_user, reviewer_user):
    IssueFactory(number=10, copy_deadline=timezone.localdate())
    page = _page(client, reviewer_user)
    assert 'id="h-next"' not in page


def _load(editor, reviewer, n: int) -> None:
    today = timezone.localdate()
    for i in range(n):
        wf.draft_article(by=editor, title=f"草稿{i}")
        article = wf.in_review_article(by=editor, reviewers=[reviewer], title=f"待审{i}")
        ReviewAssignment.objects.filter(article=article).update(
            due_date=today - datetime.timedelta(days=1))
        services.comment_add(user=reviewer, article_id=article.pk, body=f"意见{i}")
        IssueFactory(copy_deadline=today + datetime.timedelta(days=i))


@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_queries_do_not_grow_with_the_data(client, editor_user, reviewer_user, role,
                                           django_assert_max_num_queries):
    user = editor_user if role == "editor" else reviewer_user
    client.force_login(user)
    _load(editor_user, reviewer_user, 2)
    client.get(reverse("editorial:dashboard"))  # warm the session and permission caches
    with django_assert_max_num_queries(16) as few:
        client.get(reverse("editorial:dashboard"))
    _load(editor_user, reviewer_user, 25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("editorial:dashboard")).content.decode()
    assert "还有" in page  # the panels are cut, with the rest counted
